import Foundation

/// A finished evaluation of some prompts at one commit: the plans, every unit's runs, and the
/// verdict per prompt.
public struct EvalRun: Sendable {
  public var commit: String?
  public var shard: EvalShard?
  public var plans: [PromptEvalPlan]
  public var unitResults: [UnitResult]
  public var prompts: [PromptEvalResult]
  public var statistics: EvalRunner.Statistics
  public var timestamp: Date
  /// What the user should know about the run but that does not change a verdict: a stale lock
  /// removed, results that could not be recorded as a note.
  public var notices: [String] = []

  public var passed: Bool { prompts.allSatisfy { $0.header.suites.isEmpty || $0.passed } }
}

/// `--shard K/N`: the K-th of N deterministic slices of all units (1-based), for CI matrix jobs.
public struct EvalShard: Sendable, Equatable, CustomStringConvertible {
  public let index: Int
  public let count: Int

  public init?(_ text: String) {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1,
      (1...count).contains(index)
    else { return nil }
    self.index = index
    self.count = count
  }

  public var description: String { "\(index)/\(count)" }

  /// Units are dealt round-robin in their sorted order, so every shard gets a similar share of
  /// every prompt and the split never depends on timing.
  func select(_ units: [EvalUnit]) -> [EvalUnit] {
    let sorted = units.sorted { $0.key < $1.key }
    let chosen = Set(sorted.enumerated().filter { $0.offset % count == index - 1 }.map(\.element.key))
    return units.filter { chosen.contains($0.key) }
  }
}
