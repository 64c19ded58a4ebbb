import PromptChanges
import PromptModel

/// JUnit XML for GitLab, Jenkins and test dashboards: one test suite per changed prompt, one
/// test case per rule; a rule with errors fails, warnings and notes are printed as output.
public struct JUnitReporter: Reporter {
  public init() {}

  static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\n", "\r", "\t": out.unicodeScalars.append(scalar)
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  public func render(_ report: GateReport) -> String {
    var prompts = report.prompts.map(\.id)
    for finding in report.findings where !prompts.contains(finding.prompt) { prompts.append(finding.prompt) }
    let rules = RuleID.allCases
    let tests = prompts.count * rules.count + report.evals.count
    let failures =
      Set(report.findings.filter { $0.severity == .error }.map { "\($0.prompt)\u{0}\($0.rule)" }).count
      + report.evals.filter { !$0.passed }.count
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    xml += "<testsuites name=\"promptops\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\">\n"
    for prompt in prompts {
      let findings = report.findings.filter { $0.prompt == prompt }
      let failed = Set(findings.filter { $0.severity == .error }.map(\.rule)).count
      let path = report.prompts.first { $0.id == prompt }?.path ?? findings.first?.file ?? prompt
      xml +=
        "  <testsuite name=\"\(Self.escape(prompt))\" tests=\"\(rules.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
      xml += "    <properties><property name=\"path\" value=\"\(Self.escape(path))\"/></properties>\n"
      for rule in rules {
        let hits = findings.filter { $0.rule == rule.rawValue }
        xml +=
          "    <testcase classname=\"promptops.\(Self.escape(prompt))\" name=\"\(rule.rawValue)\" file=\"\(Self.escape(hits.first?.file ?? path))\""
        if hits.isEmpty {
          xml += "/>\n"
          continue
        }
        xml += ">\n"
        let errors = hits.filter { $0.severity == .error }
        if !errors.isEmpty {
          let body = errors.map { "\($0.file):\($0.line): \($0.message)" }.joined(separator: "\n")
          xml +=
            "      <failure message=\"\(Self.escape(errors[0].message))\" type=\"\(rule.rawValue)\">\(Self.escape(body))</failure>\n"
        }
        let others = hits.filter { $0.severity != .error }
        if !others.isEmpty {
          let body = others.map { "\($0.severity.rawValue): \($0.file):\($0.line): \($0.message)" }.joined(
            separator: "\n")
          xml += "      <system-out>\(Self.escape(body))</system-out>\n"
        }
        xml += "    </testcase>\n"
      }
      xml += "  </testsuite>\n"
    }
    if !report.evals.isEmpty {
      let failed = report.evals.filter { !$0.passed }.count
      xml +=
        "  <testsuite name=\"evals\" tests=\"\(report.evals.count)\" failures=\"\(failed)\" errors=\"0\" skipped=\"0\">\n"
      for summary in report.evals {
        xml += "    <testcase classname=\"promptops.evals\" name=\"\(Self.escape(summary.id))\">\n"
        if !summary.passed {
          let body =
            (summary.errors + summary.failures.map { "\($0.name)" + ($0.failure.map { ": \($0.summary)" } ?? "") })
            .joined(separator: "\n")
          xml +=
            "      <failure message=\"\(Self.escape(summary.line))\" type=\"eval-failed\">\(Self.escape(body))</failure>\n"
        }
        xml += "      <system-out>\(Self.escape(summary.line))</system-out>\n"
        xml += "    </testcase>\n"
      }
      xml += "  </testsuite>\n"
    }
    xml += "</testsuites>\n"
    return xml
  }
}
