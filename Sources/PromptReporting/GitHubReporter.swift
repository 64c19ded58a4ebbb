import PromptChanges
import PromptModel

/// GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per
/// finding, escaped as the Actions toolkit escapes, at most 10 per level (GitHub shows no more
/// per step), then a line saying how many more are in the step summary.
public struct GitHubReporter: Reporter {
  public static let limitPerLevel = 10

  public init() {}

  /// Escapes the message part: `%`, CR and LF (so nothing in it can start a new command).
  public static func escapeData(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  /// Escapes a property value: as the message, plus `:` and `,`, which separate properties.
  public static func escapeProperty(_ text: String) -> String {
    escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }

  static func command(_ severity: Severity) -> String {
    switch severity {
    case .error: return "error"
    case .warning: return "warning"
    case .info: return "notice"
    }
  }

  public func render(_ report: GateReport) -> String {
    var out = ""
    var shown: [Severity: Int] = [:]
    var hidden = 0
    for finding in report.findings {
      let count = shown[finding.severity, default: 0]
      guard count < Self.limitPerLevel else {
        hidden += 1
        continue
      }
      shown[finding.severity] = count + 1
      let title = "promptops \(finding.rule) (\(finding.prompt))"
      out +=
        "::\(Self.command(finding.severity)) file=\(Self.escapeProperty(finding.file)),line=\(finding.line),"
        + "title=\(Self.escapeProperty(title))::\(Self.escapeData(finding.message))\n"
    }
    if hidden > 0 {
      out +=
        "promptops: \(hidden) more finding\(hidden == 1 ? "" : "s") not annotated (GitHub shows \(Self.limitPerLevel) per level); all are in the step summary\n"
    }
    let errors = report.count(.error)
    out +=
      report.passed
      ? "promptops: passed, \(report.prompts.count) prompt\(report.prompts.count == 1 ? "" : "s") checked, \(report.count(.warning)) warning(s)\n"
      : "promptops: failed, \(errors) error\(errors == 1 ? "" : "s") in \(report.prompts.count) prompt\(report.prompts.count == 1 ? "" : "s")\n"
    return out
  }
}
