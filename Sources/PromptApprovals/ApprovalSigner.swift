import Foundation
import GitKit
import PromptModel
import Spawn

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
    // ssh-keygen stays in the terminal's foreground: an encrypted key asks for its passphrase
    // there. An hour is past any person typing one.
    let outcome: ChildProcessOutcome
    do {
      outcome = try ChildProcess.run(
        executable: sshKeygen, arguments: ["-Y", "sign", "-n", ApprovalRecord.signatureNamespace, "-f", keyPath],
        environment: ProcessInfo.processInfo.environment, workingDirectory: FileManager.default.currentDirectoryPath,
        input: Data(record.canonicalBytes), timeout: 3600, outputLimit: Self.signatureLimit, ownProcessGroup: false)
    } catch {
      throw PromptOpsError.io(path: sshKeygen, message: "cannot run: \(error)")
    }
    let stderr = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard case .exited(0) = outcome.termination else {
      let hint =
        keyPath.hasSuffix(".pub") ? " (a public key signs through ssh-agent: load its private key with ssh-add)" : ""
      let status: String
      switch outcome.termination {
      case .exited(let code): status = "exit \(code)"
      case .signalled(let signal): status = "killed by signal \(signal)"
      case .timedOut: status = "no signature within an hour"
      case .outputTooLarge: status = "printed too much"
      }
      throw PromptOpsError.io(path: keyPath, message: "ssh-keygen -Y sign failed (\(status)): \(stderr)\(hint)")
    }
    guard !outcome.stdoutCut else {
      throw PromptOpsError.io(
        path: sshKeygen,
        message:
          "ssh-keygen -Y sign printed more than \(Self.signatureLimit >> 10) KiB, which is no signature; nothing was signed"
      )
    }
    let armored = String(decoding: outcome.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let signature: SSHSignature
    do {
      signature = try SSHSignature(armored: armored)
    } catch {
      throw PromptOpsError.io(
        path: keyPath, message: "ssh-keygen produced a signature promptops cannot read: \(error.description)")
    }
    do {
      _ = try signature.verify(message: record.canonicalBytes, namespace: ApprovalRecord.signatureNamespace)
    } catch {
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
