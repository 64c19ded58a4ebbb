import Foundation
import TestSupport
import Testing

/// `--format`, `--output FILE` and `--verbose` mean the same for every command that reports:
/// `eval`, `logs report` and `logs validate` as `check` and `gate`. A report file goes into a
/// folder made for it; one that cannot be written never hides the verdict: the verdict is
/// printed, the error named, and the exit code is the verdict's (1) or, for a pass, 2.
@Suite("shared report options: --format, --output, --verbose")
struct SharedReportOptionsTests {
  static let text = "Hello {{name}}.\nYou must be polite.\n"

  /// A repository with prompt `a` at 1.0.0 and a prompt log of it, in `prod`: one record of
  /// the committed text and, with `drift`, one of a text no version holds.
  static func repository(_ name: String, drift: Bool = false) throws -> (TempRepo, String) {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    var lines = [try record(text)]
    if drift { lines.append(try record("Hello {{name}}.\nBe nice.\n")) }
    let log = repo.root + "/prod.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
    return (repo, log)
  }

  static func record(_ text: String) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-hash-\(UUID())").path
    try text.write(toFile: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: file) }
    let object: [String: Any] = [
      "prompt_id": "a", "version_hash": try sha256sum(file), "version": "1.0.0", "environment": "prod",
      "timestamp": "2026-11-01T10:00:00Z", "trace_id": UUID().uuidString, "model": "gpt-4o-mini", "tokens_input": 100,
      "tokens_output": 20, "cost_usd": 0.01, "inputs": ["q": "x"], "outputs": ["text": "y"], "duration_ms": 100,
      "eval_results": ["pass": true],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }

  func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

  func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
  }

  // MARK: - logs validate

  @Test(.timeLimit(.minutes(5))) func logsValidateTakesTheSharedOptions() throws {
    let (repo, log) = try Self.repository("sharedValidate")
    let result = try repo.promptops(
      "logs", "validate", log, "--format", "json", "--output", "reports/new/v.json", "--output", "text:reports/v.out",
      "--verbose")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(try json(result.stdout)["valid"] as? Bool == true)
    #expect(try json(try read(repo.path + "/reports/new/v.json"))["valid"] as? Bool == true)
    #expect(
      try read(repo.path + "/reports/v.out") == "valid: 1 record in 1 file (1 prompt logs, 0 agent traces), 0 invalid\n"
    )
    #expect(result.stderr.contains("promptops: 1 records in 1 files read in"), "\(result.stderr)")

    // An invalid record: the files say so too, and the exit code is the verdict's.
    try "{\"prompt_id\": \"a\"}\n".write(toFile: repo.path + "/bad.jsonl", atomically: true, encoding: .utf8)
    let bad = try repo.promptops("logs", "validate", "bad.jsonl", "--output", "reports/bad.txt")
    #expect(bad.status == 1, "\(bad.stderr)")
    let written = try read(repo.path + "/reports/bad.txt")
    #expect(written.hasPrefix("bad.jsonl:1: error: "), "\(written)")
    #expect(written.hasSuffix(", 1 invalid\n"), "\(written)")
    #expect(written == bad.stdout)
  }

  @Test(.timeLimit(.minutes(5))) func logsValidateRefusesAFormatItCannotWrite() throws {
    let (repo, log) = try Self.repository("sharedValidateUsage")
    #expect(try repo.promptops("logs", "validate", log, "--output", "v.sarif").status == 64)
    #expect(try repo.promptops("logs", "validate", log, "--format", "html").status == 64)
  }

  // MARK: - logs report

  @Test(.timeLimit(.minutes(5))) func logsReportTakesTheSharedOptions() throws {
    let (repo, log) = try Self.repository("sharedReport", drift: true)
    let result = try repo.promptops(
      "logs", "report", log, "--output", "out/deeper/r.md", "--output", "out/r.html", "--output", "out/r.json",
      "--verbose")
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("error[log-unknown-hash]"), "\(result.stdout)")
    #expect(try read(repo.path + "/out/deeper/r.md").hasPrefix("## Prompt versions in the logs"))
    #expect(try read(repo.path + "/out/r.html").hasPrefix("<!DOCTYPE html>"))
    let drift = try #require(try json(try read(repo.path + "/out/r.json"))["drift"] as? [[String: Any]])
    #expect(drift.map { $0["rule"] as? String } == ["log-unknown-hash"])
    #expect(result.stderr.contains("promptops: 2 records (0 skipped) in 1 files"), "\(result.stderr)")
    // Without --verbose, nothing on standard error.
    let quiet = try repo.promptops("logs", "report", log)
    #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
  }

  // MARK: - eval

  @Test(.timeLimit(.minutes(5))) func evalTakesTheSharedOptions() throws {
    let repo = try EvalCommandTests.repository("sharedEval")
    let result = try repo.promptops(
      "eval", "b", "--no-note", "--format", "json", "--output", "out/new/r.xml", "--output", "out/r.txt", "--output",
      "out/r.json",
      "--verbose")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    // Standard output is promptfoo's result shape, and only that.
    let document = try json(result.stdout)
    #expect(document["results"] != nil, "\(result.stdout)")
    #expect(try json(try read(repo.path + "/out/r.json"))["results"] != nil)
    #expect(try read(repo.path + "/out/new/r.xml").contains("<testsuites"))
    let text = try read(repo.path + "/out/r.txt")
    #expect(text.hasPrefix("PASS b 1.0.0: pass rate 100% (2/2)"), "\(text)")
    #expect(text.contains("provider call"), "\(text)")
    #expect(result.stderr.contains("promptops: 1 prompts, 2 tests, "), "\(result.stderr)")
  }

  // MARK: - A report file that cannot be written

  /// `blocker` is a file, so no folder can be made under it: each command prints its verdict,
  /// names the file it could not write, and exits 2 when it passed, 1 when it failed.
  @Test(.timeLimit(.minutes(5))) func aFileThatCannotBeWrittenNeverHidesTheVerdict() throws {
    let (repo, log) = try Self.repository("sharedUnwritable")
    try repo.write("blocker", "a file, not a folder\n")
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {name: Ann}\n    assert: [{type: contains, value: Ann}]\n")
    try repo.commit("a suite")
    try "{\"prompt_id\": \"a\"}\n".write(toFile: repo.path + "/bad.jsonl", atomically: true, encoding: .utf8)
    let target = "blocker/report.json"
    let cases: [(arguments: [String], verdict: String, status: Int32)] = [
      (["logs", "validate", log], "valid: 1 record", 2),
      (["logs", "validate", "bad.jsonl"], "invalid: 1 record", 1),
      (["logs", "report", log], "no drift", 2),
      (["eval", "a", "--no-note"], "PASS a 1.0.0", 2),
      (["check", "--all"], "passed", 2),
    ]
    for (arguments, verdict, status) in cases {
      let result = try runProcess(
        try promptopsBinary(), arguments + ["--output", target], in: repo.path, environment: repo.environment)
      #expect(result.status == status, "\(arguments): \(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains(verdict), "\(arguments): \(result.stdout)")
      #expect(result.stderr.contains("promptops: error: cannot write \(target)"), "\(arguments): \(result.stderr)")
    }
  }
}
