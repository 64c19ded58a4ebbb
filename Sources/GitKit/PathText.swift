import Foundation

/// Paths as text, from the bytes git stores.
///
/// Git tells names apart by their bytes; promptops works with paths as Swift strings. A name
/// that is not UTF-8 would read as U+FFFD, could collide with a real name that holds that
/// character, and would not map back to the bytes it came from: such a name is refused, naming
/// where it is, instead of being read lossily.
enum PathText {
  static func name(_ bytes: UnsafeBufferPointer<UInt8>, in folder: String) throws -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      let shown = bytes.map {
        (0x20..<0x7F).contains($0) && $0 != 0x5C ? String(UnicodeScalar($0)) : "\\x" + ObjectID.hexDigits(of: $0)
      }.joined()
      throw GitError(
        kind: .other, function: "path",
        message: "the name '\(shown)' in \(folder.isEmpty ? "the top folder" : folder) is not valid UTF-8; "
          + "promptops reads paths as text and cannot tell such names apart: rename it (git mv)")
    }
    return text
  }

  static func name(_ cString: UnsafePointer<CChar>, in folder: String) throws -> String {
    let length = strlen(cString)
    return try cString.withMemoryRebound(to: UInt8.self, capacity: length) {
      try name(UnsafeBufferPointer(start: $0, count: length), in: folder)
    }
  }
}
