import Foundation
import TestSupport
import Testing

@Suite("promptops logs report: per-version figures and drift")
struct LogsReportTests {
  func record(
    _ id: String, _ text: String, version: String, env: String, at time: String, cost: Double, ms: Int, pass: Bool
  ) throws -> String {
    let object: [String: Any] = [
      "prompt_id": id, "version_hash": try sha256Hex(text), "version": version, "environment": env, "timestamp": time,
      "trace_id": UUID().uuidString, "model": "gpt-4o-mini", "tokens_input": 100, "tokens_output": 20, "cost_usd": cost,
      "inputs": ["q": "x"], "outputs": ["text": "y"], "duration_ms": ms, "eval_results": ["pass": pass],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  func sha256Hex(_ text: String) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-hash-\(UUID())").path
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    return try sha256sum(file)
  }

  /// Logs from two committed versions and from an edit that was never committed: the report
  /// figures each version and names the third as drift.
  @Test func driftNamesTheTextNoVersionHolds() throws {
    let repo = try TempRepo("logsDrift")
    let v1 = "Hello {{name}}.\nYou must be polite.\n"
    let v2 = "Hello {{name}}.\nYou must be polite and brief.\n"
    let hotfix = "Hello {{name}}.\nBe nice.\n"
    try repo.writePrompt("a", text: v1, version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    try repo.writePrompt("a", text: v2, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit()
    let lines = [
      try record("a", v1, version: "1.0.0", env: "prod", at: "2026-11-01T10:00:00Z", cost: 0.01, ms: 100, pass: true),
      try record("a", v1, version: "1.0.0", env: "prod", at: "2026-11-02T10:00:00Z", cost: 0.01, ms: 300, pass: false),
      try record("a", v2, version: "1.0.1", env: "prod", at: "2026-11-10T10:00:00Z", cost: 0.02, ms: 200, pass: true),
      try record(
        "a", hotfix, version: "1.0.1", env: "prod", at: "2026-11-12T09:00:00Z", cost: 0.02, ms: 250, pass: true),
      try record(
        "a", hotfix, version: "1.0.1", env: "prod", at: "2026-11-12T11:00:00+01:00", cost: 0.02, ms: 260, pass: true),
      "not json at all",
    ]
    let log = repo.root + "/prod.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)

    let result = try repo.promptops("logs", "report", log, "--format", "json")
    #expect(result.status == 1, "\(result.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(report["records"] as? Int == 5)
    #expect(report["skipped"] as? Int == 1)
    let versions = try #require(report["versions"] as? [[String: Any]])
    #expect(versions.count == 3)
    let first = try #require(versions.first { $0["version_hash"] as? String == (try? sha256Hex(v1)) })
    #expect(first["calls"] as? Int == 2)
    #expect(first["eval_pass_rate"] as? Double == 0.5)
    #expect(first["latency_p50_ms"] as? Int == 100)
    #expect(first["latency_p95_ms"] as? Int == 300)
    #expect(first["known"] as? Bool == true)
    let drift = try #require(report["drift"] as? [[String: Any]])
    #expect(drift.count == 1)
    #expect(drift.first?["rule"] as? String == "log-unknown-hash")
    #expect(drift.first?["version_hash"] as? String == (try sha256Hex(hotfix)))
    #expect(drift.first?["calls"] as? Int == 2)
    #expect(drift.first?["first_seen"] as? String == "2026-11-12T09:00:00Z")
    #expect(
      drift.first?["last_seen"] as? String == "2026-11-12T09:00:00Z"
        || drift.first?["last_seen"] as? String == "2026-11-12T11:00:00+01:00")

    // --since leaves the drift out; nothing left to flag, so it passes.
    let recent = try repo.promptops("logs", "report", log, "--since", "2026-11-03", "--format", "text")
    #expect(recent.stdout.contains("error[log-unknown-hash]"))
    let early = try repo.promptops("logs", "report", log, "--since", "2026-11-11", "--env", "staging")
    #expect(early.status == 0)
    #expect(early.stdout.contains("0 records"))
    for format in ["markdown", "html"] {
      let rendered = try repo.promptops("logs", "report", log, "--format", format)
      #expect(rendered.stdout.contains("log-unknown-hash"), "\(format)")
    }
    #expect(try repo.promptops("logs", "report", log, "--since", "yesterday").status == 64)
  }
}

/// Logs a vendor exports are not always tidy: drift is judged on every record that names its
/// prompt and text, and a report that could read nothing says so instead of passing.
@Suite("promptops logs report: records that are not whole prompt logs")
struct LogsReportPartialRecordsTests {
  @Test func aRecordMissingCostIsStillJudgedForDrift() throws {
    let repo = try TempRepo("logsPartial")
    try repo.writePrompt("a", text: "Hello.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    let unknownHash = String(repeating: "c", count: 64)
    let log = repo.root + "/prod.jsonl"
    // No timestamp, trace_id, model, tokens or cost: not a valid prompt log, but it says which
    // prompt ran which text.
    try "{\"prompt_id\": \"a\", \"version_hash\": \"\(unknownHash)\", \"environment\": \"prod\"}\n".write(
      toFile: log, atomically: true, encoding: .utf8)
    let result = try repo.promptops("logs", "report", log, "--format", "json")
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(report["skipped"] as? Int == 1)
    let drift = try #require(report["drift"] as? [[String: Any]])
    #expect(drift.first?["rule"] as? String == "log-unknown-hash")
    #expect(drift.first?["version_hash"] as? String == unknownHash)
  }

  @Test func aReportThatCouldReadNothingDoesNotPass() throws {
    let repo = try TempRepo("logsNothing")
    try repo.writePrompt("a", text: "Hello.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    let log = repo.root + "/vendor.jsonl"
    try "{\"id\": 1, \"text\": \"no prompt named\"}\nnot json\n".write(toFile: log, atomically: true, encoding: .utf8)
    let result = try repo.promptops("logs", "report", log)
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("nothing could be judged"))
  }
}

/// Drift has one severity, the exit code's: it fails `logs report` (exit 1), so every format
/// calls it an error, never a warning.
@Suite("logs report: drift is an error in every format")
struct LogsReportDriftSeverityTests {
  @Test(.timeLimit(.minutes(5))) func driftIsAnErrorEverywhere() throws {
    let (repo, log) = try SharedReportOptionsTests.repository("driftSeverity", drift: true)
    let text = try repo.promptops("logs", "report", log)
    #expect(text.status == 1, "\(text.stderr)")
    #expect(text.stdout.contains("error[log-unknown-hash]"), "\(text.stdout)")
    #expect(!text.stdout.lowercased().contains("warning"), "\(text.stdout)")
    let json = try repo.promptops("logs", "report", log, "--format", "json")
    #expect(json.status == 1)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let drift = try #require(report["drift"] as? [[String: Any]])
    #expect(drift.count == 1)
    #expect(drift.allSatisfy { $0["severity"] as? String == "error" }, "\(json.stdout)")
    #expect(drift.first?["first_seen"] as? String == "2026-11-01T10:00:00Z")
    let markdown = try repo.promptops("logs", "report", log, "--format", "markdown")
    #expect(markdown.status == 1)
    #expect(markdown.stdout.contains("❌ **log-unknown-hash**"), "\(markdown.stdout)")
    // No drift: exit 0, and nothing called an error.
    let (clean, cleanLog) = try SharedReportOptionsTests.repository("driftSeverityClean")
    let passed = try clean.promptops("logs", "report", cleanLog, "--format", "json")
    #expect(passed.status == 0, "\(passed.stderr)")
    #expect(!passed.stdout.contains("\"error\""), "\(passed.stdout)")
  }
}
