import PromptChanges

/// A pull-request comment: verdict, a table of the changed prompts, findings grouped by prompt.
public struct MarkdownReporter: Reporter {
  /// GitHub's step summary takes at most 1 MiB per step; the report stays under it.
  public static let byteLimit = 1_000_000

  public init() {}

  static func cell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }

  public func render(_ report: GateReport) -> String {
    var out = report.passed ? "## ✅ promptops: passed\n\n" : "## ❌ promptops: failed\n\n"
    out += "\(report.count(.error)) error(s), \(report.count(.warning)) warning(s), \(report.count(.info)) note(s) "
    out +=
      "in \(report.prompts.count) prompt(s); `\(report.base.map { String($0.prefix(12)) } ?? "empty tree")` → `\(report.head == "index" ? "index" : String(report.head.prefix(12)))`\n\n"
    if !report.prompts.isEmpty {
      out += "| prompt | version | required bump | status |\n|---|---|---|---|\n"
      for prompt in report.prompts {
        let version: String
        switch (prompt.oldVersion, prompt.newVersion) {
        case (let old?, let new?) where old != new: version = "\(old) → \(new)"
        case (_, let new?): version = new
        case (let old?, nil): version = old
        default: version = "—"
        }
        out +=
          "| `\(Self.cell(prompt.id))` | \(Self.cell(version)) | \(prompt.requiredBump.rawValue) | \(prompt.status.rawValue) |\n"
      }
      out += "\n"
    }
    if !report.evals.isEmpty {
      out += "| evaluated prompt | tests passed | pass rate (min) | score (min) | verdict |\n|---|---|---|---|---|\n"
      for summary in report.evals {
        let verdict = !summary.errors.isEmpty ? "❌ could not run" : summary.passed ? "✅ passed" : "❌ failed"
        out +=
          "| `\(Self.cell(summary.id))` | \(summary.testsPassed)/\(summary.tests) | "
          + String(format: "%.0f%% (%.0f%%)", summary.passRate * 100, summary.minPassRate * 100) + " | "
          + String(format: "%.2f (%.2f)", summary.score, summary.minScore) + " | \(verdict) |\n"
      }
      out += "\n"
      for summary in report.evals where !summary.failures.isEmpty {
        out += "<details><summary>Failing tests of <code>\(Self.cell(summary.id))</code></summary>\n\n"
        for failed in summary.failures {
          out += "- **\(Self.cell(failed.name))**" + (failed.failure.map { " — " + Self.cell($0.summary) } ?? "") + "\n"
        }
        out += "\n</details>\n\n"
      }
    }
    var order: [String] = []
    for finding in report.findings where !order.contains(finding.prompt) { order.append(finding.prompt) }
    for prompt in order {
      var section = "### `\(prompt)`\n\n"
      for finding in report.findings where finding.prompt == prompt {
        let icon = finding.severity == .error ? "❌" : finding.severity == .warning ? "⚠️" : "ℹ️"
        section +=
          "- \(icon) **\(finding.rule)** `\(finding.file):\(finding.line)` — \(finding.message.replacingOccurrences(of: "\n", with: " "))\n"
      }
      section += "\n"
      if out.utf8.count + section.utf8.count > Self.byteLimit - 200 {
        out +=
          "_… more findings omitted to stay under GitHub's 1 MiB summary limit; see the job log or the SARIF file._\n"
        return out
      }
      out += section
    }
    return out
  }
}
