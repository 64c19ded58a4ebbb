import Foundation
import Spawn
import Testing

@testable import PromptEvals
@testable import PromptModel

/// Where the eval cache's key comes from: the environment's secret, else a per-user key file made
/// once, readable by its owner only; a file that is not such a key turns the cache off, saying why.
@Suite("eval cache key")
struct EvalCacheKeyTests {
  let home = FileManager.default.temporaryDirectory.appendingPathComponent("cache-key-\(UUID().uuidString)").path

  func keyFile(_ environment: [String: String]) -> String {
    try! #require(EvalCacheKey.keyFilePath(environment: environment))
  }

  func entryWritten(with first: [String: String], readsWith second: [String: String]) throws -> EvalCache.Lookup {
    let folder = home + "/cache"
    let writer = EvalCache(directory: folder, key: try EvalCacheKey.resolve(environment: first).get())
    let key = String(repeating: "ab", count: 32)
    writer.store(ProviderResponse(output: "answer", latencyMs: 1), key: key)
    return EvalCache(directory: folder, key: try EvalCacheKey.resolve(environment: second).get()).load(key)
  }

  /// The variable the key is read from is the one no child process is given (CacheKeySecrecyTests
  /// shows a suite's programs cannot read it).
  @Test func theSecretsVariableIsWithheldFromChildren() {
    #expect(WithheldEnvironment.names.contains(EvalCacheKey.environmentVariable))
    let given = WithheldEnvironment.removing(from: [EvalCacheKey.environmentVariable: "s", "PATH": "/usr/bin"])
    #expect(given == ["PATH": "/usr/bin"])
  }

  @Test func theKeyFileIsMadeOnceForItsOwnerAndTheSecretWinsOverIt() throws {
    defer { try? FileManager.default.removeItem(atPath: home) }
    let environment = ["HOME": home, "XDG_CONFIG_HOME": "relative/ignored"]
    #expect(keyFile(environment) == home + "/.config/promptops/cache.key")
    #expect(keyFile(["HOME": home, "XDG_CONFIG_HOME": home + "/xdg"]) == home + "/xdg/promptops/cache.key")
    #expect(EvalCacheKey.keyFilePath(environment: [:]) == nil)

    #expect(
      try entryWritten(with: environment, readsWith: environment)
        == .answer(ProviderResponse(output: "answer", latencyMs: 1)))
    let attributes = try FileManager.default.attributesOfItem(atPath: keyFile(environment))
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    let folderAttributes = try FileManager.default.attributesOfItem(atPath: home + "/.config/promptops")
    #expect((folderAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    // An empty secret (a CI job given none) is no secret: the file's key is used.
    #expect(
      try entryWritten(with: environment, readsWith: environment.merging(["PROMPTOPS_CACHE_KEY": ""]) { $1 })
        != .rejected)
    #expect(
      try entryWritten(with: environment, readsWith: environment.merging(["PROMPTOPS_CACHE_KEY": "ci secret"]) { $1 })
        == .rejected)
  }

  @Test func aKeyFileOthersMayReadOrThatHoldsNoKeyTurnsTheCacheOff() throws {
    defer { try? FileManager.default.removeItem(atPath: home) }
    let environment = ["HOME": home]
    _ = try EvalCacheKey.resolve(environment: environment).get()
    let path = keyFile(environment)
    let made = try String(contentsOfFile: path, encoding: .utf8)
    #expect(made.range(of: "^[0-9a-f]{64}\n$", options: .regularExpression) != nil, "\(made)")
    // Another run reads the same key.
    #expect(
      try EvalCacheKey.resolve(environment: environment).get() == EvalCacheKey.resolve(environment: environment).get())

    #expect(chmod(path, 0o644) == 0)
    guard case .failure(let open) = EvalCacheKey.resolve(environment: environment) else {
      Issue.record("a readable key was used")
      return
    }
    #expect(open.description.contains(path) && open.description.contains("chmod 600"), "\(open)")

    #expect(chmod(path, 0o600) == 0)
    try "not a key\n".write(toFile: path, atomically: false, encoding: .utf8)
    guard case .failure(let garbled) = EvalCacheKey.resolve(environment: environment) else {
      Issue.record("a garbled key was used")
      return
    }
    #expect(garbled.description.contains("does not hold a cache key"), "\(garbled)")

    // A home below a file: no key can be made, and the reason names the folder.
    try "".write(toFile: home + "/file", atomically: false, encoding: .utf8)
    guard case .failure(let homeless) = EvalCacheKey.resolve(environment: ["HOME": home + "/file/home"]) else {
      Issue.record("a key was made below a file")
      return
    }
    #expect(homeless.description.contains(home + "/file/home"), "\(homeless)")
  }
}
