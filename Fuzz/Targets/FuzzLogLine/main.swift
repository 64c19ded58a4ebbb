import Foundation
import FuzzSupport

@testable import PromptLogs
@testable import PromptModel

/// One line of an execution log: the input is the line, parsed as JSON and, when it is an
/// object, held to both record schemas (prompt log and agent trace); read whole as an RFC 3339
/// time too, as the rules and `logs report --since` read timestamps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  if case .object(let record)? = try? JSONValue.parse(Data(input.bytes)) {
    for kind in LogRecordRules.Kind.allCases { _ = LogRecordRules.check(record, as: kind) }
  }
  _ = RFC3339.epochSeconds(input.text, allowDate: true)
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
