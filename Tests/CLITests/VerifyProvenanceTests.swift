import Foundation
import TestSupport
import Testing

/// `verify` accepts a pin only when what a promotion leaves behind agrees with it: the release
/// tag on the pinned commit recording the pinned hash, an audit event, and with enforce_order a
/// pin in the previous environment. Real repositories, real git, the real binary.
@Suite("verify: a pin no promotion made is a pin-mismatch")
struct VerifyProvenanceTests {
  /// The 1-based line of `"a":` in the `"prod"` block of the lock file's text, found here
  /// independently of the code under test.
  func line(ofPromptIn environment: String, _ text: String) throws -> Int {
    let lines = text.components(separatedBy: "\n")
    let block = try #require(
      lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\"\(environment)\"") })
    let pin = try #require(lines[block...].firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\"a\"") })
    return pin + 1
  }

  func pinMismatches(_ result: ProcessResult) throws -> [String] {
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
      "\(result.stdout)\(result.stderr)")
    let findings = try #require(report["findings"] as? [[String: Any]])
    return findings.filter { $0["rule"] as? String == "pin-mismatch" }.compactMap { $0["message"] as? String }
  }

  func tagMessage(version: String, sha256: String) -> String {
    "promptops release a \(version)\n\nid: a\nversion: \(version)\nsha256: \(sha256)\npath: prompts/a/prompt.txt\nevals: none\napprovers: none\n"
  }

  @Test(.timeLimit(.minutes(5))) func aHandEditedPinFailsUntilEveryPartOfAPromotionAgrees() throws {
    let (repo, commits) = try PromotionTests.threeVersions("verifyProvenance")
    for environment in ["staging", "prod"] {
      let promoted = try repo.promptops("promote", "a", "--env", environment, "--version", "1.0.0", "--commit")
      try #require(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
    }
    #expect(try repo.promptops("verify").status == 0)
    // The committed audit log counts when the working file lost its lines.
    let audit = try repo.read("audit/promptops-audit.jsonl")
    try repo.write("audit/promptops-audit.jsonl", "")
    let fromHead = try repo.promptops("verify")
    #expect(fromHead.status == 0, "\(fromHead.stdout)\(fromHead.stderr)")
    try repo.write("audit/promptops-audit.jsonl", audit)

    // Pin 1.0.2 in prod by hand: its real commit, path and hash, so content and card agree.
    let v3File = repo.root + "/v3.txt"
    try Data(try repo.git("show", "\(commits[2]):prompts/a/prompt.txt").utf8).write(to: URL(fileURLWithPath: v3File))
    let v3Hash = try sha256sum(v3File)
    var lock = try #require(
      try JSONSerialization.jsonObject(with: Data(try repo.read("promptops.lock").utf8)) as? [String: Any])
    var environments = try #require(lock["environments"] as? [String: Any])
    var prod = try #require(environments["prod"] as? [String: Any])
    var pin = try #require(prod["a"] as? [String: Any])
    pin["version"] = "1.0.2"
    pin["sha256"] = v3Hash
    pin["commit"] = commits[2]
    prod["a"] = pin
    environments["prod"] = prod
    lock["environments"] = environments
    let edited =
      String(
        decoding: try JSONSerialization.data(
          withJSONObject: lock, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]), as: UTF8.self) + "\n"
    try repo.write("promptops.lock", edited)
    let line = try line(ofPromptIn: "prod", edited)

    let forged = try repo.promptops("verify", "--format", "json")
    #expect(forged.status == 1, "\(forged.stdout)\(forged.stderr)")
    let all = try pinMismatches(forged)
    #expect(all.count == 3, "\(all)")
    #expect(all.contains { $0.hasPrefix("prod: a 1.0.2: it has no release tag prompt/a/v1.0.2") }, "\(all)")
    #expect(all.contains { $0.contains("never pinned in staging") }, "\(all)")
    #expect(all.contains { $0.contains("no promote or rollback event in audit/promptops-audit.jsonl") }, "\(all)")
    let text = try repo.promptops("verify")
    #expect(text.status == 1)
    #expect(
      text.stdout.contains(
        "promptops.lock:\(line): error[pin-mismatch] prod: a 1.0.2: it has no release tag prompt/a/v1.0.2"),
      "\(text.stdout)")

    // A hand-made tag that records the right content settles the tag, nothing else.
    try repo.git("tag", "-a", "prompt/a/v1.0.2", "-m", tagMessage(version: "1.0.2", sha256: v3Hash), commits[2])
    let tagged = try pinMismatches(try repo.promptops("verify", "--format", "json"))
    #expect(tagged.count == 2 && !tagged.contains { $0.contains("release tag") }, "\(tagged)")

    // A hand-written audit event settles the audit log.
    let event = """
      {"at":"2026-11-25T10:00:00Z","by":"Mallory <m@example.com>","environment":"prod","event":"promote","prompt_id":"a",\
      "to":{"commit":"\(commits[2])","sha256":"\(v3Hash)","version":"1.0.2"}}

      """
    try repo.write("audit/promptops-audit.jsonl", audit + event)
    let audited = try pinMismatches(try repo.promptops("verify", "--format", "json"))
    #expect(audited.count == 1 && audited[0].contains("never pinned in staging"), "\(audited)")

    // Staging having had it settles the order: every part of a promotion now agrees.
    let staged = try repo.promptops("promote", "a", "--env", "staging", "--version", "1.0.2")
    #expect(staged.status == 0, "\(staged.stdout)\(staged.stderr)")
    let passed = try repo.promptops("verify")
    #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")

    // A release tag on the pinned commit that records other content is no promotion's tag.
    let zero = String(repeating: "0", count: 64)
    try repo.git("tag", "-f", "-a", "prompt/a/v1.0.2", "-m", tagMessage(version: "1.0.2", sha256: zero), commits[2])
    let retagged = try pinMismatches(try repo.promptops("verify", "--format", "json"))
    #expect(retagged.count == 2, "one for staging, one for prod: \(retagged)")
    #expect(
      retagged.allSatisfy { $0.contains("its release tag prompt/a/v1.0.2 records a with sha256 \(zero)") },
      "\(retagged)")
  }
}
