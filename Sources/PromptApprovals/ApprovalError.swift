import Foundation
import PromptModel

/// PromptApprovals' error: why an approval record, a signature or a key cannot be read, or why a
/// signature does not hold. The verifier turns each into a finding on the record (a record that
/// cannot be verified never approves anything); raised through the public parsers, it means no
/// verdict could be reached.
public enum ApprovalError: Error, Sendable, Equatable, CustomStringConvertible, ClassifiedFailure {
  /// A record file that cannot be read, at a line of it.
  case record(file: String, line: Int, message: String)

  // An armored SSH signature that cannot be read.
  case notArmored, badBase64
  case signatureMalformed(String)
  case unsupportedVersion(UInt32)

  // A signature that does not hold.
  case wrongNamespace(found: String, expected: String)
  case unsupportedHash(String)
  case unsupportedKey(String)
  case badSignature

  // A public key that is not one approvals are verified with.
  case unsupportedKeyType(String)
  /// An RSA key below the minimum size: never trusted, like an unsupported type.
  case tooShort(bits: Int)
  case keyMalformed(String)

  // No line of the allowed signers file trusts the key for the principal, namespace and time.
  case unknownKey(principal: String, key: String)
  case namespaceNotAllowed(principal: String, namespace: String, line: Int)
  case notYetValid(principal: String, line: Int)
  case expired(principal: String, line: Int)

  /// A signature the verifier does not accept, in words for a finding (any of the above, with
  /// the file that decided it, or a policy's reason).
  case signatureRejected(String)

  public var description: String {
    switch self {
    case .record(let file, let line, let message): return "\(file):\(line): \(message)"
    case .notArmored:
      return "the signature is not an armored SSH signature (\(SSHSignature.armorBegin) … \(SSHSignature.armorEnd))"
    case .badBase64: return "the signature's armored body is not valid base64"
    case .signatureMalformed(let why): return "the signature is malformed: \(why)"
    case .unsupportedVersion(let version): return "SSHSIG version \(version) is not supported (only 1)"
    case .wrongNamespace(let found, let expected):
      return "the signature was made for namespace '\(found)', not '\(expected)'"
    case .unsupportedHash(let name): return "hash algorithm '\(name)' is not sha256 or sha512"
    case .unsupportedKey(let why): return why
    case .badSignature:
      return
        "the signature does not match the record's content (it was edited after signing, or signed by another key)"
    case .unsupportedKeyType(let type) where type.contains("-cert-v01@openssh.com"):
      return
        "\(type) is an SSH certificate; approvals are verified against plain keys listed in allowed signers, not certificates"
    case .unsupportedKeyType(let type):
      return
        "key type \(type) is not supported: approvals are verified for ssh-ed25519, ecdsa-sha2-nistp256 and ssh-rsa keys"
    case .tooShort(let bits):
      return
        "the ssh-rsa key has \(bits) bits; approvals need RSA keys of at least \(SSHPublicKey.minimumRSABits) bits"
    case .keyMalformed(let why): return why
    case .unknownKey(let principal, let key):
      return "the key \(key) is not listed for \(principal) in the allowed signers file"
    case .namespaceNotAllowed(let principal, let namespace, let line):
      return "the allowed signers line \(line) for \(principal) does not allow namespace '\(namespace)'"
    case .notYetValid(let principal, let line):
      return "the key of \(principal) (allowed signers line \(line)) was not yet valid at reviewed_at"
    case .expired(let principal, let line):
      return "the key of \(principal) (allowed signers line \(line)) had expired at reviewed_at (valid-before)"
    case .signatureRejected(let why): return why
    }
  }

  public var errorDescription: String? { description }

  public var recoverySuggestion: String? {
    switch self {
    case .badSignature, .wrongNamespace:
      return "sign the record again with `promptops approve --replace`"
    case .unknownKey, .namespaceNotAllowed:
      return
        "list the key for the reviewer in the allowed signers file, with namespaces=\"\(ApprovalRecord.signatureNamespace)\""
    default:
      return nil
    }
  }

  public var failureKind: FailureKind { .couldNotEvaluate }
}
