import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writes files that a test will later execute.
///
/// A file opened for writing without `O_CLOEXEC` is inherited by every child that another test
/// thread spawns in the meantime; as long as one such child lives (a model server, a `sleep`), the
/// kernel refuses to run the file with "Text file busy". Foundation's writers do not promise the
/// flag, so scripts and hooks are written here with it, and with their mode set at creation.
public enum ScriptFile {
  public static func write(_ text: String, to path: String, mode: mode_t = 0o755) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    defer { close(descriptor) }
    // An existing file keeps its old mode through O_CREAT; set it explicitly.
    guard fchmod(descriptor, mode) == 0 else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
      bytes = bytes.dropFirst(written)
    }
  }
}
