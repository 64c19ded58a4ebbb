import Foundation

/// Test results stored by the SHA-256 of everything that decides them, so a rerun with nothing
/// changed calls no provider.
///
/// One file per result under the git directory (`promptops/eval-cache/ab/abcdef….json`), written
/// to a temporary file and renamed into place: two runs at once never see half a file, and the
/// last writer of identical content wins harmlessly.
public struct EvalCache: Sendable {
  public let directory: String

  public init(directory: String) { self.directory = directory }

  /// The cache of a repository: shared by its worktrees.
  public init(gitCommonDirectory: String) {
    let base = gitCommonDirectory.hasSuffix("/") ? gitCommonDirectory : gitCommonDirectory + "/"
    directory = base + "promptops/eval-cache"
  }

  private func path(for key: String) -> String { "\(directory)/\(key.prefix(2))/\(key).json" }

  /// The stored result, or nil when there is none or it cannot be read (then the test runs).
  public func load(_ key: String) -> RunResult? {
    guard let data = FileManager.default.contents(atPath: path(for: key)), let value = try? JSONValue.parse(data) else { return nil }
    return RunResult(stored: value)
  }

  public func store(_ result: RunResult, key: String) {
    let target = path(for: key)
    let folder = (target as NSString).deletingLastPathComponent
    guard (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil,
      let data = try? JSONEncoder().encode(result)
    else { return }
    let temporary = "\(folder)/.\(key).\(getpid()).\(UUID().uuidString).tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
    if rename(temporary, target) != 0 { unlink(temporary) }
  }
}

// MARK: - Reading stored results

/// Results are written by `JSONEncoder` and read back through `JSONValue`: a gate with every
/// eval cached reads hundreds of them, and `JSONDecoder`'s generic decoding cost about 250,000
/// instructions a result, more than everything else a cached test needs. Anything missing or of
/// the wrong type reads as no result, as a failed decoding did.
extension RunResult {
  init?(stored value: JSONValue) {
    guard case .object(let fields) = value, case .string(let output)? = fields["output"],
      let latencyMs = fields["latencyMs"]?.storedDouble
    else { return nil }
    self.init(output: output, latencyMs: latencyMs)
    if let usage = fields["tokenUsage"], usage != .null {
      guard let prompt = usage["prompt"]?.storedInt, let completion = usage["completion"]?.storedInt, let total = usage["total"]?.storedInt
      else { return nil }
      tokenUsage = TokenUsage(prompt: prompt, completion: completion, total: total)
    }
    if let cost = fields["cost"], cost != .null {
      guard let number = cost.storedDouble else { return nil }
      self.cost = number
    }
    if let grading = fields["grading"], grading != .null {
      guard let outcome = GradingOutcome(stored: grading) else { return nil }
      self.grading = outcome
    }
    if let error = fields["error"], error != .null {
      guard case .string(let text) = error else { return nil }
      self.error = text
    }
  }
}

extension GradingOutcome {
  init?(stored value: JSONValue) {
    guard case .bool(let pass)? = value["pass"], let score = value["score"]?.storedDouble, case .string(let reason)? = value["reason"],
      case .array(let items)? = value["components"]
    else { return nil }
    var components: [AssertionOutcome] = []
    components.reserveCapacity(items.count)
    for item in items {
      guard let component = AssertionOutcome(stored: item) else { return nil }
      components.append(component)
    }
    self.init(pass: pass, score: score, reason: reason, components: components)
  }
}

extension AssertionOutcome {
  init?(stored value: JSONValue) {
    guard case .bool(let pass)? = value["pass"], let score = value["score"]?.storedDouble, case .string(let reason)? = value["reason"],
      case .string(let type)? = value["type"], let weight = value["weight"]?.storedDouble
    else { return nil }
    var metric: String?
    if let stored = value["metric"], stored != .null {
      guard case .string(let text) = stored else { return nil }
      metric = text
    }
    // As `Decodable` reads an optional: a stored null is no value.
    let assertionValue = value["value"].flatMap { $0 == .null ? nil : $0 }
    self.init(pass: pass, score: score, reason: reason, type: type, value: assertionValue, weight: weight, metric: metric)
  }
}

extension JSONValue {
  /// A number as `JSONEncoder` writes a Double (a whole one without a fraction).
  fileprivate var storedDouble: Double? {
    switch self {
    case .integer(let whole): Double(whole)
    case .number(let fraction): fraction
    default: nil
    }
  }

  fileprivate var storedInt: Int? {
    if case .integer(let whole) = self { return Int(whole) }
    return nil
  }
}
