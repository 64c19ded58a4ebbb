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
    let driverRules: [[String: Any]] = rules.map { rule in
      [
        "id": rule.rawValue,
        "name": rule.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(),
        "shortDescription": ["text": rule.info.summary],
        "fullDescription": ["text": rule.info.summary + ". " + rule.info.rationale],
        "help": ["text": rule.info.fix, "markdown": "**How to fix:** " + rule.info.fix],
        "defaultConfiguration": ["level": Self.level(rule.info.defaultSeverity)],
      ]
    }
    let results: [[String: Any]] = report.findings.map { finding in
      var result: [String: Any] = [
        "ruleId": finding.rule,
        "level": Self.level(finding.severity),
        "message": ["text": finding.message],
        "locations": [
          [
            "physicalLocation": [
              "artifactLocation": ["uri": finding.file, "uriBaseId": "%SRCROOT%"],
              "region": ["startLine": finding.line],
            ]
          ]
        ],
        "partialFingerprints": ["promptopsFinding/v1": Self.fingerprint(finding)],
        "properties": ["prompt": finding.prompt],
      ]
      if let index = ruleIndex[finding.rule] { result["ruleIndex"] = index }
      return result
    }
    let document: [String: Any] = [
      "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
      "version": "2.1.0",
      "runs": [
        [
          "tool": [
            "driver": [
              "name": "promptops",
              "semanticVersion": promptOpsVersion,
              "rules": driverRules,
            ]
          ],
          "originalUriBaseIds": ["%SRCROOT%": ["description": ["text": "The repository root."]]],
          "results": results,
          "properties": [
            "base": report.base as Any, "head": report.head, "passed": report.passed,
            "evals": report.evals.map { summary -> [String: Any] in
              [
                "id": summary.id, "version": summary.version as Any, "passed": summary.passed,
                "passRate": summary.passRate,
                "score": summary.score, "minPassRate": summary.minPassRate, "minScore": summary.minScore,
                "tests": summary.tests, "testsPassed": summary.testsPassed, "summary": summary.line,
              ]
            },
          ],
        ]
      ],
    ]
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else { return "{}" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
