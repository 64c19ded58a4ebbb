import Crypto
import CryptoExtras
import Foundation

/// An SSH public key as it appears in an `allowed_signers` line and inside an SSHSIG blob.
///
/// Only the key types promptops can verify in-process are accepted: Ed25519, ECDSA on NIST P-256,
/// and RSA of 2048 bits or more (signatures with SHA-2, as ssh-keygen makes them). Anything else
/// is refused with a message that says so, never silently trusted.
public struct SSHPublicKey: Sendable, Equatable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    case ed25519 = "ssh-ed25519"
    case ecdsaP256 = "ecdsa-sha2-nistp256"
    case rsa = "ssh-rsa"
  }

  /// An RSA key's public exponent and modulus, unsigned big-endian.
  struct RSAParameters: Sendable, Equatable {
    let exponent: [UInt8]
    let modulus: [UInt8]
  }

  public let kind: Kind
  /// The key's wire encoding (what follows the type in `allowed_signers`, base64-decoded).
  public let blob: [UInt8]
  /// Ed25519: the 32-byte key; P-256: the uncompressed point (0x04 ‖ X ‖ Y); RSA: empty.
  let keyBytes: [UInt8]
  let rsa: RSAParameters?

  /// RSA moduli shorter than this are refused, as swift-crypto refuses them (OpenSSH accepts
  /// 1,024 bits, which no longer resists a well-funded attacker).
  static let minimumRSABits = 2048

  public var description: String { "\(kind.rawValue) SHA256:\(fingerprint)" }

  /// The fingerprint `ssh-keygen -l` prints: unpadded base64 of SHA-256 over the blob.
  public var fingerprint: String {
    var text = Data(SHA256.hash(data: blob)).base64EncodedString()
    while text.hasSuffix("=") { text.removeLast() }
    return text
  }

  /// Decodes a key blob.
  public init(blob: [UInt8]) throws(ApprovalError) {
    var reader = SSHWireReader(blob)
    guard let type = reader.text() else { throw .keyMalformed("the public key is truncated") }
    switch type {
    case Kind.ed25519.rawValue:
      guard let key = reader.string(), key.count == 32, reader.isAtEnd else {
        throw .keyMalformed("the ssh-ed25519 public key is malformed")
      }
      kind = .ed25519
      keyBytes = key
      rsa = nil
    case Kind.ecdsaP256.rawValue:
      guard reader.text() == "nistp256", let point = reader.string(), point.count == 65, point.first == 4,
        reader.isAtEnd,
        (try? P256.Signing.PublicKey(x963Representation: point)) != nil
      else {
        throw .keyMalformed("the ecdsa-sha2-nistp256 public key is malformed")
      }
      kind = .ecdsaP256
      keyBytes = point
      rsa = nil
    case Kind.rsa.rawValue:
      guard let e = reader.string(), let n = reader.string(), reader.isAtEnd,
        let exponent = Self.unsigned(e), let modulus = Self.unsigned(n)
      else {
        throw .keyMalformed("the ssh-rsa public key is malformed")
      }
      let bits = modulus.first.map { (modulus.count - 1) * 8 + (8 - $0.leadingZeroBitCount) } ?? 0
      guard bits >= Self.minimumRSABits else { throw .tooShort(bits: bits) }
      guard (try? _RSA.Signing.PublicKey(n: modulus, e: exponent)) != nil else {
        throw .keyMalformed("the ssh-rsa public key is malformed")
      }
      kind = .rsa
      keyBytes = []
      rsa = RSAParameters(exponent: exponent, modulus: modulus)
    default:
      throw .unsupportedKeyType(type)
    }
    self.blob = blob
  }

  /// Decodes the `type base64` pair of an `allowed_signers` or `.pub` line.
  public init(type: String, base64: String) throws(ApprovalError) {
    guard let data = Data(base64Encoded: base64) else { throw .keyMalformed("the key is not valid base64") }
    try self.init(blob: Array(data))
    guard kind.rawValue == type else {
      throw .keyMalformed("the key is labelled \(type) but holds a \(kind.rawValue) key")
    }
  }

  /// Checks an SSH signature (`string algorithm, string blob`) over `data`.
  func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
    var reader = SSHWireReader(signature)
    guard let algorithm = reader.text(), let body = reader.string(), reader.isAtEnd else { return false }
    if kind == .rsa { return isValidRSASignature(body, algorithm: algorithm, for: data) }
    guard algorithm == kind.rawValue else { return false }
    switch kind {
    case .rsa:
      return false
    case .ed25519:
      guard body.count == 64, let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else {
        return false
      }
      return key.isValidSignature(body, for: data)
    case .ecdsaP256:
      // The blob holds `mpint r, mpint s`; swift-crypto wants them as two 32-byte big-endian halves.
      var parts = SSHWireReader(body)
      guard let r = parts.string(), let s = parts.string(), parts.isAtEnd,
        let r32 = Self.fixedWidth(r, 32), let s32 = Self.fixedWidth(s, 32),
        let key = try? P256.Signing.PublicKey(x963Representation: keyBytes),
        let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: r32 + s32)
      else { return false }
      return key.isValidSignature(ecdsa, for: data)
    }
  }

  /// RSA with PKCS #1 v1.5 over SHA-512 or SHA-256 (`rsa-sha2-512`, ssh-keygen's choice, or
  /// `rsa-sha2-256`). SHA-1 (`ssh-rsa` signatures) is refused, as OpenSSH refuses it for SSHSIG.
  private func isValidRSASignature(_ body: [UInt8], algorithm: String, for data: [UInt8]) -> Bool {
    guard let rsa, let key = try? _RSA.Signing.PublicKey(n: rsa.modulus, e: rsa.exponent) else { return false }
    // The signature is as long as the modulus; leading zero bytes may have been dropped.
    let width = (key.keySizeInBits + 7) / 8
    guard body.count <= width else { return false }
    let signature = _RSA.Signing.RSASignature(
      rawRepresentation: [UInt8](repeating: 0, count: width - body.count) + body)
    switch algorithm {
    case "rsa-sha2-512":
      return key.isValidSignature(signature, for: SHA512.hash(data: data), padding: .insecurePKCS1v1_5)
    case "rsa-sha2-256":
      return key.isValidSignature(signature, for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5)
    default: return false
    }
  }

  /// An mpint read as an unsigned big-endian number without leading zeros; nil if negative or zero.
  private static func unsigned(_ mpint: [UInt8]) -> [UInt8]? {
    if let first = mpint.first, first & 0x80 != 0 { return nil }
    let digits = Array(mpint.drop { $0 == 0 })
    return digits.isEmpty ? nil : digits
  }

  /// An unsigned mpint as exactly `width` big-endian bytes (nil if it does not fit or is negative).
  private static func fixedWidth(_ mpint: [UInt8], _ width: Int) -> [UInt8]? {
    if let first = mpint.first, first & 0x80 != 0 { return nil }
    var digits = ArraySlice(mpint)
    while digits.first == 0 { digits = digits.dropFirst() }
    guard digits.count <= width else { return nil }
    return [UInt8](repeating: 0, count: width - digits.count) + digits
  }
}
