import FuzzSupport

@testable import PromptApprovals

/// Approval records (`.promptops/approvals/…yml`, written by whoever makes the change): the
/// input is the record's text. A record that parses is also put through what verification
/// reads of it: its canonical bytes (what the signature covers), its signature, and its YAML
/// written back (as `promptops approve` writes records), which must read as the same values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  let record: ApprovalRecord
  do {
    record = try ApprovalRecord.parse(input.text, file: "approval.yml")
  } catch {
    return 0  // a clear error is the right answer to a bad record
  }
  let message = record.canonicalBytes
  if let armored = record.signature, let signature = try? SSHSignature(armored: armored) {
    _ = try? signature.verify(message: message, namespace: ApprovalRecord.signatureNamespace)
  }
  let written: ApprovalRecord
  do {
    written = try ApprovalRecord.parse(record.yaml, file: "written.yml")
  } catch {
    fatalError("a record promptops read cannot be read back from its own YAML: \(error)\n\(record.yaml)")
  }
  guard written.canonicalBytes == message else {
    fatalError("a record written back reads as another record:\n\(record.yaml)")
  }
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
