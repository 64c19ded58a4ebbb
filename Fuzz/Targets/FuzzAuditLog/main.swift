import FuzzSupport

@testable import PromptRelease

/// The audit log (`audit/promptops-audit.jsonl`): the input is the file, read as `history` and
/// promotion read it, from a file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  let path = FuzzInput.scratchFile(named: "promptops-audit.jsonl", holding: input.bytes)
  do {
    _ = try AuditLog(path: path, displayPath: "audit/promptops-audit.jsonl").read()
  } catch {
    // A clear error is the right answer to a bad log.
  }
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
