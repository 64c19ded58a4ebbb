import Foundation
import GitKit
import PromptApprovals
import PromptModel
import TestSupport
import Testing

/// A reviewer with a real key pair made by `ssh-keygen`.
struct ReviewerKey {
  let email: String
  let privateKey: String
  /// `type base64`, as an allowed signers line wants it.
  let publicKey: String
}

/// A repository with a prompt `a` at 1.0.0 on `main` (with the approvals policy and allowed
/// signers there), and a `feature` branch that raises it to 1.1.0: a pull request to gate.
final class ApprovalFixture {
  let repo: TempRepo
  let keys: String
  var reviewers: [String: ReviewerKey] = [:]
  /// The allowed signers text committed on main.
  private(set) var allowedSigners = ""

  static let defaultPolicy = """
    version: 1
    approvals:
      allowed_signers: .promptops/allowed_signers
      reviewers:
        alice@example.com: [prompt-owner]
        bob@example.com: [prompt-owner, security]
        dev@example.com: [prompt-owner]
      policies:
        - environments: [merge]

    """

  init(_ name: String = #function) throws {
    repo = try TempRepo(name)
    keys = repo.root + "/keys"
    try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
  }

  func sshKeygen() throws -> String { try #require(which("ssh-keygen"), "ssh-keygen is needed for the approval tests") }

  /// Makes a key pair with ssh-keygen: `ed25519`, `ecdsa` (P-256) or `rsa` (3,072 bits).
  @discardableResult
  func makeKey(_ email: String, type: String = "ed25519") throws -> ReviewerKey {
    let name = email.split(separator: "@")[0]
    let path = "\(keys)/\(name)-\(type)"
    var arguments = ["-q", "-t", type, "-N", "", "-C", email, "-f", path]
    if type == "ecdsa" { arguments += ["-b", "256"] }
    let result = try runProcess(try sshKeygen(), arguments, in: keys, environment: repo.environment)
    try #require(result.status == 0, "ssh-keygen failed: \(result.stderr)")
    chmod(path, 0o600)
    let pub = try String(contentsOfFile: path + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(
      separator: " ")
    let key = ReviewerKey(email: email, privateKey: path, publicKey: pub)
    reviewers[email] = key
    return key
  }

  /// One allowed signers line for a reviewer.
  func signerLine(_ email: String, options: String = "namespaces=\"promptops-approval\"") -> String {
    let key = reviewers[email]!
    return options.isEmpty ? "\(email) \(key.publicKey)" : "\(email) \(options) \(key.publicKey)"
  }

  /// An allowed signers line listing `principals` (an OpenSSH pattern-list) for the key of `email`.
  func signerLine(_ principals: String, keyOf email: String) -> String {
    "\(principals) namespaces=\"promptops-approval\" \(reviewers[email]!.publicKey)"
  }

  /// Commits the base on main (policy, allowed signers, prompt a 1.0.0), then branches
  /// `feature` and bumps a to 1.1.0 with new text, committed by dev@example.com. `baseCard` and
  /// `headCard` are extra card lines (tags) of a on each side.
  func setUp(
    policy: String = ApprovalFixture.defaultPolicy, signers: [String], baseCard: String = "", headCard: String = ""
  ) throws {
    allowedSigners = signers.joined(separator: "\n") + "\n"
    try repo.write(".promptops.yml", policy)
    try repo.write(".promptops/allowed_signers", allowedSigners)
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\n", version: "1.0.0", changelog: ["1.0.0"], extraCard: baseCard)
    try repo.commit("base")
    try repo.git("checkout", "-q", "-b", "feature")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite and brief.\n", version: "1.1.0", changelog: ["1.0.0", "1.1.0"],
      extraCard: headCard)
    try repo.commit("a: be brief")
  }

  /// Replaces a's text on the feature branch (its version stays 1.1.0) and commits it with
  /// `message`, under the author and committer emails given.
  func commitPromptEdit(
    _ text: String, message: String, author: String = "dev@example.com", committer: String = "dev@example.com"
  ) throws {
    try repo.write("prompts/a/prompt.txt", text)
    try repo.stage()
    var environment = repo.environment
    environment["GIT_AUTHOR_EMAIL"] = author
    environment["GIT_COMMITTER_EMAIL"] = committer
    let result = try runProcess(
      which("git") ?? "/usr/bin/git", ["commit", "-q", "--no-verify", "--cleanup=verbatim", "-F", "-"], in: repo.path,
      environment: environment, input: message)
    try #require(result.status == 0, "git commit failed: \(result.stderr)")
  }

  /// A policy without a reviewers list (any trusted signer, any role) requiring `minApprovals`.
  static func openPolicy(minApprovals: Int = 1) -> String {
    """
    version: 1
    approvals:
      allowed_signers: .promptops/allowed_signers
      policies:
        - environments: [merge]
          min_approvals: \(minApprovals)

    """
  }

  /// Runs `promptops approve` as a reviewer, signing with their key.
  @discardableResult
  func approve(
    _ email: String, _ extra: [String] = [], id: String = "a", role: String = "prompt-owner", env: String = "merge"
  ) throws -> ProcessResult {
    let key = try #require(reviewers[email])
    return try runProcess(
      try promptopsBinary(),
      ["approve", id, "--env", env, "--role", role, "--key", key.privateKey, "--reviewer", email] + extra,
      in: repo.path, environment: repo.environment)
  }

  /// A record of a's current text at 1.1.0 signed with `email`'s key by ssh-keygen, dated
  /// `reviewedAt` (as a reviewer whose clock was off would date it), written to its usual path.
  /// `promptops approve` refuses to write a record the gate would refuse; this is how the tests
  /// make the records a careless or hostile reviewer could still commit.
  func writeSignedRecord(
    _ email: String, decision: ApprovalRecord.Decision = .approved, reviewedAt: Date = Date(), notes: String = "",
    role: String = "prompt-owner"
  ) throws {
    let key = try #require(reviewers[email])
    var record = ApprovalRecord(
      promptID: "a", version: "1.1.0", sha256: try sha256OfFile(repo.path + "/prompts/a/prompt.txt"),
      environment: "merge",
      reviewer: email, role: role, decision: decision, reviewedAt: reviewedAt, notes: notes)
    let signed = try runProcess(
      try sshKeygen(), ["-Y", "sign", "-n", ApprovalRecord.signatureNamespace, "-f", key.privateKey], in: keys,
      environment: repo.environment,
      input: String(decoding: record.canonicalBytes, as: UTF8.self))
    try #require(signed.status == 0, "\(signed.stderr)")
    record.signature = signed.stdout
    try repo.write(recordPath(email), record.yaml)
  }

  /// The path `promptops approve` files a record under.
  func recordPath(_ email: String, id: String = "a", version: String = "1.1.0", env: String = "merge") -> String {
    "approvals/\(id)/\(version)-\(env)-\(email).yml"
  }

  /// `promptops gate --base main` in JSON: the exit status and the rule ids found.
  func gate() throws -> (status: Int32, rules: [String], output: String) {
    let result = try runProcess(
      try promptopsBinary(), ["gate", "--base", "main", "--format", "json"], in: repo.path,
      environment: repo.environment)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let findings = try #require(
      object?["findings"] as? [[String: Any]], "no JSON report: \(result.stdout)\(result.stderr)")
    return (result.status, findings.compactMap { $0["rule"] as? String }, result.stdout + result.stderr)
  }

