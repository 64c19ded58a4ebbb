import Foundation
import PromptLogs
import PromptModel

/// Renders a `LogReport` as text, JSON, Markdown or HTML.
public enum LogReportRenderer {
  public enum Format: String, CaseIterable, Sendable { case text, json, markdown, html }

  struct Row {
    let cells: [String]
  }

  static let header = [
    "prompt", "version", "sha256", "env", "calls", "tokens in", "tokens out", "cost USD", "p50 ms", "p95 ms",
    "eval pass", "errors",
  ]

  static func rows(_ report: LogReport) -> [[String]] {
    report.versions.map { entry in
      [
        entry.promptID, entry.versions.isEmpty ? "—" : entry.versions.joined(separator: ", "),
        String(entry.versionHash.prefix(12)) + (entry.known ? "" : " (unknown)"),
        entry.environments.isEmpty ? "—" : entry.environments.joined(separator: ", "), "\(entry.calls)",
        "\(entry.tokensInput)", "\(entry.tokensOutput)", String(format: "%.4f", entry.costUSD),
        entry.latencyP50Ms.map(String.init) ?? "—", entry.latencyP95Ms.map(String.init) ?? "—",
        entry.evalPassRate.map { String(format: "%.0f%%", $0 * 100) } ?? "—", "\(entry.errors)",
      ]
    }
  }

  public static func render(_ report: LogReport, as format: Format) -> String {
    switch format {
    case .json:
      return (try? JSONWriter.pretty(report)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    case .text:
      let table = [header] + rows(report)
      let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
      var out =
        table.map { row in
          row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
      for drift in report.drift { out += "error[\(drift.rule)] \(drift.message)\n" }
      out +=
        "\(report.records) record\(report.records == 1 ? "" : "s") in \(report.versions.count) prompt version\(report.versions.count == 1 ? "" : "s")"
      out += report.skipped > 0 ? ", \(report.skipped) skipped (not valid prompt logs; see logs validate)" : ""
      out += report.drift.isEmpty ? ", no drift\n" : ", \(report.drift.count) drifted\n"
      return out
    case .markdown:
      var out =
        "## Prompt versions in the logs\n\n| " + header.joined(separator: " | ") + " |\n|"
        + header.map { _ in "---" }.joined(separator: "|") + "|\n"
      for row in rows(report) {
        out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
      }
      if !report.drift.isEmpty {
        out += "\n### Drift\n\n"
        for drift in report.drift { out += "- ❌ **\(drift.rule)** \(drift.message)\n" }
      }
      return out
    case .html:
      func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
          .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
      }
      var out =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>promptops log report</title></head><body>\n"
      out +=
        "<h1>Prompt versions in the logs</h1>\n<table>\n<tr>" + header.map { "<th>\(escape($0))</th>" }.joined()
        + "</tr>\n"
      for row in rows(report) { out += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
      out += "</table>\n"
      if !report.drift.isEmpty {
        out +=
          "<h2>Drift</h2>\n<ul>\n"
          + report.drift.map { "<li><strong>\(escape($0.rule))</strong> \(escape($0.message))</li>" }.joined(
            separator: "\n") + "\n</ul>\n"
      }
      return out + "</body></html>\n"
    }
  }
}
