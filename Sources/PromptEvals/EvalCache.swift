import Crypto
import Foundation
import PromptModel

/// What providers answered, stored by the SHA-256 of everything that decides each answer, so a
/// rerun with nothing changed calls no provider.
///
/// Only answers are stored, never verdicts: every run grades again from the answers (a
/// deterministic assertion costs microseconds, an `llm-rubric` re-reads its grader's answer). Each
/// entry carries an HMAC-SHA256 of its key and answer under a key kept outside the repository and
/// outside the cache (see `EvalCacheKey`), so an entry written or edited by anyone without that key
/// (a hand-edited file, a cache restored from elsewhere) does not verify: it is a miss, counted,
/// and the provider is asked again. It never changes a verdict and is never an error.
///
/// One file per answer under the git directory (`promptops/eval-cache/ab/abcdef….answer`),
/// written to a temporary file and renamed into place: two runs at once never see half a file,
/// and the last writer of identical content wins harmlessly.
public struct EvalCache: Sendable {
  /// The version of the entries' format and of the keys that name them: entries of another
  /// format are never read (their keys differ).
  static let format = 2

  public let directory: String
  private let key: SymmetricKey

  public init(directory: String, key: SymmetricKey) {
    self.directory = directory
    self.key = key
  }

  /// A cache whose key is a secret text, as `PROMPTOPS_CACHE_KEY` gives it.
  public init(directory: String, secret: String) {
    self.init(directory: directory, key: EvalCacheKey.key(secret: secret))
  }

  /// The cache of a repository: shared by its worktrees.
  public init(gitCommonDirectory: String, key: SymmetricKey) {
    let base = gitCommonDirectory.hasSuffix("/") ? gitCommonDirectory : gitCommonDirectory + "/"
    self.init(directory: base + "promptops/eval-cache", key: key)
  }

  /// The cache of a repository, its entries authenticated with the key `EvalCacheKey` finds; nil
  /// when there is no key, after saying why on standard error (once per process).
  public static func forRepository(gitCommonDirectory: String, environment: [String: String]) -> EvalCache? {
    switch EvalCacheKey.resolve(environment: environment) {
    case .success(let key): return EvalCache(gitCommonDirectory: gitCommonDirectory, key: key)
    case .failure(let problem):
      unavailableNotice.say(
        "promptops: warning: eval cache off: \(problem.description); every provider is asked "
          + "(set \(EvalCacheKey.environmentVariable), or make the key file's folder writable)")
      return nil
    }
  }

  private static let unavailableNotice = OnceNotice()

  /// What the cache holds for a key.
  public enum Lookup: Sendable, Equatable {
    /// No entry: the provider is asked.
    case absent
    /// An authentic entry: the provider's answer as it was given.
    case answer(ProviderResponse)
    /// An entry that cannot be read or does not verify: the provider is asked, and the entry is
    /// counted (`EvalRunner.Statistics.cacheRejected`).
    case rejected
  }

  private func path(for key: String) -> String { "\(directory)/\(key.prefix(2))/\(key).answer" }

  /// The first line of every entry; the second is the code, in hexadecimal.
  private static let header = Array("promptops eval cache \(format)\n".utf8)

  /// An entry is plain text that reads back byte for byte, with no decoder in the way:
  ///
  ///     promptops eval cache 2
  ///     <HMAC-SHA256, hexadecimal>
  ///     latencyMs 812.5
  ///     cost 0.00042              (or -)
  ///     tokenUsage 12 30 42       (or -)
  ///     output 17
  ///     <the output's 17 bytes>
  ///
  /// The code authenticates the header, the entry's key and everything below the code (numbers
  /// are written as Swift writes a Double, which reads back as the same number).
  public func load(_ entryKey: String) -> Lookup {
    let bytes: [UInt8]
    switch Self.read(path(for: entryKey)) {
    case .absent: return .absent
    case .unreadable: return .rejected
    case .bytes(let read): bytes = read
    }
    let macStart = Self.header.count
    let bodyStart = macStart + 65
    guard bytes.count >= bodyStart, bytes.starts(with: Self.header), bytes[bodyStart - 1] == 0x0A,
      let mac = Hex.bytes(bytes[macStart..<bodyStart - 1]),
      HMAC<SHA256>.isValidAuthenticationCode(
        mac, authenticating: authenticated(entryKey, bytes[bodyStart...]), using: key),
      let response = Self.response(bytes[bodyStart...])
    else { return .rejected }
    return .answer(response)
  }

