import CLibgit2

/// A git object id (SHA-1), copied out of libgit2 so it can outlive every libgit2 handle.
///
/// The 20 bytes are stored inline (no heap allocation), since comparisons of tree entry ids are
/// the inner loop of every tree comparison.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
  private let head: UInt64
  private let middle: UInt64
  private let tail: UInt32

  init(_ oid: git_oid) {
    var copy = oid
    (head, middle, tail) = withUnsafeBytes(of: &copy.id) { raw in
      (
        raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
      )
    }
  }

  init(_ oid: UnsafePointer<git_oid>) {
    (head, middle, tail) = UnsafeRawPointer(oid).withMemoryRebound(to: UInt8.self, capacity: 20) { bytes in
      let raw = UnsafeRawPointer(bytes)
      return (
        raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
        raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
      )
    }
  }

  /// All zero bits: git's "no object", and a placeholder in tables that store ids inline.
  static let zero = ObjectID(rawBytes: UnsafeRawBufferPointer(start: nil, count: 0), zero: ())

  private init(rawBytes: UnsafeRawBufferPointer, zero: Void) {
    (head, middle, tail) = (0, 0, 0)
  }

  /// From 20 raw bytes (as stored in the index's cache-tree extension).
  public init(rawBytes bytes: UnsafeRawBufferPointer) {
    precondition(bytes.count >= 20, "an object id is 20 bytes")
    head = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
    middle = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    tail = bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)
  }

  public init?(hex: String) {
    var oid = git_oid()
    Libgit2.ensureInitialized()
    guard hex.utf8.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
    self.init(oid)
  }

  var raw: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { buffer in
      buffer.storeBytes(of: head, toByteOffset: 0, as: UInt64.self)
      buffer.storeBytes(of: middle, toByteOffset: 8, as: UInt64.self)
      buffer.storeBytes(of: tail, toByteOffset: 16, as: UInt32.self)
    }
    return oid
  }

  public var bytes: [UInt8] {
    var oid = raw
    return withUnsafeBytes(of: &oid.id) { Array($0) }
  }

  /// True for the all-zero id libgit2 uses for "no object" (the absent side of an add or delete).
  public var isZero: Bool { head == 0 && middle == 0 && tail == 0 }

  public var hex: String {
    var text: [UInt8] = []
    text.reserveCapacity(40)
    for byte in bytes {
      text.append(Self.digits[Int(byte >> 4)])
      text.append(Self.digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  private static let digits = Array("0123456789abcdef".utf8)

  /// A byte as two lowercase hexadecimal digits.
  static func hexDigits(of byte: UInt8) -> String {
    String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
  }

  public var description: String { hex }
}
