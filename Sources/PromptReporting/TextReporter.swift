import PromptChanges
import PromptModel

/// Terminal output: one `file:line: severity[rule] message` line per finding (the compiler's
/// shape, which editors and CI logs link), the changed prompts, then a summary line.
public struct TextReporter: Reporter {
  public let colors: Bool

  public init(colors: Bool) { self.colors = colors }

  private func paint(_ text: String, _ code: String) -> String {
    colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  private func label(_ severity: Severity) -> String {
    switch severity {
    case .error: return paint("error", "1;31")
    case .warning: return paint("warning", "1;33")
    case .info: return paint("info", "1;36")
    }
  }

  public func render(_ report: GateReport) -> String {
    var out = ""
    for finding in report.findings {
      out += "\(finding.file):\(finding.line): \(label(finding.severity))[\(finding.rule)] \(finding.message)\n"
    }
    if !report.prompts.isEmpty {
      if !report.findings.isEmpty { out += "\n" }
      for prompt in report.prompts {
        var line = "  \(prompt.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(prompt.id)"
        switch (prompt.oldVersion, prompt.newVersion) {
        case (let old?, let new?) where old != new: line += "  \(old) → \(new)"
        case (_, let new?): line += "  \(new)"
        case (let old?, nil): line += "  \(old)"
        default: break
        }
        if prompt.requiredBump != .none { line += "  (needs \(prompt.requiredBump.rawValue))" }
        if let oldPath = prompt.oldPath { line += "  \(oldPath) → \(prompt.path)" }
        out += line + "\n"
      }
    }
    for summary in report.evals {
      let verdict =
        !summary.errors.isEmpty
        ? paint("error", "1;31") : summary.passed ? paint("passed", "1;32") : paint("failed", "1;31")
      out += "  evals     \(summary.id)  \(verdict): \(summary.line)\n"
      for failed in summary.failures {
        out += "    ✗ \(failed.name)" + (failed.failure.map { ": \($0.summary)" } ?? "") + "\n"
      }
    }
    let errors = report.count(.error)
    let warnings = report.count(.warning)
    let noun = report.prompts.count == 1 ? "prompt" : "prompts"
    var summary =
      "\(report.prompts.count) \(noun) checked, \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
    let infos = report.count(.info)
    if infos > 0 { summary += ", \(infos) note\(infos == 1 ? "" : "s")" }
    summary +=
      " (\(report.base.map { String($0.prefix(12)) } ?? "empty tree") → \(report.head == "index" ? "index" : String(report.head.prefix(12))))"
    out += report.passed ? paint("passed: ", "1;32") + summary + "\n" : paint("failed: ", "1;31") + summary + "\n"
    return out
  }
}
