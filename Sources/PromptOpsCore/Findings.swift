/// How much a finding matters: errors fail the gate, warnings and notes are reported only.
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
  case error, warning, info

  private var rank: Int {
    switch self {
    case .error: return 2
    case .warning: return 1
    case .info: return 0
    }
  }

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem the gate found, located at a file and 1-based line.
public struct Finding: Codable, Sendable, Equatable, Hashable {
  public let rule: String
  public var severity: Severity
  public let prompt: String
  public let file: String
  public let line: Int
  public let message: String

  public init(rule: RuleID, severity: Severity? = nil, prompt: String, file: String, line: Int, message: String) {
    self.rule = rule.rawValue
    self.severity = severity ?? rule.info.defaultSeverity
    self.prompt = prompt
    self.file = file
    self.line = max(line, 1)
    self.message = message
  }
}
