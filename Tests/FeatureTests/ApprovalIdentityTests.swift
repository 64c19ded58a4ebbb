import Foundation
import PromptApprovals
import TestSupport
import Testing

/// Who a reviewer is, for the gate: everyone who changed the prompt in the range (authors,
/// committers, co-authors) may not approve it, whichever of their emails they sign as; and
/// approvals signed with one key, or by one reviewer, count as one approver.
@Suite("Approvals: who changed the prompt, and who is one approver", .timeLimit(.minutes(5)))
struct ApprovalIdentityTests {
  /// A person named in a `Co-authored-by:` trailer of a commit that changed the prompt cannot
  /// approve it; the same line inside the message body (not in the trailer block) names nobody.
  @Test func aCoAuthorCannotApprove() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com")])
    try fixture.commitPromptEdit(
      "Hello {{name}}.\nYou must be polite and brief!\n",
      message: "a: exclaim\n\nCo-authored-by: Alice <alice@example.com>\n\nThe line above is prose, not a trailer.\n")
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("alice approves")
    let body = try fixture.gate()
    #expect(body.status == 0, "a Co-authored-by line outside the trailer block is no trailer: \(body.output)")

    try fixture.commitPromptEdit(
      "Hello {{name}}.\nYou must be polite and brief.\n",
      message:
        "a: calmer\n\nBack to a full stop.\n\nco-authored-by:  Alice Example <Alice@Example.com>\nSigned-off-by: Dev <dev@example.com>\n"
    )
    try #require(try fixture.approve("alice@example.com", ["--replace"]).status == 0)
    try fixture.repo.commit("alice approves again")
    let coAuthor = try fixture.gate()
    #expect(coAuthor.status == 1, "\(coAuthor.output)")
    #expect(coAuthor.rules == ["approval-self"])
    #expect(coAuthor.output.contains("alice@example.com"))
  }

  /// Whoever committed a change to the prompt (rebased, amended, cherry-picked or applied it) may
  /// have edited it while doing so, so they cannot approve it either.
  @Test func theCommitterOfAChangeCannotApprove() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("alice@example.com")
    try fixture.makeKey("bob@example.com")
    try fixture.setUp(signers: [fixture.signerLine("alice@example.com"), fixture.signerLine("bob@example.com")])
    try fixture.commitPromptEdit(
      "Hello {{name}}.\nYou must be polite and brief!\n", message: "a: exclaim\n", committer: "alice@example.com")
    try #require(try fixture.approve("bob@example.com").status == 0)
    try fixture.repo.commit("bob approves")
    #expect(try fixture.gate().status == 0)
    try #require(try fixture.approve("alice@example.com").status == 0)
    try fixture.repo.commit("alice approves")
    let gate = try fixture.gate()
    #expect(gate.status == 1, "\(gate.output)")
    #expect(gate.rules == ["approval-self"])
  }

  /// One person, two emails: work@alice.example writes the change and approves it as
  /// home@alice.example, with a key the allowed signers file lists for both (one line, two lines,
  /// or a pattern that matches the author; a negation does not narrow who holds the key).
  @Test(arguments: [
    "one line", "two lines", "pattern", "pattern with a negation",
  ])
  func aReviewerCannotApproveUnderAnotherEmailOfTheirKey(listing: String) throws {
    let fixture = try ApprovalFixture("selfByKey-\(listing)")
    try fixture.makeKey("home@alice.example")
    try fixture.makeKey("bob@example.com", type: "ecdsa")
    let alice: [String]
    switch listing {
    case "one line": alice = [fixture.signerLine("work@alice.example,home@alice.example", keyOf: "home@alice.example")]
    case "two lines":
      alice = [
        fixture.signerLine("work@alice.example", keyOf: "home@alice.example"),
        fixture.signerLine("home@alice.example", keyOf: "home@alice.example"),
      ]
    case "pattern": alice = [fixture.signerLine("*@alice.example", keyOf: "home@alice.example")]
    default: alice = [fixture.signerLine("*@alice.example,!work@alice.example", keyOf: "home@alice.example")]
    }
    try fixture.setUp(policy: ApprovalFixture.openPolicy(), signers: alice + [fixture.signerLine("bob@example.com")])
    try fixture.commitPromptEdit(
      "Hello {{name}}.\nYou must be polite and brief!\n", message: "a: exclaim\n", author: "work@alice.example")
    try #require(try fixture.approve("bob@example.com").status == 0)
    try fixture.repo.commit("bob approves")
    #expect(try fixture.gate().status == 0, "bob's approval alone passes")

    let approve = try fixture.approve("home@alice.example")
    try #require(approve.status == 0, "\(approve.stderr)")
    #expect(
      try fixture.signatureVerdicts(fixture.recordPath("home@alice.example")) == (true, true),
      "the signature itself is valid")
    try fixture.repo.commit("alice approves under her other email")
    let gate = try fixture.gate()
    #expect(gate.status == 1, "\(listing): \(gate.output)")
    #expect(gate.rules == ["approval-self"], "\(listing)")
    #expect(gate.output.contains("work@alice.example"), "the finding names the author the key also stands for")
  }

  /// One key listed under two emails is one approver: two records it signed do not make
  /// `min_approvals: 2`, and neither does a second key of the same reviewer; a second person does.
  @Test func oneKeyUnderTwoEmailsIsOneApprover() throws {
    let fixture = try ApprovalFixture()
    try fixture.makeKey("work@alice.example")
    try fixture.makeKey("alice-laptop@alice.example", type: "ecdsa")
    try fixture.makeKey("bob@example.com")
    try fixture.setUp(
      policy: ApprovalFixture.openPolicy(minApprovals: 2),
      signers: [
        fixture.signerLine("work@alice.example,home@alice.example", keyOf: "work@alice.example"),
        fixture.signerLine("home@alice.example", keyOf: "alice-laptop@alice.example"),
        fixture.signerLine("bob@example.com"),
      ])
    fixture.reviewers["home@alice.example"] = fixture.reviewers["work@alice.example"]
    try #require(try fixture.approve("work@alice.example").status == 0)
    try #require(try fixture.approve("home@alice.example").status == 0)
    try fixture.repo.commit("alice approves twice with one key")
    let oneKey = try fixture.gate()
    #expect(oneKey.status == 1, "\(oneKey.output)")
    #expect(oneKey.rules == ["approval-insufficient"])
    #expect(oneKey.output.contains("has 1 (home@alice.example = work@alice.example"), "\(oneKey.output)")

    // home@alice.example's second key: a third record, still the same person.
    let home = fixture.recordPath("home@alice.example")
    try fixture.repo.move(home, home.replacingOccurrences(of: ".yml", with: "-first-key.yml"))
    fixture.reviewers["home@alice.example"] = fixture.reviewers["alice-laptop@alice.example"]
    try #require(try fixture.approve("home@alice.example").status == 0)
    try fixture.repo.commit("alice approves with her second key too")
    let twoKeys = try fixture.gate()
    #expect(twoKeys.status == 1, "\(twoKeys.output)")
    #expect(twoKeys.rules == ["approval-insufficient"])

    try #require(try fixture.approve("bob@example.com").status == 0)
    try fixture.repo.commit("bob approves")
    let two = try fixture.gate()
    #expect(two.status == 0, "\(two.output)")
  }

  /// Where the policy accepts unsigned records there is no key to tell people apart: they are
  /// distinct by reviewer email, in any case.
  @Test func unsignedRecordsAreDistinctByReviewer() throws {
    let fixture = try ApprovalFixture()
    try fixture.setUp(
      policy: ApprovalFixture.openPolicy(minApprovals: 2).replacingOccurrences(
        of: "  policies:", with: "  require_signatures: false\n  policies:"),
      signers: [])
    let sha = try sha256OfFile(fixture.repo.path + "/prompts/a/prompt.txt")
    func unsigned(_ reviewer: String, file: String) throws {
      let record = ApprovalRecord(
        promptID: "a", version: "1.1.0", sha256: sha, environment: "merge", reviewer: reviewer, role: "prompt-owner",
        decision: .approved, reviewedAt: Date())
      try fixture.repo.write("approvals/a/\(file).yml", record.yaml)
    }
    try unsigned("alice@example.com", file: "alice")
    try unsigned("ALICE@example.com", file: "alice-again")
    try fixture.repo.commit("alice approves twice, unsigned")
    let one = try fixture.gate()
    #expect(one.status == 1, "\(one.output)")
    #expect(one.rules == ["approval-insufficient"])
    try unsigned("bob@example.com", file: "bob")
    try fixture.repo.commit("bob approves, unsigned")
    let two = try fixture.gate()
    #expect(two.status == 0, "\(two.output)")
  }
}
