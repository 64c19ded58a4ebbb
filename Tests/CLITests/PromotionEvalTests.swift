import Foundation
import TestSupport
import Testing

/// Promotion runs the evals an environment requires itself (the cache answering what it already
/// knows), rollback re-runs the target's evals past the cache, and recorded notes are history,
/// never evidence: through the binary, with a provider whose calls the test counts.
@Suite("promote and rollback: evals run at promotion, notes are history")
struct PromotionEvalTests {
  /// A provider that answers with the prompt and appends one line per call to $CALLS_FILE.
  static let provider = """
    import os, sys
    with open(os.environ["CALLS_FILE"], "a") as calls:
        calls.write("call\\n")
    print(sys.argv[1])

    """

  static func suite(expecting text: String) -> String {
    """
    prompts: [./prompt.txt]
    providers: ["exec:python3 ./answer.py"]
    tests:
      - description: greets by name
        vars: {name: Ada}
        assert:
          - type: contains
            value: "\(text)"

    """
  }

  @Test func promotionNeedsPassingEvalsAndRollbackRerunsThem() throws {
    let repo = try TempRepo("promoteEvals")
    let calls = repo.root + "/calls.txt"
    let env = ["CALLS_FILE": calls]
    func callCount() -> Int {
      ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").count
    }
    try repo.write(
      ".promptops.yml",
      """
      version: 1
      promotion:
        environments:
          - name: staging
            requires_evals: true
          - name: prod
            requires_evals: true

      """)
    try repo.write("prompts/a/answer.py", Self.provider)
    try repo.write("prompts/a/evalsuite.yml", Self.suite(expecting: "Hello Ada"))

    // Two good versions, each promoted to staging and prod. The first is promoted before any
    // `promptops eval`: the promotion runs its evals itself and records them as a note.
    let texts = ["Hello {{name}}.\n", "Hello {{name}}, welcome.\n"]
    for (index, version) in ["1.0.0", "1.0.1"].enumerated() {
      try repo.writePrompt("a", text: texts[index], version: version, changelog: Array(["1.0.0", "1.0.1"][0...index]))
      let commit = try repo.commit("a \(version)")
      if index == 1 {
        let eval = try repo.promptops("eval", "a", environment: env)
        #expect(eval.status == 0, "\(eval.stdout)\(eval.stderr)")
      }
      let callsBefore = callCount()
      for environment in ["staging", "prod"] {
        let promoted = try repo.promptops("promote", "a", "--env", environment, "--commit", environment: env)
        #expect(promoted.status == 0, "\(version) → \(environment): \(promoted.stdout)\(promoted.stderr)")
        #expect(promoted.stdout.contains("evals: passed: run at promotion: 1/1 passed"), "\(promoted.stdout)")
      }
      // Cached answers are reused: one call for the version promoted without an eval first, none
      // for the one `promptops eval` had already run.
      #expect(callCount() == callsBefore + (index == 0 ? 1 : 0), "version \(version)")
      let note = try repo.git("notes", "--ref", "promptops", "show", commit)
      #expect(note.contains("\"passed\":true"), "the run is recorded as a note: \(note)")
    }
    let tag = try repo.git("tag", "-l", "--format=%(contents)", "prompt/a/v1.0.1")
    #expect(
      tag.contains("evals: run at promotion: 1/1 passed"), "the release tag says the evals ran at promotion: \(tag)")

