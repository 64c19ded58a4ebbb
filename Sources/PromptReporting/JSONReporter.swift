import Foundation
import PromptChanges
import PromptModel

/// The JSON contract other tools read:
/// `{"passed", "base", "head", "prompts": [...], "findings": [...]}`.
public struct JSONReporter: Reporter {
  public init() {}

  struct Document: Encodable {
    let passed: Bool
    let base: String?
    let head: String
    let prompts: [PromptSummary]
    let findings: [Finding]
    let summary: Summary
    /// The evaluated prompts (the gate only): pass rate, score, thresholds, what failed.
    let evals: [EvalSummary]

    struct Summary: Encodable {
      let errors: Int
      let warnings: Int
      let infos: Int
      let statistics: GateReport.Statistics
    }

    func encode(to encoder: Encoder) throws {
      enum Keys: String, CodingKey { case passed, base, head, prompts, findings, summary, evals }
      var container = encoder.container(keyedBy: Keys.self)
      try container.encode(passed, forKey: .passed)
      try container.encode(base, forKey: .base)  // null for the empty tree (first commit)
      try container.encode(head, forKey: .head)
      try container.encode(prompts, forKey: .prompts)
      try container.encode(findings, forKey: .findings)
      try container.encode(summary, forKey: .summary)
      if !evals.isEmpty { try container.encode(evals, forKey: .evals) }
    }
  }

  public func render(_ report: GateReport) -> String {
    let document = Document(
      passed: report.passed, base: report.base, head: report.head, prompts: report.prompts, findings: report.findings,
      summary: .init(
        errors: report.count(.error), warnings: report.count(.warning), infos: report.count(.info),
        statistics: report.statistics),
      evals: report.evals)
    guard let data = try? JSONWriter.pretty(document, snakeCaseKeys: true) else { return "{\"passed\": false}" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
