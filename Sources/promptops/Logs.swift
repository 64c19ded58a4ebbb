import ArgumentParser
import Foundation
import GitKit
import PromptLogs
import PromptModel
import PromptRelease
import PromptReporting

extension LogValidator.Schema: ExpressibleByArgument {}
extension LogReportRenderer.Format: ReportFormatChoice {
  static let fileNames = ".json, .md, .html, .txt"

  init?(fileName: String) {
    switch (fileName.lowercased() as NSString).pathExtension {
    case "json": self = .json
    case "md", "markdown": self = .markdown
    case "html", "htm": self = .html
    case "txt", "log": self = .text
    default: return nil
    }
  }
}

/// Text or JSON: what `logs validate` prints and writes, and what `verify` prints.
enum TextOrJSONFormat: String, ReportFormatChoice {
  case text, json

  static let fileNames = ".json, .txt"

  init?(fileName: String) {
    switch (fileName.lowercased() as NSString).pathExtension {
    case "json": self = .json
    case "txt", "log": self = .text
    default: return nil
    }
  }
}

extension PromptOps {
  struct Logs: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "logs",
      abstract: "Work with prompt execution logs and agent traces.",
      subcommands: [Validate.self, Report.self])

    struct Validate: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate log files against the prompt-log and agent-trace schemas.",
        discussion: """
          Reads JSON Lines (one record per line) or a JSON document (.json: one record or an \
          array), either also gzip-compressed, streaming. Each invalid record is reported with \
          file, line and the failing field. Exit 1 if any record is invalid, 2 if a file cannot \
          be read.
          """)

      @Argument(help: "Log files.")
      var files: [String]

      @Option(help: "Schema: auto (records with agent_trace are agent runs), prompt-log, agent-trace.")
      var schema: LogValidator.Schema = .auto

      @OptionGroup var reporting: ReportOptions<TextOrJSONFormat>

      @Option(
        help: ArgumentHelp(
          "The largest record read (a line, or a whole .json document); longer ones are invalid.", valueName: "bytes"))
      var maxRecordBytes = LogValidator.defaultMaxRecordBytes

      @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
      var directory: String?

      func validate() throws {
        guard maxRecordBytes >= 1 else { throw ValidationError("--max-record-bytes must be at least 1") }
      }

      func run() throws {
        let started = DispatchTime.now()
        var validator = LogValidator(schema: schema)
        validator.maxRecordBytes = maxRecordBytes
        var summary = LogValidationSummary()
        var issues: [LogIssue] = []
        let format = reporting.format
        // Issues are kept only for what needs them all (JSON, or a file); text on standard
        // output streams, so a log of a million bad records never sits in memory for it.
        let keepIssues = format == .json || !reporting.output.isEmpty
        try enterDirectory(directory)
        for file in files {
          try validator.validate(file: file, summary: &summary) { issue in
            if keepIssues { issues.append(issue) }
            if format == .text { print(Self.line(issue)) }
          }
        }
        let document = { (format: TextOrJSONFormat) -> String in
          switch format {
          case .json: Self.json(summary: summary, issues: issues)
          case .text: issues.map { Self.line($0) + "\n" }.joined() + Self.verdict(summary) + "\n"
          }
        }
        if format == .json {
          FileHandle.standardOutput.write(Data(document(.json).utf8))
        } else {
          print(Self.verdict(summary))
        }
        let written = reporting.writeOutputs { Data(document($0).utf8) }
        if reporting.verbose {
          let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
          printError(
            "promptops: \(summary.records) records in \(summary.files) files read in \(String(format: "%.3f", seconds)) s"
              + (seconds > 0 ? " (\(Int(Double(summary.records) / seconds)) records/s)" : ""))
        }
        if summary.invalidRecords > 0 { throw ReportedFailure.violations }
        if !written { throw ReportedFailure.couldNotEvaluate }
      }

      static func line(_ issue: LogIssue) -> String {
        "\(issue.file):\(issue.line): error: \(issue.field.map { "\($0): " } ?? "")\(issue.message)"
      }

      static func verdict(_ summary: LogValidationSummary) -> String {
        let verdict = summary.invalidRecords == 0 ? "valid" : "invalid"
        return
          "\(verdict): \(summary.records) record\(summary.records == 1 ? "" : "s") in \(summary.files) file\(summary.files == 1 ? "" : "s") (\(summary.promptLogs) prompt logs, \(summary.agentTraces) agent traces), \(summary.invalidRecords) invalid"
      }

      static func json(summary: LogValidationSummary, issues: [LogIssue]) -> String {
        struct Document: Encodable {
          let valid: Bool
          let summary: LogValidationSummary
          let issues: [LogIssue]
        }
        let data =
          (try? JSONWriter.pretty(Document(valid: summary.invalidRecords == 0, summary: summary, issues: issues)))
          ?? Data(#"{"valid": false}"#.utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
      }
    }

    struct Report: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report cost, tokens, latency and eval pass rate per prompt version, and drift.",
        discussion: """
          Aggregates prompt-log records (JSON Lines, gzip or not) per prompt and content hash. \
          Drift: records whose version_hash matches no version the repository's history holds \
          (log-unknown-hash), or a version never pinned in the lock file for the record's \
          environment (log-unpinned-hash; environments the lock has pinned anything in), are \
          named with counts and first/last seen; exit 1 when there are any. Drift is judged on \
          every record that names prompt_id and version_hash (and environment, for pins), even \
          one that is not a valid prompt log; exit 2 when no record could be read at all.
          """)

      @Argument(help: "Log files.")
      var files: [String]

      @Option(help: "Only records of this environment.")
      var env: String?

      @Option(help: "Only records at or after this date or RFC 3339 date-time.")
      var since: String?

      @OptionGroup var reporting: ReportOptions<LogReportRenderer.Format>

      @Option(
        name: .customShort("C"),
        help: ArgumentHelp("Run as if started in <dir> (the repository the logs belong to).", valueName: "dir"))
      var directory: String?

      @Option(help: ArgumentHelp("The largest record read; longer lines are skipped.", valueName: "bytes"))
      var maxRecordBytes = LogValidator.defaultMaxRecordBytes

      func validate() throws {
        guard maxRecordBytes >= 1 else { throw ValidationError("--max-record-bytes must be at least 1") }
      }

      func run() throws {
        let started = DispatchTime.now()
        let report = try LogReport.build(
          files: files, filter: try LogReport.Filter(environment: env, since: since),
          repository: try openRepository(directory), maxRecordBytes: maxRecordBytes)
        FileHandle.standardOutput.write(Data(LogReportRenderer.render(report, as: reporting.format).utf8))
        let written = reporting.writeOutputs { Data(LogReportRenderer.render(report, as: $0).utf8) }
        if reporting.verbose {
          let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
          printError(
            "promptops: \(report.records) records (\(report.skipped) skipped) in \(files.count) files, "
              + "\(report.versions.count) prompt versions, \(report.drift.count) drift findings, \(String(format: "%.3f", seconds)) s"
          )
        }
        if !report.drift.isEmpty { throw ReportedFailure.violations }
        // Nothing read is no clean bill: say so, and do not pass.
        if report.judgedNothing {
          printError(
            "promptops: error: none of the \(report.skipped) records names a prompt_id and version_hash, so nothing could be judged; `promptops logs validate` names why"
          )
          throw ReportedFailure.couldNotEvaluate
        }
        if !written { throw ReportedFailure.couldNotEvaluate }
      }
    }
  }
}
