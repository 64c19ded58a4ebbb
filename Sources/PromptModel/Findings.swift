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
    self.message = message.excerpt(limit: Self.messageLimit, what: "message")
  }

  /// The longest message a finding carries, in characters: every report format prints it whole.
  static let messageLimit = 2000
}

extension String {
  /// The text as a message may quote it: at most `limit` characters, and when cut, saying how
  /// much was left out. A prompt line, a reviewer's note or a model's answer can be megabytes;
  /// a report that repeats it whole is unreadable in a terminal and can break a CI log.
  public func excerpt(limit: Int = 200, what: String = "text") -> String {
    guard utf8.count > limit, count > limit else { return self }
    let kept = prefix(limit)
    return kept + "… (\(what) cut: \(count - kept.count) more characters)"
  }
}
