import Foundation
import TestSupport
import Testing

@Suite("promptops logs report: versions never pinned in their environment")
struct PromotionDriftTests {
  func record(_ id: String, _ hash: String, version: String, env: String, at time: String) throws -> String {
    let object: [String: Any] = [
      "prompt_id": id, "version_hash": hash, "version": version, "environment": env, "timestamp": time,
      "trace_id": UUID().uuidString, "model": "gpt-4o-mini", "tokens_input": 100, "tokens_output": 20, "cost_usd": 0.01,
      "inputs": ["q": "x"], "outputs": ["text": "y"],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  /// Logs from the promoted version and from a later, committed but never promoted edit: the
  /// report names the second as log-unpinned-hash (it is a known version, so not unknown).
  @Test func anEditNeverPromotedIsUnpinnedDrift() throws {
    let repo = try TempRepo("promotionDrift")
    try repo.write(".promptops.yml", "version: 1\npromotion:\n  environments: [staging, prod]\n")
    let promoted = "Hello {{name}}.\nYou must be polite.\n"
    let edited = "Hello {{name}}.\nYou must be polite and quick.\n"
    try repo.writePrompt("a", text: promoted, version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    #expect(try repo.promptops("promote", "a", "--env", "staging", "--commit").status == 0)
    #expect(try repo.promptops("promote", "a", "--env", "prod", "--commit").status == 0)
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit()
    let promotedHash = try #require(
      try repo.git("show", "prompt/a/v1.0.0").split(separator: "\n")
        .first { $0.hasPrefix("sha256: ") }.map { String($0.dropFirst(8)) })
    let editedFile = repo.root + "/edited.txt"
    try edited.write(toFile: editedFile, atomically: true, encoding: .utf8)
    let editedHash = try sha256sum(editedFile)

    let lines = [
      try record("a", promotedHash, version: "1.0.0", env: "prod", at: "2026-11-01T10:00:00Z"),
      try record("a", editedHash, version: "1.0.1", env: "prod", at: "2026-11-03T10:00:00Z"),
      try record("a", editedHash, version: "1.0.1", env: "prod", at: "2026-11-02T10:00:00Z"),
      try record("a", editedHash, version: "1.0.1", env: "prod", at: "2026-11-04T10:00:00Z"),
      // No lock entry ever covered this environment: it is not judged.
      try record("a", editedHash, version: "1.0.1", env: "dev", at: "2026-11-04T10:00:00Z"),
    ]
    let log = repo.root + "/prod.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)

    let result = try repo.promptops("logs", "report", log, "--format", "json")
    #expect(result.status == 1, "\(result.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let drift = try #require(report["drift"] as? [[String: Any]])
    #expect(drift.count == 1, "\(drift)")
    let finding = try #require(drift.first)
    #expect(finding["rule"] as? String == "log-unpinned-hash")
    #expect(finding["version_hash"] as? String == editedHash)
    #expect(finding["environment"] as? String == "prod")
    #expect(finding["calls"] as? Int == 3)
    #expect(finding["first_seen"] as? String == "2026-11-02T10:00:00Z")
    #expect(finding["last_seen"] as? String == "2026-11-04T10:00:00Z")
    #expect((finding["message"] as? String ?? "").contains("version 1.0.1"))

    let text = try repo.promptops("logs", "report", log)
    #expect(text.stdout.contains("error[log-unpinned-hash] 3 calls of 'a' in prod ran version 1.0.1"))

    // Promote the edit through staging to prod: the same logs are no longer drift.
    #expect(try repo.promptops("promote", "a", "--env", "staging").status == 0)
    #expect(try repo.promptops("promote", "a", "--env", "prod").status == 0)
    let clean = try repo.promptops("logs", "report", log)
    #expect(clean.status == 0, "\(clean.stdout)")
    #expect(!clean.stdout.contains("log-unpinned-hash"))
  }
}
