import Foundation
import TestSupport
import Testing

/// What a pull request cannot undo by editing its own head: a reviewer's rejection it deletes,
/// and a policy tag it drops from the card.
@Suite("Approvals: rejections and tags across the range", .timeLimit(.minutes(5)))
struct ApprovalRangeTests {
  /// Deleting a rejection record in the pull request does not remove the rejection: it stands
  /// until the content changes or the same reviewer approves it later. A rejection that does not
  /// verify (an untrusted key) never stood.
  @Test func aDeletedRejectionStillStands() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    try fixture.makeKey("carol@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    try fixture.writeSignedRecord("carol@example.com", decision: .rejected, notes: "Untrusted.")
    try fixture.repo.commit("carol, whose key is not trusted, rejects")
    try #require(
      try fixture.approve("bob@example.com", ["--decision", "changes-requested", "--note", "Too terse."]).status == 0)
    try fixture.repo.commit("bob requests changes")
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("alice approves")
    try fixture.repo.remove(fixture.recordPath("carol@example.com"))
    try fixture.repo.commit("drop carol's record")
    #expect(try fixture.gate().rules == ["approval-rejected"])

    try fixture.repo.remove(fixture.recordPath("bob@example.com"))
    try fixture.repo.commit("drop bob's review")
    let deleted = try fixture.gate()
    #expect(deleted.status == 1, "\(deleted.output)")
    #expect(deleted.rules == ["approval-rejected"], "\(deleted.output)")
    #expect(deleted.output.contains("Too terse."))
    #expect(deleted.output.contains("bob@example.com"))

    try #require(try fixture.approve("bob@example.com").status == 0)
    try fixture.repo.commit("bob approves after all")
    let approved = try fixture.gate()
    #expect(approved.status == 0, "\(approved.output)")
  }

  /// A reviewer's rejection at the head stands even when an approval of theirs the change
  /// removed is dated later (a clock that was off): a removed approval lifts nothing.
  @Test func aRemovedApprovalDoesNotLiftARejection() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    try #require(try fixture.approve("alice@example.com").status == 0)
    try #require(try fixture.approve("bob@example.com").status == 0)
    try fixture.repo.commit("alice and bob approve")
    #expect(try fixture.gate().status == 0)
    try fixture.writeSignedRecord(
      "bob@example.com", decision: .rejected, reviewedAt: Date().addingTimeInterval(-3600), notes: "On reflection, no.")
    #expect(try fixture.signatureVerdicts(fixture.recordPath("bob@example.com")) == (true, true))
    try fixture.repo.commit("bob rejects, his clock an hour behind")
    let gate = try fixture.gate()
    #expect(gate.status == 1, "\(gate.output)")
    #expect(gate.rules == ["approval-rejected"])
    #expect(gate.output.contains("On reflection, no."))
  }

  /// A rejection is of exactly the content it names: once the prompt changes, a rejection of the
  /// earlier content that was removed no longer stands.
  @Test func aRejectionOfEarlierContentDoesNotStand() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    try #require(try fixture.approve("bob@example.com", ["--decision", "rejected", "--note", "No."]).status == 0)
    try fixture.repo.commit("bob rejects")
    try fixture.repo.remove(fixture.recordPath("bob@example.com"))
    try fixture.commitPromptEdit(
      "Hello {{name}}.\nYou must be polite, brief and kind.\n", message: "a: kinder, as bob asked\n")
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("alice approves the new content")
    let gate = try fixture.gate()
    #expect(gate.status == 0, "\(gate.output)")
  }

  /// A policy that selects by tag applies when the base card or the head card carries the tag:
  /// dropping `high-risk` in the pull request does not lower the bar it is judged by.
  @Test func droppingAPolicyTagDoesNotLowerTheBar() throws {
    let policy = """
      version: 1
      approvals:
        allowed_signers: .promptops/allowed_signers
        policies:
          - environments: [merge]
            tags: [high-risk]

      """
    let dropped = try ApprovalFixture("droppedTag")
    try dropped.makeKey("alice@example.com")
    try dropped.setUp(
      policy: policy, signers: [dropped.signerLine("alice@example.com")], baseCard: "tags: [high-risk]\n",
      headCard: "tags: [chat]\n")
    let gate = try dropped.gate()
    #expect(gate.status == 1, "\(gate.output)")
    #expect(gate.rules == ["approval-missing"])
    try #require(try dropped.approve("alice@example.com").status == 0)
    try dropped.repo.commit("alice approves")
    #expect(try dropped.gate().status == 0)

    // Neither side tagged: nothing to approve; tagged only at the head: approval needed.
    let untagged = try ApprovalFixture("untagged")
    try untagged.makeKey("alice@example.com")
    try untagged.setUp(policy: policy, signers: [untagged.signerLine("alice@example.com")], baseCard: "tags: [chat]\n")
    #expect(try untagged.gate().status == 0)
    let added = try ApprovalFixture("addedTag")
    try added.makeKey("alice@example.com")
    try added.setUp(policy: policy, signers: [added.signerLine("alice@example.com")], headCard: "tags: [high-risk]\n")
    #expect(try added.gate().rules == ["approval-missing"])
  }

  /// Renaming a prompt's id (folder and card) is a deletion and an addition: the added prompt is
  /// still held to the policy that selected the deleted id, and to the deleted card's tags.
  @Test func renamingTheIdDoesNotLeaveItsPolicy() throws {
    let policy = """
      version: 1
      approvals:
        allowed_signers: .promptops/allowed_signers
        policies:
          - environments: [merge]
            prompts: ["a"]

      """
    let renamed = try ApprovalFixture("renamedID")
    try renamed.makeKey("alice@example.com")
    try renamed.setUp(policy: policy, signers: [renamed.signerLine("alice@example.com")])
    try renamed.repo.remove("prompts/a")
    try renamed.repo.writePrompt(
      "b", text: "Hello {{name}}.\nYou may be rude.\n", version: "1.0.0", changelog: ["1.0.0"])
    try renamed.repo.commit("a is now b")
    let gate = try renamed.gate()
    #expect(gate.status == 1, "\(gate.output)")
    #expect(gate.rules.contains("approval-missing"), "\(gate.rules)")
    try #require(try renamed.approve("alice@example.com", id: "b").status == 0)
    try renamed.repo.commit("alice approves b")
    let approved = try renamed.gate()
    #expect(approved.status == 0, "\(approved.output)")
  }
}
