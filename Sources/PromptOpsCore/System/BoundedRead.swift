import Foundation

/// Reads a pipe to its end keeping at most `limit` bytes: past the limit the rest is read and
/// dropped (so the writer never blocks on a full pipe), and the result says the data was cut, so
/// that no caller takes part of a program's output for the whole.
enum BoundedRead {
  struct Result {
    var data: Data
    /// More than `limit` bytes arrived: `data` holds the first `limit`.
    var cut: Bool
    /// Reading failed before the end (`errno`'s text): `data` is what arrived until then.
    var failure: String?
  }

  static func toEnd(_ handle: FileHandle, limit: Int) -> Result {
    let descriptor = handle.fileDescriptor
    var result = Result(data: Data(), cut: false, failure: nil)
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = read(descriptor, &buffer, buffer.count)
      if count == 0 { break }
      if count < 0 {
        if errno == EINTR { continue }
        result.failure = String(cString: strerror(errno))
        break
      }
      let kept = min(count, max(0, limit - result.data.count))
      result.data.append(contentsOf: buffer[0..<kept])
      if kept < count { result.cut = true }
    }
    return result
  }
}
