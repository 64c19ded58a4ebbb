import Foundation
import PromptModel

/// One invalid record (or unreadable line) of a log file.
public struct LogIssue: Sendable, Equatable, Encodable {
  public let file: String
  public let line: Int
  /// The failing field as a path (`tokens_input`, `agent_trace/steps/2/cost_usd`); nil when the
  /// line is not a record at all.
  public let field: String?
  public let message: String
}

/// Counts for one validation run.
public struct LogValidationSummary: Sendable, Equatable, Encodable {
  public var files = 0
  public var records = 0
  public var invalidRecords = 0
  public var promptLogs = 0
  public var agentTraces = 0

  public init() {}

  enum CodingKeys: String, CodingKey {
    case files, records
    case invalidRecords = "invalid_records"
    case promptLogs = "prompt_logs"
    case agentTraces = "agent_traces"
  }
}

/// Validates execution logs (JSON Lines, one JSON document, or either gzip-compressed) record by
/// record, streaming: memory does not grow with the file.
public struct LogValidator {
  /// Which schema records are held to; `auto` takes records with an `agent_trace` as agent runs.
  public enum Schema: String, CaseIterable, Sendable {
    case auto
    case promptLog = "prompt-log"
    case agentTrace = "agent-trace"
  }

  public let schema: Schema

  public init(schema: Schema = .auto) { self.schema = schema }

  /// The largest record (a line of JSON Lines, or a whole `.json` document) read, in bytes: far
  /// above any real prompt log, low enough that one line without a newline costs no more.
  public static let defaultMaxRecordBytes = 4 << 20
  public var maxRecordBytes = LogValidator.defaultMaxRecordBytes

  /// Validates one file, calling `report` for each issue as it is found. Whatever cannot be read
  /// as records (not UTF-8, not JSON, empty, too large) is an invalid record, never "valid".
  public func validate(file path: String, summary: inout LogValidationSummary, report: (LogIssue) -> Void) throws {
    summary.files += 1
    let reader = try LineReader(path: path, maxLineBytes: maxRecordBytes)
    func invalid(_ line: Int, _ message: String) {
      summary.records += 1
      summary.invalidRecords += 1
      report(LogIssue(file: path, line: line, field: nil, message: message))
    }
    let lowered = path.lowercased()
    if lowered.hasSuffix(".json") || lowered.hasSuffix(".json.gz") {
      var bytes: [UInt8] = []
      var lines = 0
      while let line = try reader.next() {
        lines += 1
        guard case .text(let text) = line, bytes.count + text.count < maxRecordBytes else {
          return invalid(
            lines,
            "the document is larger than \(maxRecordBytes) bytes; write the records as JSON Lines (one per line) instead"
          )
        }
        if lines > 1 { bytes.append(0x0A) }
        bytes.append(contentsOf: text)
      }
      guard let text = String(validating: bytes, as: UTF8.self) else {
        return invalid(firstInvalidUTF8Line(bytes), "not valid UTF-8")
      }
      guard text.contains(where: { !$0.isWhitespace }) else {
        return invalid(1, "the file is empty: a .json log holds one record or an array of records")
      }
      let document: JSONValue
      do {
        document = try JSONValue.parse(Data(text.utf8))
      } catch {
        return invalid(1, "not valid JSON: \(Self.describe(error))")
      }
      switch document {
      case .array(let items):
        for (index, item) in items.enumerated() {
          check(item, file: path, line: 1, prefix: "\(index)/", summary: &summary, report: report)
        }
      default:
        check(document, file: path, line: 1, prefix: "", summary: &summary, report: report)
      }
      return
    }
    var number = 0
    while let line = try reader.next() {
      number += 1
      guard case .text(let line) = line else {
        invalid(number, "the line is longer than \(maxRecordBytes) bytes, the most a record may have; it was skipped")
        continue
      }
      if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      guard String(validating: line, as: UTF8.self) != nil else {
        invalid(number, "not valid UTF-8")
        continue
      }
      let value: JSONValue
      do {
        value = try JSONValue.parse(Data(line))
      } catch {
        invalid(
          number,
          reader.lastLineUnterminated
            ? "truncated record: the last line ends without a newline and is not complete JSON"
            : "not valid JSON: \(Self.describe(error))")
        continue
      }
      check(value, file: path, line: number, prefix: "", summary: &summary, report: report)
    }
  }

  private func check(
    _ value: JSONValue, file: String, line: Int, prefix: String, summary: inout LogValidationSummary,
    report: (LogIssue) -> Void
  ) {
    summary.records += 1
    guard case .object(let record) = value else {
      summary.invalidRecords += 1
      return report(
        LogIssue(
          file: file, line: line, field: prefix.isEmpty ? nil : String(prefix.dropLast()),
          message: "expected a JSON object, got \(value.typeName)"))
    }
    let kind: LogRecordRules.Kind
    switch schema {
    case .auto: kind = record["agent_trace"] != nil ? .agentTrace : .promptLog
    case .promptLog: kind = .promptLog
    case .agentTrace: kind = .agentTrace
    }
    if kind == .agentTrace { summary.agentTraces += 1 } else { summary.promptLogs += 1 }
    let violations = LogRecordRules.check(record, as: kind)
    if !violations.isEmpty { summary.invalidRecords += 1 }
    for violation in violations {
      report(
        LogIssue(
          file: file, line: line, field: prefix + violation.field, message: "\(kind.rawValue): \(violation.message)"))
    }
  }

  private func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
    var line = 1
    for chunk in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      if String(validating: chunk, as: UTF8.self) == nil { return line }
      line += 1
    }
    return 1
  }

  /// What a JSON parser said, in its own words (Foundation's error domains and codes mean nothing
  /// to the reader of a log).
  static func describe(_ error: Error) -> String {
    var error = error
    if case DecodingError.dataCorrupted(let context) = error {
      guard let underlying = context.underlyingError else { return context.debugDescription }
      error = underlying
    }
    let nsError = error as NSError
    if let debug = nsError.userInfo[NSDebugDescriptionErrorKey] as? String, !debug.isEmpty { return debug }
    return nsError.localizedDescription
  }
}
