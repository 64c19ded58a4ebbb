import Foundation
import TestSupport
import Testing

/// `rollback` is a way into an environment: it asks what `promote` asks (approvals, evals, the
/// promotion order), goes only to versions the environment had, and a retried rollback does not
/// undo the one before it. Real repositories, the real binary, keys made by ssh-keygen.
@Suite("rollback: the evidence promote demands, and only where the environment has been")
struct RollbackEvidenceTests {
  /// A repository whose committed configuration trusts alice's key for prod approvals; the
  /// promotion section is the caller's.
  final class Release {
    let repo: TempRepo
    let key: String

    init(_ name: String, promotion: String) throws {
      repo = try TempRepo(name)
      let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed: run `sh ci/install-deps.sh --python`")
      key = repo.root + "/alice"
      let made = try runProcess(
        sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key], in: repo.root,
        environment: repo.environment)
      try #require(made.status == 0, "\(made.stderr)")
      let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(
        in: .whitespacesAndNewlines)
      try repo.write(".promptops/allowed_signers", "alice@example.com namespaces=\"promptops-approval\" \(publicKey)\n")
      try configure(promotion)
    }

    func configure(_ promotion: String) throws {
      try repo.write(
        ".promptops.yml",
        "version: 1\napprovals:\n  allowed_signers: .promptops/allowed_signers\n  policies:\n    - environments: [prod]\n"
          + promotion)
    }

    /// Commits version `index` (1.0.<index>) of prompt `a`.
    func release(_ index: Int) throws {
      let versions = (0...index).map { "1.0.\($0)" }
      try repo.writePrompt(
        "a", text: "Hello {{name}}.\nRevision \(index).\n", version: versions[index], changelog: versions)
      try repo.commit("a \(versions[index])")
    }

    /// alice approves HEAD's version of `a` for prod; the record is committed.
    func approve() throws {
      let approved = try repo.promptops(
        "approve", "a", "--env", "prod", "--role", "owner", "--key", key, "--reviewer", "alice@example.com")
      try #require(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
      try repo.commit("alice approves a for prod")
    }

    @discardableResult
    func run(_ arguments: String...) throws -> ProcessResult {
      try runProcess(try promptopsBinary(), arguments, in: repo.path, environment: repo.environment)
    }

    func promote(_ version: String, _ environment: String) throws {
      let result = try run("promote", "a", "--env", environment, "--version", version, "--commit")
      try #require(result.status == 0, "\(version) → \(environment): \(result.stdout)\(result.stderr)")
    }

