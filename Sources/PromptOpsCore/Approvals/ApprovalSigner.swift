import Foundation
import GitKit

/// Signs approval records with the reviewer's SSH key through `ssh-keygen -Y sign`, the same
/// tool and key git uses for SSH-signed commits (so agents, passphrases and hardware keys work
/// as they do for git).
public struct ApprovalSigner {
  /// A private key file, or a public key file whose private half is in the ssh-agent.
  public let keyPath: String
  public let sshKeygen: String

  public init(keyPath: String, sshKeygen: String) {
    self.keyPath = keyPath
    self.sshKeygen = sshKeygen
  }

  /// The signer for `--key`, or else git's `user.signingkey` (a path, `~/…`, or a literal
  /// `key::ssh-… AAAA…` whose private half is in the agent, written for ssh-keygen into the
  /// folder `temporaryFolder` makes, asked for only then).
  public static func resolve(key: String?, gitSigningKey: String?, temporaryFolder: () throws -> String) throws
    -> ApprovalSigner
  {
    guard let keygen = findExecutable("ssh-keygen") else {
      throw PromptOpsError.usage("ssh-keygen was not found on PATH; install OpenSSH (8.2 or later) to sign approvals")
    }
    guard let configured = key ?? gitSigningKey, !configured.isEmpty else {
      throw PromptOpsError.usage(
        "no signing key: pass --key PATH (an SSH private key, or a public key held by ssh-agent) or set `git config user.signingkey`"
      )
    }
    if configured.hasPrefix("key::") {
      let path = try temporaryFolder() + "/signing-key.pub"
      do {
        try Data((String(configured.dropFirst(5)) + "\n").utf8).write(to: URL(fileURLWithPath: path))
      } catch {
        throw PromptOpsError.io(
          path: path, message: "cannot write the public key for ssh-keygen: \(error.localizedDescription)")
      }
      return ApprovalSigner(keyPath: path, sshKeygen: keygen)
    }
    var path = configured
    if path.hasPrefix("~/") { path = NSHomeDirectory() + path.dropFirst(1) }
    guard FileManager.default.fileExists(atPath: path) else {
      throw PromptOpsError.usage(
        key != nil
          ? "signing key \(path) does not exist"
          : "git's user.signingkey '\(configured)' is not an SSH key file (approvals sign with SSH keys, as git does with gpg.format ssh); pass --key PATH"
      )
    }
    return ApprovalSigner(keyPath: path, sshKeygen: keygen)
  }

  /// Signs the record's canonical bytes and returns it with the armored signature, checked
  /// in-process before it is returned.
  public func sign(_ record: ApprovalRecord) throws -> ApprovalRecord {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: sshKeygen)
    process.arguments = ["-Y", "sign", "-n", ApprovalRecord.signatureNamespace, "-f", keyPath]
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw PromptOpsError.io(path: sshKeygen, message: "cannot run: \(error.localizedDescription)")
    }
    // Read stderr on the side so a chatty ssh-keygen never blocks on a full pipe; both streams
    // are bounded (a signature is a few hundred bytes).
    nonisolated(unsafe) var errorRead = BoundedRead.Result(data: Data(), cut: false, failure: nil)
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errorRead = BoundedRead.toEnd(errors.fileHandleForReading, limit: 64 << 10)
      group.leave()
    }
    // ssh-keygen may exit before reading (a bad key): the write must fail softly, not with
    // SIGPIPE, so its own message is what the user sees.
    signal(SIGPIPE, SIG_IGN)
    try? input.fileHandleForWriting.write(contentsOf: Data(record.canonicalBytes))
    try? input.fileHandleForWriting.close()
    let signatureRead = BoundedRead.toEnd(output.fileHandleForReading, limit: Self.signatureLimit)
    group.wait()
    process.waitUntilExit()
    let stderr = String(decoding: errorRead.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard process.terminationStatus == 0 else {
      let hint =
        keyPath.hasSuffix(".pub") ? " (a public key signs through ssh-agent: load its private key with ssh-add)" : ""
      throw PromptOpsError.io(
        path: keyPath, message: "ssh-keygen -Y sign failed (exit \(process.terminationStatus)): \(stderr)\(hint)")
    }
    if let failure = signatureRead.failure {
      throw PromptOpsError.io(path: sshKeygen, message: "cannot read the signature ssh-keygen printed: \(failure)")
    }
    guard !signatureRead.cut else {
      throw PromptOpsError.io(
        path: sshKeygen,
        message:
          "ssh-keygen -Y sign printed more than \(Self.signatureLimit >> 10) KiB, which is no signature; nothing was signed"
      )
    }
    let armored = String(decoding: signatureRead.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    do {
      _ = try SSHSignature(armored: armored).verify(
        message: record.canonicalBytes, namespace: ApprovalRecord.signatureNamespace)
    } catch let error as SSHSignature.ParseError {
      throw PromptOpsError.io(
        path: keyPath, message: "ssh-keygen produced a signature promptops cannot read: \(error.description)")
    } catch let error as SSHSignature.Failure {
      throw PromptOpsError.io(path: keyPath, message: "the new signature does not verify: \(error.description)")
    }
    var signed = record
    signed.signature = armored
    return signed
  }

  /// The most `ssh-keygen -Y sign` may print: an armored signature is under a kilobyte for
  /// ed25519 and a few for RSA.
  static let signatureLimit = 1 << 20

  static func findExecutable(_ name: String) -> String? { ExecutableSearch.find(name) }

}
