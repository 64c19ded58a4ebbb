import Foundation
import TestSupport
import Testing

@testable import PromptApprovals
@testable import PromptModel

/// The formats approvals read: allowed signers lines, the `approvals:` policy, and the record.
@Suite("Approvals: allowed signers, policy and record parsing")
struct ApprovalParsingTests {
  static let edKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPIiKP+E7lZQIqx5V23jdjIFsNV6ia91FoJPmF5dQRRM"

  @Test func allowedSignersLinesReadAsSSHKeygenReadsThem() throws {
    let text = """
      # comment

      alice@example.com \(Self.edKey) alice's laptop
      "*@example.com,!mallory@example.com" namespaces="promptops-approval,file",valid-after="20260101Z",valid-before="202612312359Z" \(Self.edKey)
      """
    // A hardware key and a 1,024-bit RSA key, as a file shared with git's commit signing may hold.
    let hardware =
      "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAAAABHNzaDo="
    let shortRSA =
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDww=="
    let signers = try AllowedSigners(
      text + "\ncarol@example.com \(hardware)\ndan@example.com \(shortRSA)\n", file: "allowed_signers")
    #expect(signers.entries.count == 2)
    #expect(signers.unsupportedLines.map(\.line) == [5, 6])
    #expect(signers.unsupportedLines.map(\.type) == ["sk-ssh-ed25519@openssh.com", "ssh-rsa (1024 bits)"])
    #expect(signers.entries[0].line == 3 && signers.entries[1].line == 4)
    let key = signers.entries[0].key
    let inside = ISO8601DateFormatter().date(from: "2026-06-01T00:00:00Z")!
    #expect(
      try signers.authorize(key: key, principal: "alice@example.com", namespace: "anything", at: inside).get().line == 3
    )
    #expect(
      try signers.authorize(key: key, principal: "bob@example.com", namespace: "promptops-approval", at: inside).get()
        .line == 4)
    let before = ISO8601DateFormatter().date(from: "2025-12-31T23:59:59Z")!
    let after = ISO8601DateFormatter().date(from: "2027-01-01T00:00:00Z")!
    let lastMinute = ISO8601DateFormatter().date(from: "2026-12-31T23:59:00Z")!
    #expect(
      try signers.authorize(key: key, principal: "bob@example.com", namespace: "promptops-approval", at: lastMinute)
        .get().line == 4)
    #expect(throws: ApprovalError.notYetValid(principal: "bob@example.com", line: 4)) {
      try signers.authorize(key: key, principal: "bob@example.com", namespace: "promptops-approval", at: before).get()
    }
    #expect(throws: ApprovalError.expired(principal: "bob@example.com", line: 4)) {
      try signers.authorize(key: key, principal: "bob@example.com", namespace: "promptops-approval", at: after).get()
    }
    #expect(throws: ApprovalError.namespaceNotAllowed(principal: "bob@example.com", namespace: "git", line: 4)) {
      try signers.authorize(key: key, principal: "bob@example.com", namespace: "git", at: inside).get()
    }
    // The negated pattern vetoes, whatever else matches.
    #expect(throws: ApprovalError.self) {
      try signers.authorize(key: key, principal: "mallory@example.com", namespace: "promptops-approval", at: inside)
        .get()
    }
  }

  @Test(arguments: [
    ("alice@example.com cert-authority \(edKey)", 1, "cert-authority"),
    ("alice@example.com\n\nbob@example.com \(edKey)", 1, "no key"),
    ("# ok\nalice@example.com valid-before=\"2026-01-01\" \(edKey)", 2, "valid-before"),
    ("alice@example.com ssh-ed25519 !!!", 1, "base64"),
    ("alice@example.com frobnicate \(edKey)", 1, "unknown option"),
  ])
  func malformedAllowedSignersNameTheLine(text: String, line: Int, words: String) throws {
    do {
      _ = try AllowedSigners(text, file: ".promptops/allowed_signers")
      Issue.record("accepted: \(text)")
    } catch let error as PromptOpsError {
      #expect(error.description.hasPrefix(".promptops/allowed_signers:\(line):"), "\(error)")
      #expect(error.description.contains(words), "\(error)")
    }
  }

  @Test func patternListsFollowOpenSSH() {
    #expect(PatternList.matches("alice@example.com", "*@example.com"))
    #expect(PatternList.matches("alice@example.com", "bob@x.org,alice@*"))
    #expect(!PatternList.matches("alice@example.com", "*@example.com,!alice@*"))
    #expect(PatternList.matches("a1", "a?"))
    #expect(!PatternList.matches("a12", "a?"))
    #expect(!PatternList.matches("Alice@example.com", "alice@example.com"))
  }

  @Test func thePolicyParsesAndCombinesItsEntries() throws {
    let config = try Configuration.parse(
      """
      approvals:
        directory: ./reviews/
        allowed_signers: .promptops/allowed_signers
        require_signatures: false
        reviewers:
          alice@example.com: [owner]
          bob@example.com: security
        policies:
          - environments: [merge]
          - prompts: ["support-*"]
            tags: [high-risk]
            environments: [merge, prod]
            roles: [security]
            min_approvals: 2
      """)
    let policy = config.approvals
    #expect(policy.directory == "reviews")
    #expect(policy.requireSignatures == false)
    #expect(policy.roles(of: "BOB@example.com") == ["security"])
    #expect(policy.roles(of: "carol@example.com") == [])
    #expect(
      policy.requirement(for: "support-agent", tags: ["high-risk"], environment: "merge")
        == .init(roles: ["security"], minApprovals: 2))
    #expect(
      policy.requirement(for: "support-agent", tags: [], environment: "merge") == .init(roles: [], minApprovals: 1))
    #expect(policy.requirement(for: "billing", tags: ["high-risk"], environment: "prod") == nil)
    #expect(
      policy.requirement(for: "support-agent", tags: ["high-risk"], environment: "prod")
        == .init(roles: ["security"], minApprovals: 2))
  }

  @Test(arguments: [
    ("approvals:\n  policies:\n    - roles: [x]\n", 3, "environments"),
    ("approvals:\n  reviewers:\n    alice: [x]\n", 3, "email"),
    ("approvals:\n  allowed_signers: ../keys\n", 2, "inside the repository"),
    ("approvals:\n  policies:\n    - environments: [merge]\n      min_approvals: 0\n", 4, "min_approvals"),
    ("approvals:\n  signers: x\n", 2, "unknown key `approvals.signers`"),
  ])
  func policyErrorsNameTheLine(text: String, line: Int, words: String) throws {
    do {
      _ = try Configuration.parse(text)
      Issue.record("accepted: \(text)")
    } catch let error as PromptOpsError {
      #expect(error.description.hasPrefix(".promptops.yml:\(line):"), "\(error)")
      #expect(error.description.contains(words), "\(error)")
    }
  }

  @Test func recordsRoundTripAndReadStrictly() throws {
    let record = ApprovalRecord(
      promptID: "a", version: "1.0", sha256: String(repeating: "ab", count: 32), environment: "merge",
      reviewer: "a@example.com",
      role: "owner", decision: .changesRequested, reviewedAt: ApprovalRecord.parseTimestamp("2026-02-03T04:05:06Z")!,
      checklist: [.evalsPassed: true], notes: "Line one\n\"quoted\"\ttab \u{7f} é")
    let parsed = try ApprovalRecord.parse(record.yaml, file: "r.yml")
    #expect(parsed == record)
    // Characters YAML does not allow raw in a double-quoted scalar come back unchanged too.
    var awkward = record
    awkward.notes = "nel \u{85} ls \u{2028} bom \u{FEFF} bs \u{08} ff \u{0C} soh \u{01} c1 \u{9F}"
    #expect(try ApprovalRecord.parse(awkward.yaml, file: "r.yml") == awkward)
    #expect(parsed.canonicalBytes == record.canonicalBytes)
    let canonical = String(decoding: record.canonicalBytes, as: UTF8.self)
    #expect(canonical.hasPrefix(#"{"checklist":{"cost_within_limits":false,"evals_passed":true,"#))
    #expect(
      canonical.contains(
        #""notes":"Line one\n\"quoted\"\ttab \#u{7f} é","prompt_id":"a","reviewed_at":"2026-02-03T04:05:06Z""#))
    // Canonical bytes parse as JSON with the same values: an independent reading.
    let json = try JSONSerialization.jsonObject(with: Data(record.canonicalBytes)) as? [String: Any]
    #expect(json?["notes"] as? String == record.notes)
    #expect(json?["decision"] as? String == "changes-requested")

    for (text, words) in [
      (record.yaml + "extra: 1\n", "unknown field `extra`"),
      (record.yaml.replacingOccurrences(of: "2026-02-03T04:05:06Z", with: "2026-02-03 04:05:06"), "reviewed_at"),
      (record.yaml.replacingOccurrences(of: "changes-requested", with: "ok"), "decision"),
      (record.yaml.replacingOccurrences(of: "evals_passed: true", with: "evals_passed: yes"), "true or false"),
      (record.yaml.replacingOccurrences(of: "role: \"owner\"\n", with: ""), "missing field `role`"),
    ] {
      #expect(throws: ApprovalError.self) { try ApprovalRecord.parse(text, file: "r.yml") }
      do { _ = try ApprovalRecord.parse(text, file: "r.yml") } catch {
        #expect(error.description.contains(words), "\(error)")
      }
    }
  }

  /// Timestamps convert by arithmetic; Foundation's ISO 8601 formatter is the oracle.
  @Test func utcTimestampsAgreeWithFoundation() throws {
    var random = SplitMix64(state: 0xA11CE)
    let formatter = ISO8601DateFormatter()
    for _ in 0..<2_000 {
      let date = Date(
        timeIntervalSince1970: TimeInterval(Int64.random(in: -2_000_000_000...8_000_000_000, using: &random)))
      let text = ApprovalRecord.formatTimestamp(date)
      #expect(text == formatter.string(from: date))
      #expect(ApprovalRecord.parseTimestamp(text) == date)
    }
    #expect(ApprovalRecord.parseTimestamp("2026-02-29T00:00:00Z") == nil)
    #expect(ApprovalRecord.parseTimestamp("2024-02-29T00:00:00Z") != nil)
    #expect(ApprovalRecord.parseTimestamp("2026-01-01T24:00:00Z") == nil)
    let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
    let utc = try #require(TimeZone(identifier: "UTC"))
    // Local times are standard time, as ssh-keygen's mktime(tm_isdst = 0) reads them.
    #expect(AllowedSigners.timestamp("20260701", timeZone: berlin) == formatter.date(from: "2026-06-30T23:00:00Z"))
    #expect(AllowedSigners.timestamp("20260101", timeZone: berlin) == formatter.date(from: "2025-12-31T23:00:00Z"))
    #expect(AllowedSigners.timestamp("202601011230Z", timeZone: berlin) == formatter.date(from: "2026-01-01T12:30:00Z"))
    #expect(AllowedSigners.timestamp("20260101123005", timeZone: utc) == formatter.date(from: "2026-01-01T12:30:05Z"))
    #expect(AllowedSigners.timestamp("2026010", timeZone: utc) == nil)
    #expect(AllowedSigners.timestamp("20261301", timeZone: utc) == nil)
  }

  /// The example configuration holds the approval policy examples/demo.sh relies on: the default
  /// records folder and signatures, its allowed signers, one reviewer, one approval for prod.
  @Test func theExampleConfigurationHoldsTheDemoApprovalPolicy() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let text = try String(contentsOf: root.appendingPathComponent("examples/.promptops.yml"), encoding: .utf8)
    #expect(text.contains("\napprovals:\n"))
    var expected = ApprovalPolicy()
    expected.allowedSigners = ".promptops/allowed_signers"
    expected.reviewers = ["rita.reviewer@example.com": ["prompt-owner"]]
    expected.policies = [ApprovalPolicy.Entry(environments: ["prod"], roles: ["prompt-owner"])]
    #expect(try Configuration.parse(text).approvals == expected)
  }
}
