import Foundation
import FuzzSupport

@testable import PromptRelease

/// The lock file (`promptops.lock`, pins per environment): the input is its bytes. A lock that
/// parses must survive being written back as `promote` writes it and read again unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  let lock: LockFile
  do {
    lock = try LockFile.parse(Data(input.bytes), file: "promptops.lock")
  } catch {
    return 0  // a clear error is the right answer to a bad lock file
  }
  do {
    let again = try LockFile.parse(try lock.encoded(), file: "written.lock")
    guard again == lock else { fatalError("a lock file written back reads as another lock file") }
  } catch {
    fatalError("a lock file promptops read cannot be written back and read again: \(error)")
  }
  return 0
}

runLibFuzzer { data, size in fuzz(data, size) }
