import Foundation
import TestSupport
import Testing

/// The parsed JSON report of a `--format json` run.
struct JSONReport {
  let raw: [String: Any]

  init(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    raw = try #require(
      object as? [String: Any], "not a JSON object: \(result.stdout)\n\(result.stderr)", sourceLocation: sourceLocation)
  }

  var passed: Bool { raw["passed"] as? Bool ?? false }
  var findings: [[String: Any]] { raw["findings"] as? [[String: Any]] ?? [] }
  var prompts: [[String: Any]] { raw["prompts"] as? [[String: Any]] ?? [] }
  var rules: [String] { findings.compactMap { $0["rule"] as? String } }

  func findings(_ rule: String) -> [[String: Any]] { findings.filter { $0["rule"] as? String == rule } }
  func prompt(_ id: String) -> [String: Any]? { prompts.first { $0["id"] as? String == id } }
}

/// Eight YAML anchors, `a` to `h`, each a list of nine aliases to the one before: in eight short
/// lines `*h` stands for 9^8 (43 million) scalars, past every bound promptops reads values to.
let aliasLadder: String = {
  var text = "a: &a [x,x,x,x,x,x,x,x,x]\n"
  for (previous, name) in zip("abcdefg", "bcdefgh") {
    text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]\n"
  }
  return text
}()

extension TempRepo {
  /// A repository holding one committed prompt `a` at 1.0.0 with the variable {{name}}.
  static func withPrompt(
    _ name: String = #function, text: String = "Hello {{name}}.\nYou must be polite.\nAnswer briefly.\n"
  ) throws -> TempRepo {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("add a")
    return repo
  }

  func check(_ arguments: String...) throws -> (ProcessResult, JSONReport) {
    let result = try runProcess(
      try promptopsBinary(), ["check"] + arguments + ["--format", "json"], in: path, environment: environment)
    return (result, try JSONReport(result))
  }

  func gate(_ arguments: String...) throws -> (ProcessResult, JSONReport) {
    let result = try runProcess(
      try promptopsBinary(), ["gate"] + arguments + ["--format", "json"], in: path, environment: environment)
    return (result, try JSONReport(result))
  }
}

/// SHA-256 computed by coreutils, an oracle independent of the code under test.
func sha256sum(_ file: String) throws -> String {
  let result = try runProcess("/usr/bin/sha256sum", [file], in: "/", environment: [:])
  return String(result.stdout.prefix(64))
}

extension TempRepo {
  /// The files of the repository's eval cache, whatever their format (temporary files aside).
  func evalCacheEntries() throws -> [String] {
    let cache = path + "/.git/promptops/eval-cache"
    guard FileManager.default.fileExists(atPath: cache) else { return [] }
    return try FileManager.default.subpathsOfDirectory(atPath: cache).filter { entry in
      var isFolder: ObjCBool = false
      return !(entry as NSString).lastPathComponent.hasPrefix(".")
        && FileManager.default.fileExists(atPath: cache + "/" + entry, isDirectory: &isFolder) && !isFolder.boolValue
    }.map { cache + "/" + $0 }
  }
}

extension TempRepo {
  /// Lists `publicKey` for `email` in an allowed signers file that `.promptops.yml` names, and
  /// commits both: `promptops approve` writes only records that will verify.
  func trustApprovals(of email: String, publicKey: String) throws {
    let key = publicKey.split(separator: " ").prefix(2).joined(separator: " ")
    try write(".promptops/allowed_signers", "\(email) namespaces=\"promptops-approval\" \(key)\n")
    let configuration = (try? read(".promptops.yml")) ?? "version: 1\n"
    try write(".promptops.yml", configuration + "approvals:\n  allowed_signers: .promptops/allowed_signers\n")
    try commit("trust \(email)'s key for approvals")
  }
}