  // MARK: - Signature oracles

  /// The in-process verdict on a record file's signature, against the allowed signers on main.
  func inProcessVerifies(_ recordFile: String) throws -> Bool {
    let record = try ApprovalRecord.parse(try repo.read(recordFile), file: recordFile)
    let repository = try Repository.open(at: repo.path, environment: [:])
    var configuration = Configuration()
    configuration.approvals.allowedSigners = ".promptops/allowed_signers"
    let trust = ApprovalTrust(
      configuration: configuration, signers: try AllowedSigners(allowedSigners, file: "allowed_signers"))
    let verifier = ApprovalVerifier(repository: repository, trust: trust, records: .index)
    if case .success = verifier.checkSignature(record) { return true }
    return false
  }

  /// `ssh-keygen -Y verify` on the record's canonical bytes, for the reviewer it names, in the
  /// promptops namespace, at its reviewed_at: the independent verdict.
  func sshKeygenVerifies(_ recordFile: String) throws -> Bool {
    let record = try ApprovalRecord.parse(try repo.read(recordFile), file: recordFile)
    guard let signature = record.signature else { return false }
    let folder = repo.root + "/verify-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try Data((signature + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/record.sig"))
    try Data(allowedSigners.utf8).write(to: URL(fileURLWithPath: folder + "/allowed_signers"))
    let time = ApprovalRecord.formatTimestamp(record.reviewedAt).filter { $0.isNumber } + "Z"
    let result = try runProcess(
      try sshKeygen(),
      [
        "-Y", "verify", "-f", folder + "/allowed_signers", "-I", record.reviewer, "-n",
        ApprovalRecord.signatureNamespace,
        "-s", folder + "/record.sig", "-Overify-time=\(time)",
      ],
      in: folder, environment: repo.environment, input: String(decoding: record.canonicalBytes, as: UTF8.self))
    return result.status == 0
  }

  /// Both verdicts, which must agree.
  func signatureVerdicts(_ recordFile: String) throws -> (inProcess: Bool, sshKeygen: Bool) {
    (try inProcessVerifies(recordFile), try sshKeygenVerifies(recordFile))
  }

  /// Replaces text in a committed file's working copy.
  func edit(_ file: String, _ old: String, _ new: String) throws {
    let text = try repo.read(file)
    try #require(text.contains(old), "\(file) has no \(old)")
    try repo.write(file, text.replacingOccurrences(of: old, with: new))
  }
}
