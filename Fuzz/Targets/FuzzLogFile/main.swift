import FuzzSupport

@testable import PromptLogs

/// Execution log files, through `LineReader` (plain or gzip, by the magic bytes): the first
/// byte picks the name, `j` a `.json` document, anything else `.jsonl`; the rest is the file.
/// It is validated and reported as `logs validate` and `logs report` read it, with the default
/// record limit and with a tiny one (so over-long lines and their skipping run too).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  guard let kind = input.bytes.first else { return 0 }
  let path = FuzzInput.scratchFile(
    named: kind == UInt8(ascii: "j") ? "log.json" : "log.jsonl", holding: input.bytes.dropFirst())
  for limit in [LogValidator.defaultMaxRecordBytes, 16] {
    for schema in LogValidator.Schema.allCases {
      var validator = LogValidator(schema: schema)
      validator.maxRecordBytes = limit
      var summary = LogValidationSummary()
      do {
        try validator.validate(file: path, summary: &summary) { _ in }
      } catch {
        // A clear error (an unreadable or truncated gzip stream) is the right answer.
      }
    }
    do {
      _ = try LogReport.build(files: [path], filter: try LogReport.Filter(), known: nil, maxRecordBytes: limit)
    } catch {
      // As above.
    }
  }
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
