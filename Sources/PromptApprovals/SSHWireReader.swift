/// Reads the SSH wire encoding (RFC 4251 §5): big-endian `uint32` and length-prefixed `string`.
///
/// Every read is bounds-checked, so a truncated or hostile blob ends in `nil`, never a crash.
struct SSHWireReader {
  private let bytes: [UInt8]
  private(set) var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset == bytes.count }

  mutating func raw(_ count: Int) -> [UInt8]? {
    guard count >= 0, bytes.count - offset >= count else { return nil }
    defer { offset += count }
    return Array(bytes[offset..<offset + count])
  }

  mutating func uint32() -> UInt32? {
    guard let four = raw(4) else { return nil }
    return four.reduce(0) { ($0 << 8) | UInt32($1) }
  }

  mutating func string() -> [UInt8]? {
    guard let length = uint32() else { return nil }
    return raw(Int(length))
  }

  mutating func text() -> String? {
    guard let bytes = string() else { return nil }
    return String(validating: bytes, as: UTF8.self)
  }
}

/// Writes the SSH wire encoding.
struct SSHWireWriter {
  private(set) var bytes: [UInt8] = []

  mutating func raw(_ data: [UInt8]) { bytes += data }

  mutating func uint32(_ value: UInt32) {
    bytes += [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
  }

  mutating func string(_ data: [UInt8]) {
    uint32(UInt32(data.count))
    bytes += data
  }

  mutating func string(_ text: String) { string(Array(text.utf8)) }
}