  /// Stores an answer; a cache that cannot be written is only a slower next run.
  public func store(_ response: ProviderResponse, key entryKey: String) {
    let target = path(for: entryKey)
    let folder = (target as NSString).deletingLastPathComponent
    let output = Array(response.output.utf8)
    let cost = response.cost.map { "\($0)" } ?? "-"
    let usage = response.tokenUsage.map { "\($0.prompt) \($0.completion) \($0.total)" } ?? "-"
    let body =
      Array("latencyMs \(response.latencyMs)\ncost \(cost)\ntokenUsage \(usage)\noutput \(output.count)\n".utf8)
      + output
    let mac = HMAC<SHA256>.authenticationCode(for: authenticated(entryKey, body[...]), using: key)
    let entry = Self.header + Array(Self.hex(mac).utf8) + [0x0A] + body
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil else {
      return
    }
    let temporary = "\(folder)/.\(entryKey).\(getpid()).\(UUID().uuidString).tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: Data(entry)) else { return }
    if rename(temporary, target) != 0 { unlink(temporary) }
  }

  /// What the code authenticates: the header (the format), the entry's key (so an entry moved to
  /// another key's file does not verify) and the body.
  private func authenticated(_ entryKey: String, _ body: ArraySlice<UInt8>) -> [UInt8] {
    Self.header + Array(entryKey.utf8) + [0x0A] + body
  }

  /// The answer in an entry's body; nil when it is not a body `store` wrote.
  private static func response(_ body: ArraySlice<UInt8>) -> ProviderResponse? {
    var rest = body
    func line(_ name: String) -> String? {
      guard let end = rest.firstIndex(of: 0x0A) else { return nil }
      let text = String(decoding: rest[rest.startIndex..<end], as: UTF8.self)
      rest = rest[(end + 1)...]
      guard text.hasPrefix(name + " ") else { return nil }
      return String(text.dropFirst(name.count + 1))
    }
    guard let latencyText = line("latencyMs"), let latency = Double(latencyText), let costText = line("cost"),
      let usageText = line("tokenUsage"), let countText = line("output"), let count = Int(countText),
      rest.count == count,
      let output = String(bytes: rest, encoding: .utf8)
    else { return nil }
    var response = ProviderResponse(output: output, latencyMs: latency)
    if costText != "-" {
      guard let cost = Double(costText) else { return nil }
      response.cost = cost
    }
    if usageText != "-" {
      let counts = usageText.split(separator: " ").compactMap { Int($0) }
      guard counts.count == 3 else { return nil }
      response.tokenUsage = TokenUsage(prompt: counts[0], completion: counts[1], total: counts[2])
    }
    return response
  }

  private enum FileRead {
    case absent, unreadable
    case bytes([UInt8])
  }

  private static func read(_ path: String) -> FileRead {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return errno == ENOENT || errno == ENOTDIR ? .absent : .unreadable }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count >= 0 else { return .unreadable }
      if count == 0 { return .bytes(bytes) }
      bytes.append(contentsOf: buffer[0..<count])
    }
  }

  static func hex(_ mac: HMAC<SHA256>.MAC) -> String {
    mac.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
  }
}

/// A line for standard error, written the first time only.
private final class OnceNotice: @unchecked Sendable {
  private let lock = NSLock()
  private var said = false

  func say(_ line: String) {
    let first = lock.withLock {
      defer { said = true }
      return !said
    }
    if first { FileHandle.standardError.write(Data((line + "\n").utf8)) }
  }
}
