import Foundation
import FuzzSupport

@testable import PromptApprovals

/// Allowed signers (the `allowed_signers` file of ssh-keygen and git): the input is the file's
/// text, read in a zone with daylight saving time (local `valid-after` times). Every key it
/// lists is then asked about as verification asks: who holds it, and whether it may sign as each
/// principal the file names, now.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  let signers: AllowedSigners
  do {
    signers = try AllowedSigners(input.text, file: "allowed_signers", timeZone: zone)
  } catch {
    return 0  // a clear error is the right answer to a bad file
  }
  for entry in signers.entries.prefix(8) {
    let holder = signers.holder(of: entry.key)
    for principal in entry.principals.split(separator: ",").prefix(4) {
      let email = String(principal.drop { $0 == "!" })
      _ = signers.authorize(key: entry.key, principal: email, namespace: ApprovalRecord.signatureNamespace, at: now)
      _ = holder.principal(naming: email)
    }
  }
  return 0
}

private let zone = TimeZone(identifier: "Europe/Berlin")!
private let now = Date(timeIntervalSince1970: 1_780_000_000)

runLibFuzzer { data, size in fuzz(data, size) }
