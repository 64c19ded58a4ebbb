import Foundation
import TestSupport
import Testing

/// A change never chooses how it is judged: every configuration a run reads comes from its base.
/// Each test here is a way an author tried to get past the gate by editing the configuration in
/// the change itself.
@Suite("trust model: the base's configuration judges a change")
struct TrustModelTests {
  static let passingSuite = """
    providers: [echo]
    tests:
      - vars: {name: Ann}
        assert:
          - type: starts-with
            value: Hello Ann
    """

  /// The version rules and the evals read prompts through one layout, the base's: a pull request
  /// that moves `prompts.roots` away from its own edit still has that edit evaluated.
  @Test func aPullRequestsOwnRootsCannotSwitchItsEvalsOff() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "version: 1\n")
    try repo.write("prompts/a/evalsuite.yml", Self.passingSuite)
    try repo.commit("configuration and a suite")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(".promptops.yml", "version: 1\nprompts:\n  roots: [nowhere]\n")
    try repo.writePrompt(
      "a", text: "Goodbye {{name}}.\nYou must be polite.\nAnswer briefly.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit("reword a, and look for prompts elsewhere")

    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(report.rules.contains("eval-failed"), "\(report.rules)")
    #expect(report.prompt("a") != nil)
  }

  /// A pull request that adopts promptops with a layout of its own is judged with the defaults,
  /// which see its unbumped edit of a prompt in the default place.
  @Test func anAdoptionPullRequestIsJudgedByTheDefaultLayout() throws {
    let repo = try TempRepo.withPrompt()
    try repo.git("checkout", "-q", "-b", "adopt")
    try repo.write(".promptops.yml", "version: 1\nprompts:\n  roots: [llm]\n")
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer at length.\n")
    try repo.commit("adopt promptops with another layout, and edit a")

    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(report.rules == ["configuration-changed", "version-not-bumped"])
    let said = try #require(report.findings("configuration-changed").first?["message"] as? String)
    #expect(said.contains("default configuration"), "\(said)")
  }

  /// A pull request is judged by its target as it stands, not as it was when the branch forked:
  /// a rule tightened since stops the gate until the branch takes it in, and is then applied.
  @Test func aBranchForkedBeforeARuleWasTightenedIsNotJudgedByTheOldRule() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "version: 1\n")
    try repo.commit("configuration")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nAnswer briefly.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit("drop a constraint, with a bump")
    try repo.git("checkout", "-q", "main")
    try repo.write(".promptops.yml", "version: 1\nrules:\n  constraint-removed: error\n")
    try repo.commit("removing a constraint is now an error")

    let stale = try repo.promptops("gate", "--base", "main", "--head", "topic")
    #expect(stale.status == 2, "\(stale.stdout)\(stale.stderr)")
    #expect(stale.stderr.contains("merge or rebase 'main'"), "\(stale.stderr)")

    try repo.git("checkout", "-q", "topic")
    try repo.git("merge", "-q", "--no-edit", "main")
    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(report.rules == ["constraint-removed"], "\(gate.stdout)")
  }

  /// Two branches that each bump a prompt from 1.0.0 to 1.0.1 with other texts would each pass
  /// against the fork point and merge cleanly into a third text under 1.0.1: once the target
  /// has changed the prompt, the other branch must take it in before the gate judges it.
  @Test func aPromptTheTargetChangedSinceTheForkIsNotJudgedAgainstTheFork() throws {
    let repo = try TempRepo.withPrompt()
    try repo.git("checkout", "-q", "-b", "first")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer briefly.\nOffer tea.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit("offer tea")
    try repo.git("checkout", "-q", "main")
    try repo.git("checkout", "-q", "-b", "second")
    try repo.writePrompt(
      "a", text: "Offer coffee.\nHello {{name}}.\nYou must be polite.\nAnswer briefly.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit("offer coffee")
    try repo.git("checkout", "-q", "main")
    try repo.git("merge", "-q", "--ff-only", "first")

    let (alone, _) = try repo.gate("--base", "main", "--head", "first")
    #expect(alone.status == 0, "\(alone.stdout)\(alone.stderr)")
    let raced = try repo.promptops("gate", "--base", "main", "--head", "second")
    #expect(raced.status == 2, "\(raced.stdout)\(raced.stderr)")
    #expect(raced.stderr.contains("'main' changed a since"), "\(raced.stderr)")

    // Taken in, the second branch's 1.0.1 is a new text under a version main already has.
    try repo.git("checkout", "-q", "second")
    try repo.git("merge", "-q", "--no-edit", "-X", "ours", "main")
    let (merged, report) = try repo.gate("--base", "main")
    #expect(merged.status == 1, "\(merged.stdout)\(merged.stderr)")
    #expect(report.rules.contains("version-not-bumped"), "\(merged.stdout)")
  }

  /// Keys too come from the target as it stands: an approval signed by a key withdrawn from the
  /// allowed signers after the branch forked does not count.
  @Test func aKeyWithdrawnAfterTheForkSignsNothingForTheBranch() throws {
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed: run `sh ci/install-deps.sh --python`")
    let repo = try TempRepo.withPrompt()
    let key = repo.root + "/alice"
    let made = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key], in: repo.root,
      environment: repo.environment)
    try #require(made.status == 0, "\(made.stderr)")
    let publicKey = try repo.read("../alice.pub").split(separator: " ").prefix(2).joined(separator: " ")
    try repo.write(".promptops/allowed_signers", "alice@example.com namespaces=\"promptops-approval\" \(publicKey)\n")
    try repo.write(
      ".promptops.yml",
      "version: 1\napprovals:\n  allowed_signers: .promptops/allowed_signers\n  policies:\n    - environments: [merge]\n"
    )
    try repo.commit("every merge needs an approval; alice's key is trusted")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer at length.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit("reword a")
    let approved = try repo.promptops(
      "approve", "a", "--env", "merge", "--role", "owner", "--key", key, "--reviewer", "alice@example.com")
    #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
    try repo.commit("alice approves a 1.0.1")
    let (before, _) = try repo.gate("--base", "main")
    #expect(before.status == 0, "the approval counts while the key is trusted: \(before.stdout)\(before.stderr)")

    try repo.git("checkout", "-q", "main")
    try repo.write(".promptops/allowed_signers", "")
    try repo.commit("withdraw alice's key")
    try repo.git("checkout", "-q", "topic")
    let (after, report) = try repo.gate("--base", "main")
    #expect(after.status == 1, "\(after.stdout)\(after.stderr)")
    #expect(report.rules.contains { $0.hasPrefix("approval-") }, "\(after.stdout)")
  }

  /// A change may not leave a configuration the next change cannot be judged by.
  @Test func aChangeThatBreaksTheConfigurationIsRefusedNamingTheLine() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "version: 1\nrules:\n  version-not-bumped: fatal\n")
    try repo.commit("a broken configuration")
    let result = try repo.promptops("check", "--base", "HEAD~1")
    #expect(result.status == 2)
    #expect(result.stderr.contains(".promptops.yml:3: invalid configuration"), "\(result.stderr)")
    #expect(result.stderr.contains("as committed in"), "\(result.stderr)")
  }

  /// Whether a change touches a file a configured suite reads is answered by reading the suite;
  /// a suite that cannot be read is taken to read everything, so its prompts are evaluated (and
  /// fail on the suite's error) instead of being left out.
  @Test func aSuiteThatCannotBeReadDoesNotHideItsPrompts() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "evals:\n  suites:\n    - path: evals/shared.yml\n      prompts: [\"a\"]\n")
    try repo.write("evals/shared.yml", "providers: [echo]\ntests: [unclosed\n")
    try repo.write("evals/cases.json", "[]\n")
    try repo.commit("a configured suite that does not parse")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("evals/cases.json", "[{\"vars\": {\"name\": \"Ann\"}}]\n")
    try repo.commit("edit a file the suite might read")

    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    let error = try #require(report.findings("eval-error").first)
    #expect(error["file"] as? String == "evals/shared.yml", "\(error)")
  }
}
