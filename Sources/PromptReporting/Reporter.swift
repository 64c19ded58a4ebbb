import PromptChanges

/// Renders a finished report in one output format. Reporters only format: they never decide
/// whether the gate passed.
public protocol Reporter {
  func render(_ report: GateReport) -> String
}

/// The formats `--format` and `--output` accept.
public enum ReportFormat: String, CaseIterable, Sendable {
  case text, json, sarif, junit, github, markdown

  public func reporter(colors: Bool = false) -> any Reporter {
    switch self {
    case .text: return TextReporter(colors: colors)
    case .json: return JSONReporter()
    case .sarif: return SARIFReporter()
    case .junit: return JUnitReporter()
    case .github: return GitHubReporter()
    case .markdown: return MarkdownReporter()
    }
  }

  /// The format a file name implies: `.sarif`, `.xml` (JUnit), `.json`, `.md`, `.txt`.
  public init?(fileName: String) {
    let lowered = fileName.lowercased()
    if lowered.hasSuffix(".sarif") || lowered.hasSuffix(".sarif.json") {
      self = .sarif
    } else if lowered.hasSuffix(".xml") {
      self = .junit
    } else if lowered.hasSuffix(".json") {
      self = .json
    } else if lowered.hasSuffix(".md") || lowered.hasSuffix(".markdown") {
      self = .markdown
    } else if lowered.hasSuffix(".txt") || lowered.hasSuffix(".log") {
      self = .text
    } else {
      return nil
    }
  }
}
