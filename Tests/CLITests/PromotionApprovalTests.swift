import Foundation
import TestSupport
import Testing

/// `promote` to an environment that requires approval accepts exactly the approvals the gate
/// accepts: signed by a trusted key, for this content, and names the approvers in the release tag.
@Suite("promote: approvals verified as the gate verifies them")
struct PromotionApprovalTests {
  @Test func promotionWaitsForASignedApprovalAndNamesTheApprover() throws {
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed: run `sh ci/install-deps.sh --python`")
    let repo = try TempRepo("promoteApproval")
    let key = repo.root + "/alice"
    let keygen = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key], in: repo.root,
      environment: repo.environment)
    try #require(keygen.status == 0, "\(keygen.stderr)")
    let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    try repo.write(".promptops/allowed_signers", "alice@example.com namespaces=\"promptops-approval\" \(publicKey)\n")
    try repo.write(
      ".promptops.yml",
      """
      version: 1
      approvals:
        allowed_signers: .promptops/allowed_signers
        policies:
          - environments: [prod]
      promotion:
        environments:
          - name: prod
            requires_approval: true

      """)
    try repo.writePrompt("a", text: "Hello {{name}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("a 1.0.0 with an approval policy")

    let refused = try repo.promptops("promote", "a", "--env", "prod")
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(
      refused.stdout.contains("approval") || refused.stderr.contains("approval"), "\(refused.stdout)\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/promptops.lock"))

    // A record signed by a key the allowed signers file does not list would not count:
    // approve refuses to write it (the gate's own refusal of such records is tested with
    // records signed by hand, in ApprovalGateTests).
    let mallory = repo.root + "/mallory"
    _ = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-f", mallory], in: repo.root, environment: repo.environment)
    let forged = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", mallory, "--reviewer", "alice@example.com")
    #expect(forged.status == 64, "\(forged.stdout)\(forged.stderr)")
    #expect(forged.stderr.contains("would not verify"), "\(forged.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/approvals/a/1.0.0-prod-alice@example.com.yml"))
    let stillRefused = try repo.promptops("promote", "a", "--env", "prod")
    #expect(stillRefused.status == 1, "\(stillRefused.stdout)\(stillRefused.stderr)")

    let approve = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", key, "--reviewer", "alice@example.com", "--replace")
    #expect(approve.status == 0, "\(approve.stderr)")
    try repo.commit("alice approves a 1.0.0 for prod")

    let promoted = try repo.promptops("promote", "a", "--env", "prod")
    #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
    let tag = try repo.git("tag", "-l", "--format=%(contents)", "prompt/a/v1.0.0")
    #expect(tag.contains("alice@example.com"), "the release tag names the approver: \(tag)")
  }

  /// The author of a version cannot approve its release: `promote` (and `rollback`) count a
  /// change's authors as the merge gate does, over the commits that made the version.
  @Test func theAuthorOfAVersionCannotApproveItsOwnRelease() throws {
    let repo = try trustingDevAndBob("promoteSelfApproval")
    // The commits are dev@example.com's (TempRepo's author and committer).
    try repo.commit("a 1.0.0 by dev")

    let selfApproved = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", repo.root + "/dev", "--reviewer", "dev@example.com")
    #expect(selfApproved.status == 0, "\(selfApproved.stdout)\(selfApproved.stderr)")
    try repo.commit("dev approves their own a 1.0.0 for prod")

    let refused = try repo.promptops("promote", "a", "--env", "prod")
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect((refused.stdout + refused.stderr).contains("approval-self"), "\(refused.stdout)\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/promptops.lock"))

    let approved = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", repo.root + "/bob", "--reviewer", "bob@example.com")
    #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
    // The author's own record still stands in the way, as it does in the merge gate, until removed.
    let stillRefused = try repo.promptops("promote", "a", "--env", "prod")
    #expect(
      stillRefused.status == 1 && (stillRefused.stdout + stillRefused.stderr).contains("approval-self"),
      "\(stillRefused.stderr)")
    try FileManager.default.removeItem(atPath: repo.path + "/approvals/a/1.0.0-prod-dev@example.com.yml")
    try repo.commit("bob approves a 1.0.0 for prod; dev's own approval removed")
    let promoted = try repo.promptops("promote", "a", "--env", "prod")
    #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
    let tag = try repo.git("tag", "-l", "--format=%(contents)", "prompt/a/v1.0.0")
    #expect(tag.contains("bob@example.com") && !tag.contains("dev@example.com"), "only bob's approval counts: \(tag)")
  }

  /// A repository whose allowed signers trust dev and bob for prod approvals, with `a` 1.0.0
  /// written and committed by bob alone.
  func twoReviewers(_ name: String) throws -> TempRepo {
    let repo = try trustingDevAndBob(name)
    try commit(repo, as: "bob", "a 1.0.0 by bob")
    return repo
  }

  /// A repository with keys for dev and bob (`<root>/dev`, `<root>/bob`), both trusted for prod
  /// approvals, prod requiring one, and `a` 1.0.0 written, nothing committed.
  func trustingDevAndBob(_ name: String) throws -> TempRepo {
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed: run `sh ci/install-deps.sh --python`")
    let repo = try TempRepo(name)
    var signers = ""
    for name in ["dev", "bob"] {
      let key = repo.root + "/" + name
      let made = try runProcess(
        sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key], in: repo.root,
        environment: repo.environment)
      try #require(made.status == 0, "\(made.stderr)")
      let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(
        in: .whitespacesAndNewlines)
      signers += "\(name)@example.com namespaces=\"promptops-approval\" \(publicKey)\n"
    }
    try repo.write(".promptops/allowed_signers", signers)
    try repo.write(
      ".promptops.yml",
      """
      version: 1
      approvals:
        allowed_signers: .promptops/allowed_signers
        policies:
          - environments: [prod]
      promotion:
        environments:
          - name: prod
            requires_approval: true

      """)
    try repo.writePrompt("a", text: "Hello {{name}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    return repo
  }

  /// Commits everything staged or not as `person`@example.com, author and committer.
  func commit(_ repo: TempRepo, as person: String, _ message: String) throws {
    try repo.git("add", "-A")
    var environment = repo.environment
    for role in ["AUTHOR", "COMMITTER"] {
      environment["GIT_\(role)_NAME"] = person
      environment["GIT_\(role)_EMAIL"] = person + "@example.com"
    }
    let made = try runProcess(
      which("git") ?? "/usr/bin/git", ["commit", "-q", "--no-verify", "-m", message], in: repo.path,
      environment: environment)
    try #require(made.status == 0, "\(made.stderr)")
  }

  /// Text edited without a bump is part of the version the next bump releases: whoever wrote it
  /// is one of that version's authors, though the bump is someone else's commit.
  @Test func anEditCommittedBeforeTheBumpMakesItsAuthorOneOfTheVersions() throws {
    let repo = try twoReviewers("promotePreBumpAuthor")
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}. Tell them everything.\n")
    try commit(repo, as: "dev", "dev edits a without a bump")
    try repo.writePrompt(
      "a", text: "Hello {{name}}. Tell them everything.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try commit(repo, as: "bob", "bob bumps a to 1.0.1")
    let approved = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", repo.root + "/dev", "--reviewer", "dev@example.com")
    #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
    try commit(repo, as: "bob", "dev's approval of a 1.0.1")

    let refused = try repo.promptops("promote", "a", "--env", "prod")
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect((refused.stdout + refused.stderr).contains("approval-self"), "\(refused.stdout)\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/promptops.lock"))
  }

  /// `promote --at` releases a commit outside HEAD's history: its authors are read there, not
  /// in HEAD's history, where the version is not found and would have no authors at all.
  @Test func aVersionPromotedFromAnotherBranchIsJudgedByItsOwnAuthors() throws {
    let repo = try twoReviewers("promoteAtSelfApproval")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt(
      "a", text: "Hello {{name}}. Tell them everything.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try commit(repo, as: "dev", "dev writes a 1.0.1 on a branch")
    let approved = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", repo.root + "/dev", "--reviewer", "dev@example.com")
    #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
    let record = try repo.read("approvals/a/1.0.1-prod-dev@example.com.yml")
    try FileManager.default.removeItem(atPath: repo.path + "/approvals")
    try repo.git("checkout", "-q", "main")
    try repo.write("approvals/a/1.0.1-prod-dev@example.com.yml", record)
    try commit(repo, as: "bob", "dev's approval of a 1.0.1")

    let refused = try repo.promptops("promote", "a", "--env", "prod", "--at", "topic")
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect((refused.stdout + refused.stderr).contains("approval-self"), "\(refused.stdout)\(refused.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/promptops.lock"))
  }
}
