import Crypto
import Foundation
import PromptChanges
import PromptModel

/// SARIF 2.1.0, as GitHub code scanning reads it: every rule with its descriptions and help,
/// every finding as a result with a level, a repository-relative location and a fingerprint
/// that survives unrelated edits (so code scanning can tell new alerts from old ones).
public struct SARIFReporter: Reporter {
  public init() {}

  static func level(_ severity: Severity) -> String {
    switch severity {
    case .error: return "error"
    case .warning: return "warning"
    case .info: return "note"
    }
  }

  /// A stable identity for a finding: rule, prompt, file and message, not the line (a finding
  /// that moves down the file is the same finding).
  static func fingerprint(_ finding: Finding) -> String {
    let key = [finding.rule, finding.prompt, finding.file, finding.message].joined(separator: "\u{0}")
    return SHA256.hash(data: Array(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
  }

  public func render(_ report: GateReport) -> String {
    let rules = RuleID.allCases
    let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.rawValue, $0) })
    let driverRules = rules.map { rule in
      SARIFLog.Rule(
        id: rule.rawValue,
        name: rule.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
        shortDescription: .init(text: rule.info.summary),
        fullDescription: .init(text: rule.info.summary + ". " + rule.info.rationale),
        help: .init(text: rule.info.fix, markdown: "**How to fix:** " + rule.info.fix),
        defaultConfiguration: .init(level: Self.level(rule.info.defaultSeverity)))
    }
    let results = report.findings.map { finding in
      SARIFLog.Result(
        ruleId: finding.rule, ruleIndex: ruleIndex[finding.rule], level: Self.level(finding.severity),
        message: .init(text: finding.message),
        locations: [
          .init(
            physicalLocation: .init(
              artifactLocation: .init(uri: finding.file, uriBaseId: "%SRCROOT%"), region: .init(startLine: finding.line)
            ))
        ],
        partialFingerprints: ["promptopsFinding/v1": Self.fingerprint(finding)],
        properties: .init(prompt: finding.prompt))
    }
    let evals = report.evals.map { summary in
      SARIFLog.EvalProperties(
        id: summary.id, version: summary.version, passed: summary.passed, passRate: summary.passRate,
        score: summary.score, minPassRate: summary.minPassRate, minScore: summary.minScore, tests: summary.tests,
        testsPassed: summary.testsPassed, summary: summary.line)
    }
    let log = SARIFLog(
      runs: [
        .init(
          tool: .init(driver: .init(name: "promptops", semanticVersion: promptOpsVersion, rules: driverRules)),
          originalUriBaseIds: ["%SRCROOT%": .init(description: .init(text: "The repository root."))],
          results: results,
          properties: .init(base: report.base, head: report.head, passed: report.passed, evals: evals))
      ])
    // A report that cannot be written (a score JSON cannot hold) is an empty log, which code
    // scanning rejects loudly; the gate's verdict and exit code do not depend on it.
    guard let data = try? JSONWriter.pretty(log) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
