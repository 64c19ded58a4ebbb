import FuzzSupport

@testable import PromptApprovals

/// SSH signatures (`ssh-keygen -Y sign`, the `signature` of an approval record): the input is
/// the armored text, and read as the raw SSHSIG blob and as a public key blob too. A signature
/// that parses is verified over a fixed message in its own namespace, which runs the key parser
/// and each algorithm's verification on what the blob holds. (The seeds sign that message.)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  for signature in [try? SSHSignature(armored: input.text), try? SSHSignature(blob: input.bytes)] {
    guard let signature else { continue }
    _ = try? signature.verify(message: message, namespace: signature.namespace)
  }
  if let key = try? SSHPublicKey(blob: input.bytes) {
    _ = key.isValidSignature(input.bytes, for: message)
  }
  return 0
}

/// What the seed signatures sign (`printf 'promptops fuzz\n' | ssh-keygen -Y sign -n promptops-approval …`).
private let message = Array("promptops fuzz\n".utf8)

runLibFuzzer { data, size in fuzz(data, size) }
