import CLibFuzzer
import Foundation

/// What every fuzz target shares: the input as bytes and text, and a scratch file for parsers
/// that read from a path.
///
/// A target calls the parser and ignores what it throws: a clear error is the right answer to
/// bad input. Anything else (a trap, a crash, a hang past libFuzzer's `-timeout`, an allocation
/// past `-malloc_limit_mb`) is a finding.
public struct FuzzInput {
  public let bytes: [UInt8]

  public init(_ start: UnsafeRawPointer?, _ count: Int) {
    bytes = count > 0 ? Array(UnsafeRawBufferPointer(start: start, count: count)) : []
  }

  /// The bytes as text, invalid UTF-8 replaced, as the parsers read files.
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// Writes `bytes` to a file of this process named `name` (reused across inputs) and returns its
  /// path: the folder is made once per process, so runs in parallel never share a file.
  public static func scratchFile(named name: String, holding bytes: some Collection<UInt8>) -> String {
    let path = scratchFolder + "/" + name
    // Plain POSIX calls: FileManager writes through a temporary file and a rename, which costs
    // more than most parses.
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fatalError("cannot write the scratch file \(path)") }
    defer { close(descriptor) }
    let written = Array(bytes).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    guard written == bytes.count else { fatalError("cannot write the scratch file \(path)") }
    return path
  }

  private static let scratchFolder: String = {
    do {
      try FileManager.default.createDirectory(atPath: scratchFolderPath, withIntermediateDirectories: true)
    } catch {
      fatalError("cannot make the scratch folder \(scratchFolderPath): \(error)")
    }
    atexit { try? FileManager.default.removeItem(atPath: scratchFolderPath) }
    return scratchFolderPath
  }()
}

/// In memory where the machine offers it (/dev/shm): the file targets write one file per input.
private let scratchFolderPath =
  (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()) + "/promptops-fuzz-\(getpid())"

/// Runs libFuzzer on `testOneInput` with the program's arguments (corpus folders, `-runs=`, …)
/// and exits with its status.
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
  var argc = CommandLine.argc
  var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
  exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}