    // A version whose evals fail is never promoted.
    try repo.writePrompt("a", text: "Goodbye {{name}}.\n", version: "1.0.2", changelog: ["1.0.0", "1.0.1", "1.0.2"])
    try repo.commit("a 1.0.2")
    let failing = try repo.promptops("eval", "a", environment: env)
    #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
    let refused = try repo.promptops("promote", "a", "--env", "staging", environment: env)
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("[eval-failed]"), "\(refused.stderr)")

    // Rollback of prod goes back to 1.0.0 and runs its evals again, past the cache.
    let callsBefore = callCount()
    let rollback = try repo.promptops(
      "rollback", "a", "--env", "prod", "--reason", "1.0.1 confuses users", environment: env)
    #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
    #expect(callCount() == callsBefore + 1, "rollback must call the provider again")
    let lock = try #require(
      try JSONSerialization.jsonObject(with: Data(try repo.read("promptops.lock").utf8)) as? [String: Any])
    let prod = try #require((lock["environments"] as? [String: Any])?["prod"] as? [String: Any])
    #expect((prod["a"] as? [String: Any])?["version"] as? String == "1.0.0")
    let audit = try repo.read("audit/promptops-audit.jsonl")
    #expect(audit.contains("\"rollback\"") && audit.contains("1.0.1 confuses users"))
    #expect(audit.contains("re-run now"), "the audit records the revalidation: \(audit)")
  }

  /// A provider whose answer is the text of $ANSWER_FILE: a model that changes its mind.
  static let flakyProvider = """
    import os
    print(open(os.environ["ANSWER_FILE"]).read())

    """

  /// A flaky model fails, passes, fails again: the last evaluation is the newest record, so
  /// history reports the failure and a promotion that requires evals is refused.
  @Test(.timeLimit(.minutes(5))) func theNewestEvaluationDecidesAfterFailPassFail() throws {
    let repo = try TempRepo("newestEvalDecides")
    let answer = repo.root + "/answer.txt"
    let env = ["ANSWER_FILE": answer]
    try repo.write(
      ".promptops.yml", "version: 1\npromotion:\n  environments:\n    - name: prod\n      requires_evals: true\n")
    try repo.write("prompts/a/answer.py", Self.flakyProvider)
    try repo.write("prompts/a/evalsuite.yml", Self.suite(expecting: "Hello Ada"))
    try repo.writePrompt("a", text: "Hello {{name}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    let commit = try repo.commit("a 1.0.0")

    for (index, reply) in ["Goodbye", "Hello Ada", "Goodbye"].enumerated() {
      // Records are ordered by their timestamps, to the second.
      if index > 0 { Thread.sleep(forTimeInterval: 1.1) }
      try reply.write(toFile: answer, atomically: true, encoding: .utf8)
      let eval = try repo.promptops("eval", "a", "--no-cache", environment: env)
      #expect(eval.status == (reply == "Goodbye" ? 1 : 0), "\(reply): \(eval.stdout)\(eval.stderr)")
    }
    // git reads the note: one record per evaluation, the failure last.
    let note = try repo.git("notes", "--ref", "promptops", "show", commit)
    let verdicts = try note.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["passed"] as? Bool
    }
    #expect(verdicts == [false, true, false], "\(note)")

    let history = try #require(
      try JSONSerialization.jsonObject(with: Data(try repo.promptops("history", "a", "--format", "json").stdout.utf8))
        as? [String: Any])
    let evals = try #require((history["versions"] as? [[String: Any]])?.first?["evals"] as? [String: Any])
    #expect(evals["status"] as? String == "failed", "\(evals)")

    let promoted = try repo.promptops("promote", "a", "--env", "prod", environment: env)
    #expect(promoted.status == 1, "\(promoted.stdout)\(promoted.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/promptops.lock"))
  }

  /// A note written by hand (`git notes add`) claiming a pass for failing content: where the
  /// environment requires evals, promotion runs them and refuses; the note stays history.
  @Test(.timeLimit(.minutes(5))) func aHandWrittenPassingNotePromotesNothing() throws {
    let repo = try TempRepo("handWrittenNote")
    let calls = repo.root + "/calls.txt"
    let env = ["CALLS_FILE": calls]
    try repo.write(
      ".promptops.yml",
      "version: 1\npromotion:\n  environments:\n    - staging\n    - name: prod\n      requires_evals: true\n")
    try repo.write("prompts/a/answer.py", Self.provider)
    try repo.write("prompts/a/evalsuite.yml", Self.suite(expecting: "Hello Ada"))
    let text = "Goodbye {{name}}.\n"
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"])
    let commit = try repo.commit("a 1.0.0, whose evals fail")
    let textFile = repo.root + "/text.txt"
    try text.write(toFile: textFile, atomically: true, encoding: .utf8)
    let sha256 = try sha256sum(textFile)
    let forged = """
      {"commit":"\(commit)","errors":[],"failed_tests":[],"inputs_sha256":"\(String(repeating: "0", count: 64))","min_pass_rate":1,\
      "min_score":0,"pass_rate":1,"passed":true,"prompt":"a","score":1,"sha256":"\(sha256)","suites":["prompts/a/evalsuite.yml"],\
      "tests":{"errors":0,"failed":0,"passed":1,"total":1},"timestamp":"2099-01-01T00:00:00Z","type":"eval","version":"1.0.0"}
      """
    try repo.git("notes", "--ref", "promptops", "add", "-m", forged, commit)
    #expect(try repo.promptops("promote", "a", "--env", "staging", environment: env).status == 0)

    let refused = try repo.promptops("promote", "a", "--env", "prod", environment: env)
    #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
    #expect(refused.stderr.contains("[eval-failed]") && refused.stderr.contains("0/1 passed"), "\(refused.stderr)")
    #expect(
      ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").count == 1,
      "the promotion ran the evals")
    let lock = try #require(
      try JSONSerialization.jsonObject(with: Data(try repo.read("promptops.lock").utf8)) as? [String: Any])
    #expect((lock["environments"] as? [String: Any])?["prod"] == nil)
    // The promotion's run is recorded beside the forged note; history shows notes as unverified.
    let note = try repo.git("notes", "--ref", "promptops", "show", commit)
    #expect(note.contains("\"passed\":false"), "\(note)")
    let history = try repo.promptops("history", "a", "--format", "json")
    let versions =
      try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])["versions"]
      as? [[String: Any]]
    let evals = try #require(versions?.first?["evals"] as? [String: Any])
    #expect(evals["source"] as? String == "recorded" && evals["verified"] as? Bool == false, "\(evals)")
    #expect(try repo.promptops("history", "a").stdout.contains("evals     recorded (unverified) "))
  }

  /// Where evals are not required, promotion neither runs them nor lets a recorded failure
  /// decide: it warns and proceeds, and the tag says no evals ran.
  @Test(.timeLimit(.minutes(5))) func aRecordedFailureWarnsWhereEvalsAreNotRequired() throws {
    let repo = try TempRepo("recordedFailureWarns")
    let calls = repo.root + "/calls.txt"
    let env = ["CALLS_FILE": calls]
    func callCount() -> Int {
      ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").count
    }
    try repo.write(".promptops.yml", "version: 1\npromotion:\n  environments: [staging, prod]\n")
    try repo.write("prompts/a/answer.py", Self.provider)
    try repo.write("prompts/a/evalsuite.yml", Self.suite(expecting: "Hello Ada"))
    try repo.writePrompt("a", text: "Goodbye {{name}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("a 1.0.0")
    #expect(try repo.promptops("eval", "a", environment: env).status == 1)
    #expect(callCount() == 1)

    let promoted = try repo.promptops("promote", "a", "--env", "staging", environment: env)
    #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
    #expect(
      promoted.stderr.contains("warning: the newest eval result recorded for a 1.0.0 failed"), "\(promoted.stderr)")
    #expect(
      promoted.stdout.contains("evals: none: not run at promotion (staging does not require evals)"),
      "\(promoted.stdout)")
    #expect(callCount() == 1, "no evals run where none are required")
    let tag = try repo.git("tag", "-l", "--format=%(contents)", "prompt/a/v1.0.0")
    #expect(tag.contains("evals: not run at promotion (staging does not require evals)"), "\(tag)")
  }
}
