/// Renders a finished report in one output format. Reporters only format: they never decide
/// whether the gate passed.
public protocol Reporter {
  func render(_ report: GateReport) -> String
}

/// The formats `--format` accepts.
public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json

  public func reporter(colors: Bool) -> any Reporter {
    switch self {
    case .text: return TextReporter(colors: colors)
    case .json: return JSONReporter()
    }
  }
}
