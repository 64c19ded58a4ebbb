import Crypto
import Foundation

/// An SSHSIG signature: what `ssh-keygen -Y sign` writes, parsed and verified in-process.
///
/// The format (OpenSSH's PROTOCOL.sshsig) is an armored blob:
///
///     byte[6]  "SSHSIG"      uint32 version (1)
///     string   publickey     string namespace
///     string   reserved      string hash_algorithm ("sha256" or "sha512")
///     string   signature
///
/// and the key signs `"SSHSIG" ‖ string namespace ‖ string reserved ‖ string hash_algorithm ‖
/// string H(message)`, so a signature made for one namespace never verifies in another.
public struct SSHSignature: Sendable, Equatable {
  public static let armorBegin = "-----BEGIN SSH SIGNATURE-----"
  public static let armorEnd = "-----END SSH SIGNATURE-----"
  static let magic = Array("SSHSIG".utf8)

  public let publicKeyBlob: [UInt8]
  public let namespace: String
  public let reserved: [UInt8]
  public let hashAlgorithm: String
  let signature: [UInt8]

  /// Parses the armored text (surrounding whitespace and line breaks are ignored).
  public init(armored text: String) throws(ApprovalError) {
    let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty
    }
    guard lines.count >= 3, lines.first == Self.armorBegin, lines.last == Self.armorEnd else { throw .notArmored }
    guard let data = Data(base64Encoded: lines.dropFirst().dropLast().joined()) else { throw .badBase64 }
    try self.init(blob: Array(data))
  }

  public init(blob: [UInt8]) throws(ApprovalError) {
    var reader = SSHWireReader(blob)
    guard reader.raw(6) == Self.magic else { throw .signatureMalformed("no SSHSIG magic") }
    guard let version = reader.uint32() else { throw .signatureMalformed("truncated") }
    guard version == 1 else { throw .unsupportedVersion(version) }
    guard let publicKey = reader.string(), let namespace = reader.text(), let reserved = reader.string(),
      let hashAlgorithm = reader.text(), let signature = reader.string()
    else { throw .signatureMalformed("truncated") }
    guard reader.isAtEnd else { throw .signatureMalformed("trailing bytes after the signature") }
    self.publicKeyBlob = publicKey
    self.namespace = namespace
    self.reserved = reserved
    self.hashAlgorithm = hashAlgorithm
    self.signature = signature
  }

  /// The bytes the key actually signed for `message`, or nil for an unknown hash algorithm.
  func signedData(for message: [UInt8]) -> [UInt8]? {
    let digest: [UInt8]
    switch hashAlgorithm {
    case "sha256": digest = Array(SHA256.hash(data: message))
    case "sha512": digest = Array(SHA512.hash(data: message))
    default: return nil
    }
    var writer = SSHWireWriter()
    writer.raw(Self.magic)
    writer.string(namespace)
    writer.string(reserved)
    writer.string(hashAlgorithm)
    writer.string(digest)
    return writer.bytes
  }

  /// Checks the signature over `message` for `namespace` with the key embedded in the blob, and
  /// returns that key. Whether the key is trusted is the allowed signers' question, not this one's.
  public func verify(message: [UInt8], namespace expected: String) throws(ApprovalError) -> SSHPublicKey {
    guard namespace == expected else { throw .wrongNamespace(found: namespace, expected: expected) }
    let key: SSHPublicKey
    do {
      key = try SSHPublicKey(blob: publicKeyBlob)
    } catch {
      throw .unsupportedKey(error.description)
    }
    guard let data = signedData(for: message) else { throw .unsupportedHash(hashAlgorithm) }
    guard key.isValidSignature(signature, for: data) else { throw .badSignature }
    return key
  }
}