    func pinned(_ environment: String) throws -> String? {
      let lock = try #require(
        try JSONSerialization.jsonObject(with: Data(try repo.read("promptops.lock").utf8)) as? [String: Any])
      return (((lock["environments"] as? [String: Any])?[environment] as? [String: Any])?["a"] as? [String: Any])?[
        "version"] as? String
    }
  }

  static let approvalInProd =
    "promotion:\n  environments:\n    - staging\n    - name: prod\n      requires_approval: true\n"

  /// promote refuses an unapproved version for prod; `rollback --to` must not pin it instead, nor
  /// an approved one prod never had.
  @Test(.timeLimit(.minutes(5))) func rollbackToIsNoWayAroundPromote() throws {
    let release = try Release("rollbackToAroundPromote", promotion: Self.approvalInProd)
    try release.release(0)
    try release.approve()
    try release.promote("1.0.0", "staging")
    try release.promote("1.0.0", "prod")
    try release.release(1)
    try release.promote("1.0.1", "staging")
    let promoted = try release.run("promote", "a", "--env", "prod", "--version", "1.0.1")
    #expect(promoted.status == 1, "\(promoted.stdout)\(promoted.stderr)")

    let unapproved = try release.run("rollback", "a", "--env", "prod", "--to", "1.0.1", "--reason", "around the gate")
    #expect(unapproved.status == 1, "\(unapproved.stdout)\(unapproved.stderr)")
    #expect(unapproved.stderr.contains("[approval-missing]"), "\(unapproved.stderr)")
    #expect(unapproved.stderr.contains("a 1.0.1 was never pinned in prod"), "\(unapproved.stderr)")
    #expect(try release.pinned("prod") == "1.0.0")

    // Approved now, so promote would take it; rollback still goes only where prod has been.
    try release.approve()
    let approved = try release.run("rollback", "a", "--env", "prod", "--to", "1.0.1", "--reason", "around the gate")
    #expect(approved.status == 1, "\(approved.stdout)\(approved.stderr)")
    #expect(approved.stderr.contains("a 1.0.1 was never pinned in prod"), "\(approved.stderr)")
    #expect(!approved.stderr.contains("[approval-missing]"), "\(approved.stderr)")
    #expect(try release.pinned("prod") == "1.0.0")
    #expect(try release.repo.read("audit/promptops-audit.jsonl").split(separator: "\n").count == 3, "no rollback event")
  }

  /// prod came to require approvals after three versions ran there unapproved: neither `--to`
  /// nor the automatic choice goes back to one without a verified approval.
  @Test(.timeLimit(.minutes(5))) func rollbackNeedsTheApprovalsTheEnvironmentRequiresNow() throws {
    let release = try Release("rollbackNeedsApprovals", promotion: "promotion:\n  environments: [staging, prod]\n")
    try release.release(0)
    try release.approve()
    for index in 0..<3 {
      if index > 0 { try release.release(index) }
      try release.promote("1.0.\(index)", "staging")
      try release.promote("1.0.\(index)", "prod")
    }
    try release.configure(Self.approvalInProd)
    try release.repo.commit("prod requires approvals")

    let named = try release.run("rollback", "a", "--env", "prod", "--to", "1.0.1", "--reason", "1.0.2 regressed")
    #expect(named.status == 1, "\(named.stdout)\(named.stderr)")
    #expect(named.stderr.contains("[approval-missing]"), "\(named.stderr)")
    #expect(try release.pinned("prod") == "1.0.2")

    let automatic = try release.run("rollback", "a", "--env", "prod", "--reason", "1.0.2 regressed")
    #expect(automatic.status == 0, "\(automatic.stdout)\(automatic.stderr)")
    #expect(automatic.stdout.contains("passed over 1.0.1: [approval-missing]"), "\(automatic.stdout)")
    #expect(automatic.stdout.contains("rolled back a in prod: 1.0.2 → 1.0.0"), "\(automatic.stdout)")
    #expect(try release.pinned("prod") == "1.0.0")
    let tag = try release.repo.git("tag", "-l", "--format=%(contents)", "prompt/a/v1.0.0")
    #expect(tag.contains("approvers: none"), "the tag keeps the evidence of its first promotion: \(tag)")
    let event = try #require(try release.repo.read("audit/promptops-audit.jsonl").split(separator: "\n").last)
    #expect(
      event.contains("\"rollback\"") && event.contains("alice@example.com"), "the rollback names the approver: \(event)"
    )
  }

  /// With enforce_order turned on after 1.0.0 went straight to prod, a rollback to 1.0.0 is
  /// refused as a promotion of it would be.
  @Test(.timeLimit(.minutes(5))) func rollbackKeepsThePromotionOrder() throws {
    let release = try Release(
      "rollbackKeepsOrder", promotion: "promotion:\n  environments: [staging, prod]\n  enforce_order: false\n")
    try release.release(0)
    try release.promote("1.0.0", "prod")
    try release.release(1)
    try release.promote("1.0.1", "staging")
    try release.promote("1.0.1", "prod")
    try release.configure("promotion:\n  environments: [staging, prod]\n")
    try release.repo.commit("enforce the promotion order")

    let named = try release.run("rollback", "a", "--env", "prod", "--to", "1.0.0", "--reason", "1.0.1 regressed")
    #expect(named.status == 1, "\(named.stdout)\(named.stderr)")
    #expect(named.stderr.contains("a 1.0.0 was never pinned in staging"), "\(named.stderr)")
    let automatic = try release.run("rollback", "a", "--env", "prod", "--reason", "1.0.1 regressed")
    #expect(automatic.status == 1, "\(automatic.stdout)\(automatic.stderr)")
    #expect(automatic.stderr.contains("1.0.0: a 1.0.0 was never pinned in staging"), "\(automatic.stderr)")
    #expect(try release.pinned("prod") == "1.0.1")
  }

  /// Rolling back twice goes further back: the second rollback does not re-pin the version the
  /// first one left.
  @Test(.timeLimit(.minutes(5))) func aRetriedRollbackDoesNotUndoTheFirst() throws {
    let release = try Release("retriedRollback", promotion: "promotion:\n  environments: [dev]\n")
    for index in 0..<3 {
      try release.release(index)
      try release.promote("1.0.\(index)", "dev")
    }
    let first = try release.run("rollback", "a", "--env", "dev", "--reason", "1.0.2 regressed", "--commit")
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
    #expect(try release.pinned("dev") == "1.0.1")

    let second = try release.run("rollback", "a", "--env", "dev", "--reason", "1.0.1 regressed too", "--commit")
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    #expect(second.stdout.contains("passed over 1.0.2: the current pin rolled back from it"), "\(second.stdout)")
    #expect(second.stdout.contains("rolled back a in dev: 1.0.1 → 1.0.0"), "\(second.stdout)")
    #expect(try release.pinned("dev") == "1.0.0")

    // Nor does naming it: going forward again is a promotion.
    let named = try release.run("rollback", "a", "--env", "dev", "--to", "1.0.1", "--reason", "retry")
    #expect(named.status == 1, "\(named.stdout)\(named.stderr)")
    #expect(named.stderr.contains("rolled back from 1.0.1"), "\(named.stderr)")
    #expect(try release.pinned("dev") == "1.0.0")
  }
}
