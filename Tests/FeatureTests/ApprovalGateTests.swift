import Foundation
import GitKit
import PromptApprovals
import PromptModel
import TestSupport
import Testing

/// Signed approvals end to end: real keys from ssh-keygen, records written and signed by
/// `promptops approve`, the verdict of `promptops gate`, and for every signature question the
/// same answer from `ssh-keygen -Y verify` on the same bytes.
@Suite("Approvals: signed records through the gate")
struct ApprovalGateTests {
  @Test(arguments: ["ed25519", "ecdsa", "rsa"])
  func aValidApprovalPassesAndSSHKeygenAgrees(keyType: String) throws {
    let fixture = try ApprovalFixture("validApproval-\(keyType)")
    try fixture.makeKey("alice@example.com", type: keyType)
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])

    let before = try fixture.gate()
    #expect(before.status == 1)
    #expect(before.rules == ["approval-missing"])

    let approve = try fixture.approve("alice@example.com", ["--check", "evals_passed", "--note", "Looks right."])
    #expect(approve.status == 0, "\(approve.stderr)")
    #expect(approve.stdout.contains("a 1.1.0"))
    let sha = try sha256OfFile(fixture.repo.path + "/prompts/a/prompt.txt")
    #expect(approve.stdout.contains(sha))
    let file = fixture.recordPath("alice@example.com")
    let record = try ApprovalRecord.parse(try fixture.repo.read(file), file: file)
    #expect(record.sha256 == sha)
    #expect(record.checklist[.evalsPassed] == true && record.checklist[.costWithinLimits] == false)
    #expect(try fixture.signatureVerdicts(file) == (true, true))

    try fixture.repo.commit("approve a")
    let after = try fixture.gate()
    #expect(after.status == 0, "\(after.output)")
    #expect(after.rules.isEmpty)
  }

  /// Each field edited after signing: the gate fails, and the signature no longer verifies in
  /// process or for ssh-keygen (fields that retarget the record also make it stale or missing).
  @Test func everyFieldTamperedAfterSigningFails() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    let file = fixture.recordPath("alice@example.com")
    let original = try fixture.repo.read(file)
    try fixture.repo.commit("approve a")
    let record = try ApprovalRecord.parse(original, file: file)

    let edits: [(field: String, old: String, new: String, rule: String)] = [
      ("prompt_id", "prompt_id: \"a\"", "prompt_id: \"b\"", "approval-stale"),
      ("version", "version: \"1.1.0\"", "version: \"1.0.0\"", "approval-stale"),
      ("sha256", "sha256: \"\(record.sha256)\"", "sha256: \"\(String(repeating: "0", count: 64))\"", "approval-stale"),
      ("environment", "environment: \"merge\"", "environment: \"prod\"", "approval-missing"),
      ("reviewer", "reviewer: \"alice@example.com\"", "reviewer: \"bob@example.com\"", "approval-signature"),
      ("role", "role: \"prompt-owner\"", "role: \"security\"", "approval-signature"),
      ("decision", "decision: \"approved\"", "decision: \"rejected\"", "approval-signature"),
      ("reviewed_at", "reviewed_at: \"", "reviewed_at: \"2001", "approval-signature"),
      ("checklist", "evals_passed: false", "evals_passed: true", "approval-signature"),
      ("notes", "notes: \"\"", "notes: \"LGTM\"", "approval-signature"),
    ]
    for edit in edits {
      var tampered = original.replacingOccurrences(of: edit.old, with: edit.new)
      if edit.field == "reviewed_at" {
        // Keep the timestamp well-formed: replace the year only.
        tampered = original.replacingOccurrences(
          of: #"reviewed_at: "\d{4}"#, with: "reviewed_at: \"2025", options: .regularExpression)
      }
      #expect(tampered != original, "edit of \(edit.field) changed nothing")
      try fixture.repo.write(file, tampered)
      let verdicts = try fixture.signatureVerdicts(file)
      #expect(verdicts.inProcess == false, "\(edit.field): tampered signature verified in process")
      #expect(verdicts.inProcess == verdicts.sshKeygen, "\(edit.field): ssh-keygen disagrees")
      try fixture.repo.commit("tamper \(edit.field)")
      let gate = try fixture.gate()
      #expect(gate.status == 1, "\(edit.field): \(gate.output)")
      #expect(gate.rules.contains(edit.rule), "\(edit.field): \(gate.rules)")
      try fixture.repo.write(file, original)
      try fixture.repo.commit("restore")
    }
    // The untouched record still passes: the failures above came from the edits.
    #expect(try fixture.gate().status == 0)
  }

  @Test func aKeyMissingFromAllowedSignersFails() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    // promptops approve will not write it (the key is not listed); a record signed by hand can.
    #expect(try fixture.approve("bob@example.com").status == 64)
    try fixture.writeSignedRecord("bob@example.com")
    let file = fixture.recordPath("bob@example.com")
    #expect(try fixture.signatureVerdicts(file) == (false, false))
    try fixture.repo.commit("approve a")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules.contains("approval-signature"))
    #expect(gate.output.contains("not listed"))
  }

  /// A signature made for another namespace (git's own, for commits) and pasted into the record.
  @Test func aSignatureForAnotherNamespaceFails() throws {
    let fixture = try ApprovalFixture()
    let alice = try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com", options: "")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    let file = fixture.recordPath("alice@example.com")
    #expect(try fixture.signatureVerdicts(file) == (true, true))

    let record = try ApprovalRecord.parse(try fixture.repo.read(file), file: file)
    let resign = try runProcess(
      try fixture.sshKeygen(), ["-Y", "sign", "-n", "git", "-f", alice.privateKey], in: fixture.keys,
      environment: fixture.repo.environment,
      input: String(decoding: record.canonicalBytes, as: UTF8.self))
    try #require(resign.status == 0, "\(resign.stderr)")
    var wrong = record
    wrong.signature = resign.stdout
    try fixture.repo.write(file, wrong.yaml)
    #expect(try fixture.signatureVerdicts(file) == (false, false))
    try fixture.repo.commit("approve a")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules == ["approval-signature"])
    #expect(gate.output.contains("namespace 'git'"))
  }

  /// `namespaces=` on the allowed signers line that does not include promptops's namespace.
  @Test func aKeyLimitedToOtherNamespacesFails() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com", options: "namespaces=\"git,file\"")])
    try fixture.writeSignedRecord("alice@example.com")
    #expect(try fixture.signatureVerdicts(fixture.recordPath("alice@example.com")) == (false, false))
    try fixture.repo.commit("approve a")
    let gate = try fixture.gate()
    #expect(gate.rules == ["approval-signature"])
  }

  @Test(arguments: [
    ("valid-before=\"20200101Z\"", false), ("valid-after=\"20991231Z\"", false),
    ("valid-after=\"20200101Z\",valid-before=\"20991231235959Z\"", true),
  ])
  func validityWindowsAreCheckedAtReviewTime(window: String, valid: Bool) throws {
    let fixture = try ApprovalFixture("validity-\(valid)-\(window.prefix(11))")
    try fixture.makeKey("alice@example.com", type: "ecdsa")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com", options: window)])
    if valid {
      try #require(try fixture.approve("alice@example.com").status == 0)
    } else {
      #expect(try fixture.approve("alice@example.com").status == 64)
      try fixture.writeSignedRecord("alice@example.com")
    }
    #expect(try fixture.signatureVerdicts(fixture.recordPath("alice@example.com")) == (valid, valid))
    try fixture.repo.commit("approve a")
    let gate = try fixture.gate()
    #expect(gate.status == (valid ? 0 : 1), "\(gate.output)")
    #expect(gate.rules == (valid ? [] : ["approval-signature"]))
  }

  @Test func anEditAfterApprovalMakesItStale() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("approve a")
    #expect(try fixture.gate().status == 0)

    try fixture.repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite and brief. Always.\n")
    try fixture.repo.commit("a: one more word")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules.contains("approval-stale"))
    #expect(gate.output.contains("edited after approval"))
  }

  @Test func theAuthorOfTheChangeCannotApproveIt() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("dev@example.com")
    try fixture.setUp(signers: [fixture.signerLine("dev@example.com")])
    try #require(try fixture.approve("dev@example.com").status == 0)
    #expect(try fixture.signatureVerdicts(fixture.recordPath("dev@example.com")) == (true, true))
    try fixture.repo.commit("approve a")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules.contains("approval-self"))
  }

  @Test func twoApproversRequiredAndOneGivenFails() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com", type: "ecdsa")
    let policy = ApprovalFixture.defaultPolicy.replacingOccurrences(
      of: "    - environments: [merge]\n", with: "    - environments: [merge]\n      min_approvals: 2\n")
    try fixture.setUp(
      policy: policy, signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("alice approves")
    let one = try fixture.gate()
    #expect(one.status == 1)
    #expect(one.rules == ["approval-insufficient"])

    try #require(try fixture.approve("bob@example.com").status == 0)
    try fixture.repo.commit("bob approves")
    #expect(try fixture.gate().status == 0)
  }

  @Test func aRequiredRoleMustBeHeldByAnApprover() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    let policy = ApprovalFixture.defaultPolicy.replacingOccurrences(
      of: "    - environments: [merge]\n", with: "    - environments: [merge]\n      roles: [security]\n")
    try fixture.setUp(
      policy: policy, signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    // alice may not claim a role the policy does not give her.
    #expect(try fixture.approve("alice@example.com", role: "security").status == 64)
    try fixture.writeSignedRecord("alice@example.com", role: "security")
    try fixture.repo.commit("alice approves as security")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules.allSatisfy { $0 == "approval-unauthorized" || $0 == "approval-insufficient" })
    #expect(gate.rules.contains("approval-unauthorized"))

    try #require(try fixture.approve("bob@example.com", role: "security").status == 0)
    try fixture.repo.commit("bob approves as security")
    // bob holds the role now, but alice's claim is still a record the gate refuses.
    #expect(try fixture.gate().rules == ["approval-unauthorized"])
    try fixture.repo.remove(fixture.recordPath("alice@example.com"))
    try fixture.repo.commit("drop alice's claim")
    #expect(try fixture.gate().status == 0)
  }

  @Test func aRejectionBlocksUntilTheReviewerApproves() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    try #require(
      try fixture.approve("bob@example.com", ["--decision", "changes-requested", "--note", "Too terse."]).status == 0)
    try fixture.repo.commit("reviews")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules == ["approval-rejected"])
    #expect(gate.output.contains("Too terse."))

    #expect(try fixture.approve("bob@example.com").status != 0, "approve must refuse to overwrite silently")
    try #require(try fixture.approve("bob@example.com", ["--replace"]).status == 0)
    try fixture.repo.commit("bob approves")
    #expect(try fixture.gate().status == 0)
  }

  /// A valid record copied to another prompt, or relabelled for another version, does not
  /// approve it.
  @Test func aReplayedRecordFails() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    let file = fixture.recordPath("alice@example.com")
    let record = try fixture.repo.read(file)
    try fixture.repo.commit("approve a")
    #expect(try fixture.gate().status == 0)

    // Another prompt with the same text, with the record copied into its folder.
    try fixture.repo.writePrompt(
      "b", text: "Hello {{name}}.\nYou must be polite and brief.\n", version: "1.1.0", changelog: ["1.1.0"])
    try fixture.repo.write(fixture.recordPath("alice@example.com", id: "b"), record)
    try fixture.repo.commit("add b with a's approval")
    let copied = try fixture.gate()
    #expect(copied.status == 1)
    #expect(copied.rules.contains("approval-stale"))
    #expect(copied.output.contains("does not carry over"))
    try fixture.repo.remove("prompts/b")
    try fixture.repo.remove("approvals/b")
    try fixture.repo.commit("drop b")

    // a moves on to 1.2.0; the 1.1.0 record relabelled as 1.2.0 (and its hash) breaks the signature.
    try fixture.repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite and brief, always.\n", version: "1.2.0",
      changelog: ["1.0.0", "1.1.0", "1.2.0"])
    let sha = try sha256OfFile(fixture.repo.path + "/prompts/a/prompt.txt")
    let old = try ApprovalRecord.parse(record, file: file)
    let relabelled = record.replacingOccurrences(of: "1.1.0", with: "1.2.0").replacingOccurrences(
      of: old.sha256, with: sha)
    try fixture.repo.write(fixture.recordPath("alice@example.com", version: "1.2.0"), relabelled)
    try fixture.repo.commit("a 1.2.0 with a relabelled approval")
    #expect(try fixture.signatureVerdicts(fixture.recordPath("alice@example.com", version: "1.2.0")) == (false, false))
    let replayed = try fixture.gate()
    #expect(replayed.status == 1)
    #expect(replayed.rules == ["approval-signature"])
  }

  /// The pull request cannot add its own key or loosen its own policy: both come from the base.
  @Test func trustComesFromTheBaseNotThePullRequest() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("carol@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try fixture.repo.write(
      ".promptops/allowed_signers", fixture.allowedSigners + fixture.signerLine("carol@example.com") + "\n")
    try fixture.repo.write(
      ".promptops.yml",
      ApprovalFixture.defaultPolicy.replacingOccurrences(
        of: "dev@example.com: [prompt-owner]", with: "carol@example.com: [prompt-owner]"))
    try fixture.writeSignedRecord("carol@example.com")
    try fixture.repo.commit("carol trusts herself")
    let own = try fixture.gate()
    #expect(own.status == 1)
    #expect(own.rules.contains("approval-signature") || own.rules.contains("approval-unauthorized"))

    try fixture.repo.write(".promptops.yml", "version: 1\n")
    try fixture.repo.commit("drop the policy")
    let loosened = try fixture.gate()
    #expect(loosened.status == 1)
    #expect(!loosened.rules.isEmpty)
  }

  /// `approvals verify` checks the records at HEAD and names the approvers; the public API the
  /// promotion uses gives the same answer.
  @Test func approvalsVerifyListsTheApprovers() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    let missing = try runProcess(
      try promptopsBinary(), ["approvals", "verify"], in: fixture.repo.path, environment: fixture.repo.environment)
    #expect(missing.status == 1)
    #expect(missing.stdout.contains("approval-missing"))

    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("approve a")
    let verified = try runProcess(
      try promptopsBinary(), ["approvals", "verify", "a"], in: fixture.repo.path, environment: fixture.repo.environment)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.contains("approved by alice@example.com (prompt-owner)"))

    let repository = try Repository.open(at: fixture.repo.path, environment: [:])
    let sha = try sha256OfFile(fixture.repo.path + "/prompts/a/prompt.txt")
    let context = try GateContext.load(from: .commit(try repository.resolveCommit("HEAD")), in: repository)
    let verdict = try ApprovalVerifier.verify(
      repository: repository, context: context, snapshot: .commit(try repository.resolveCommit("HEAD")), promptID: "a",
      version: "1.1.0", sha256: sha,
      environment: "merge")
    #expect(verdict.passed)
    #expect(verdict.approvers.map(\.reviewer) == ["alice@example.com"])
    let prod = try ApprovalVerifier.verify(
      repository: repository, context: context, snapshot: .commit(try repository.resolveCommit("HEAD")), promptID: "a",
      version: "1.1.0", sha256: sha,
      environment: "prod")
    #expect(prod.requirement == nil)
    let other = try ApprovalVerifier.verify(
      repository: repository, context: context, snapshot: .commit(try repository.resolveCommit("HEAD")), promptID: "a",
      version: "1.1.0",
      sha256: String(repeating: "1", count: 64), environment: "merge")
    #expect(!other.passed)
  }

  /// SSHSIG allows sha256 as well as ssh-keygen's default sha512; both verify, and a
  /// signature over one hash algorithm relabelled as the other does not.
  @Test(arguments: ["ed25519", "ecdsa", "rsa"])
  func bothSSHSIGHashAlgorithmsVerify(keyType: String) throws {
    let fixture = try ApprovalFixture("hashalg-\(keyType)")
    let alice = try fixture.makeKey("alice@example.com", type: keyType)
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    let file = fixture.recordPath("alice@example.com")
    let record = try ApprovalRecord.parse(try fixture.repo.read(file), file: file)
    #expect(try SSHSignature(armored: record.signature ?? "").hashAlgorithm == "sha512")
    let resign = try runProcess(
      try fixture.sshKeygen(),
      ["-Y", "sign", "-n", ApprovalRecord.signatureNamespace, "-f", alice.privateKey, "-O", "hashalg=sha256"],
      in: fixture.keys, environment: fixture.repo.environment,
      input: String(decoding: record.canonicalBytes, as: UTF8.self))
    try #require(resign.status == 0, "\(resign.stderr)")
    var sha256Signed = record
    sha256Signed.signature = resign.stdout
    let parsed = try SSHSignature(armored: resign.stdout)
    #expect(parsed.hashAlgorithm == "sha256")
    try fixture.repo.write(file, sha256Signed.yaml)
    #expect(try fixture.signatureVerdicts(file) == (true, true))
    try fixture.repo.commit("approve a")
    #expect(try fixture.gate().status == 0)
  }

  /// Unsigned records count only where the policy turns signatures off.
  @Test func unsignedRecordsCountOnlyWhenThePolicyAllows() throws {
    for required in [true, false] {
      let fixture = try ApprovalFixture("unsigned-\(required)")
      try fixture.makeKey("alice@example.com")
      let policy = ApprovalFixture.defaultPolicy.replacingOccurrences(
        of: "  reviewers:\n", with: "  require_signatures: \(required)\n  reviewers:\n")
      try fixture.setUp(policy: policy, signers: [fixture.signerLine("alice@example.com")])
      let sha = try sha256OfFile(fixture.repo.path + "/prompts/a/prompt.txt")
      let record = ApprovalRecord(
        promptID: "a", version: "1.1.0", sha256: sha, environment: "merge", reviewer: "alice@example.com",
        role: "prompt-owner",
        decision: .approved, reviewedAt: Date())
      try fixture.repo.write(fixture.recordPath("alice@example.com"), record.yaml)
      try fixture.repo.commit("unsigned approval")
      let gate = try fixture.gate()
      #expect(gate.status == (required ? 1 : 0), "\(gate.output)")
      #expect(gate.rules == (required ? ["approval-signature"] : []))
    }
  }

  /// Policies select prompts by id glob and card tag; other prompts need nothing.
  @Test func policiesSelectByGlobAndTag() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    let policy = ApprovalFixture.defaultPolicy.replacingOccurrences(
      of: "    - environments: [merge]\n",
      with:
        "    - environments: [merge]\n      prompts: [\"support-*\"]\n    - environments: [merge]\n      tags: [high-risk]\n"
    )
    try fixture.setUp(policy: policy, signers: [fixture.signerLine("alice@example.com")])
    #expect(try fixture.gate().status == 0, "a matches neither the glob nor the tag")
    try fixture.repo.writePrompt("support-bot", text: "Hi.\n", version: "1.0.0", changelog: ["1.0.0"])
    try fixture.repo.writePrompt(
      "risky", text: "Hi.\n", version: "1.0.0", changelog: ["1.0.0"], extraCard: "tags: [high-risk]\n")
    try fixture.repo.writePrompt(
      "plain", text: "Hi.\n", version: "1.0.0", changelog: ["1.0.0"], extraCard: "tags: [low-risk]\n")
    try fixture.repo.commit("three more prompts")
    let result = try runProcess(
      try promptopsBinary(), ["gate", "--base", "main", "--format", "json"], in: fixture.repo.path,
      environment: fixture.repo.environment)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let findings = try #require(object?["findings"] as? [[String: Any]])
    #expect(Set(findings.compactMap { $0["prompt"] as? String }) == ["support-bot", "risky"])
    #expect(Set(findings.compactMap { $0["rule"] as? String }) == ["approval-missing"])
  }

  /// A record that cannot be read is a finding at its line; a configured allowed signers file
  /// missing from the base stops the gate (exit 2) rather than trusting nobody silently.
  @Test func unreadableRecordsAndMissingTrustFailClosed() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try fixture.repo.write(fixture.recordPath("alice@example.com"), "prompt_id: \"a\"\nversion: [1\n")
    try fixture.repo.commit("broken record")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules.contains("approval-signature"))
    #expect(gate.output.contains(fixture.recordPath("alice@example.com")))

    let noSigners = try ApprovalFixture("noSigners")
    try noSigners.makeKey("alice@example.com")
    try noSigners.setUp(
      policy: ApprovalFixture.defaultPolicy.replacingOccurrences(
        of: ".promptops/allowed_signers", with: ".promptops/missing"),
      signers: [noSigners.signerLine("alice@example.com")])
    let result = try runProcess(
      try promptopsBinary(), ["gate", "--base", "main"], in: noSigners.repo.path,
      environment: noSigners.repo.environment)
    #expect(result.status == 2)
    #expect(result.stderr.contains(".promptops/missing"))
  }

  /// Downgrading a record-level rule to a warning reports it as one, but the content is still
  /// not approved: the gate fails on the totals instead of passing.
  @Test func downgradedRecordRulesStillFailClosed() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("carol@example.com")
    let policy = ApprovalFixture.defaultPolicy + "rules:\n  approval-stale: warning\n  approval-signature: warning\n"
    try fixture.setUp(policy: policy, signers: [fixture.signerLine("alice@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("approve a")
    #expect(try fixture.gate().status == 0)

    try fixture.repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite and brief. Always.\n")
    try fixture.repo.commit("a: edited after approval")
    let stale = try fixture.gate()
    #expect(stale.status == 1)
    #expect(stale.rules.contains("approval-stale") && stale.rules.contains("approval-missing"))

    try fixture.writeSignedRecord("carol@example.com")
    try fixture.repo.commit("carol, whose key is not trusted, approves")
    let untrusted = try fixture.gate()
    #expect(untrusted.status == 1)
    #expect(untrusted.rules.contains("approval-signature") && untrusted.rules.contains("approval-insufficient"))
  }

  /// `--staged` approves the content in the index, which the gate then accepts once committed;
  /// a key ssh-keygen cannot use is a clear error and leaves no record behind.
  @Test func approvingTheIndexAndAnUnusableKey() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try fixture.repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite, brief and kind.\n", version: "1.1.0",
      changelog: ["1.0.0", "1.1.0"])
    try fixture.repo.stage()
    let staged = try fixture.approve("alice@example.com", ["--staged"])
    #expect(staged.status == 0, "\(staged.stderr)")
    let sha = try sha256OfFile(fixture.repo.path + "/prompts/a/prompt.txt")
    #expect(staged.stdout.contains(sha))
    try fixture.repo.commit("kinder, approved")
    #expect(try fixture.gate().status == 0)

    try fixture.repo.write("not-a-key", "garbage\n")
    let bad = try runProcess(
      try promptopsBinary(),
      [
        "approve", "a", "--env", "prod", "--role", "prompt-owner", "--key", "not-a-key", "--reviewer",
        "alice@example.com",
      ],
      in: fixture.repo.path, environment: fixture.repo.environment)
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("ssh-keygen -Y sign failed"))
    #expect(
      !FileManager.default.fileExists(
        atPath: fixture.repo.path + "/" + fixture.recordPath("alice@example.com", env: "prod")))
  }

  /// The same text released under a new version is a new thing to approve: the record for the
  /// old version is stale, not carried over.
  @Test func anApprovalDoesNotCarryOverToANewVersionOfTheSameText() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("approve a")
    #expect(try fixture.gate().status == 0)
    try fixture.repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite and brief.\n", version: "1.1.1",
      changelog: ["1.0.0", "1.1.0", "1.1.1"])
    try fixture.repo.commit("a 1.1.1, same text")
    let gate = try fixture.gate()
    #expect(gate.status == 1)
    #expect(gate.rules.contains("approval-stale"))
    #expect(gate.output.contains("approved as version 1.1.0, but it is now version 1.1.1"))
  }
}

/// SHA-256 by coreutils: an oracle independent of the code under test.
func sha256OfFile(_ path: String) throws -> String {
  String(try runProcess("/usr/bin/sha256sum", [path], in: "/", environment: [:]).stdout.prefix(64))
}
