import CLibgit2

/// A git object id (SHA-1), copied out of libgit2 so it can outlive every libgit2 handle.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
  public let bytes: [UInt8]

  init(_ oid: git_oid) {
    var copy = oid
    bytes = withUnsafeBytes(of: &copy.id) { Array($0) }
  }

  init?(_ pointer: UnsafePointer<git_oid>?) {
    guard let pointer else { return nil }
    self.init(pointer.pointee)
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
      for (index, byte) in bytes.enumerated() { buffer[index] = byte }
    }
    return oid
  }

  /// True for the all-zero id libgit2 uses for "no object" (the absent side of an add or delete).
  public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

  public var hex: String {
    let digits: [Character] = Array("0123456789abcdef")
    var text = ""
    text.reserveCapacity(40)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return text
  }

  public var description: String { hex }
}
