import Foundation
import TestSupport
import Testing

/// `promptops eval` and the gate's eval rules, driven through the built binary in real repositories.
@Suite("eval: suites, cache, notes, shards, and the gate's eval rules", .serialized)
struct EvalCommandTests {
  static let suite = """
    description: greeting suite
    prompts: [./prompt.txt]
    providers: [echo]
    tests:
      - description: names the person
        vars: {name: Alice}
        assert:
          - type: contains
            value: Alice
          - type: not-icontains
            value: bob
            metric: tone
      - ./test-cases.json
    thresholds:
      minPassRate: 1
      minScore: 0.9

    """
  static let cases = """
    [
      {"name": "greets", "input": "Zed", "assert": [{"type": "starts-with", "value": "Hello Zed"}, {"type": "equals", "value": "Hello Zed.\\nBe polite."}]},
      {"name": "is short", "input": "Ann", "assert": [{"type": "word-count", "value": {"max": 5}}]}
    ]

    """

  /// A repository with prompts `a` (suite + test-cases.json, bound to {{input}} and {{name}}) and `b` (suite), on main.
  static func repository(_ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: "Hello {{input}}.\nBe polite.\n", version: "1.0.0", changelog: ["1.0.0"])
    // `name` is given by the inline test; the CSV-free JSON tests bind `input`.
    try repo.write(
      "prompts/a/evalsuite.yml", suite.replacingOccurrences(of: "vars: {name: Alice}", with: "vars: {input: Alice}"))
    try repo.write("prompts/a/test-cases.json", cases)
    try repo.writePrompt("b", text: "Summarise: {{text}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/b/evalsuite.yml",
      """
      providers: [echo]
      tests:
        - vars: {text: cats}
          assert: [{type: contains, value: cats}]
        - vars: {text: dogs}
          assert: [{type: icontains, value: DOGS}]

      """)
    _ = try repo.commit("prompts with suites")
    return repo
  }

  func notes(_ repo: TempRepo, _ revision: String = "HEAD") throws -> [[String: Any]] {
    let text = try repo.git("notes", "--ref", "promptops", "show", revision)
    return try text.split(separator: "\n").map { line in
      try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
  }

  func outputResults(_ path: String) throws -> [[String: Any]] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let results = try #require(document["results"] as? [String: Any])
    return try #require(results["results"] as? [[String: Any]])
  }

  @Test func evalRunsTheSuitesAndRecordsANoteOnTheCommit() async throws {
    let repo = try Self.repository()
    let result = try await repo.promptopsAsync("eval")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("PASS a 1.0.0: pass rate 100% (3/3)"))
    #expect(result.stdout.contains("PASS b 1.0.0: pass rate 100% (2/2)"))
    let records = try notes(repo)
    #expect(records.count == 2)
    // Both prompts' records arrive in one note commit, not one commit per prompt.
    #expect(
      try repo.git("rev-list", "--count", "refs/notes/promptops").trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    )
    let a = try #require(records.first { $0["prompt"] as? String == "a" })
    #expect(a["sha256"] as? String == (try sha256sum(repo.path + "/prompts/a/prompt.txt")))
    #expect(a["passed"] as? Bool == true)
    #expect(a["version"] as? String == "1.0.0")
    #expect(
      a["commit"] as? String == (try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect((a["tests"] as? [String: Any])?["total"] as? Int == 3)
  }

  @Test func aSecondIdenticalRunIsServedFromTheCacheAndNoCacheBypassesIt() async throws {
    let repo = try Self.repository()
    let out = repo.root + "/first.json"
    #expect(try await repo.promptopsAsync("eval", "--output", out).status == 0)
    let firstResults = try outputResults(out)
    #expect(firstResults.allSatisfy { ($0["response"] as? [String: Any])?["cached"] as? Bool == false })
    #expect(
      firstResults.allSatisfy {
        $0["success"] as? Bool == true && $0["score"] as? Double == 1 && $0["gradingResult"] is [String: Any]
      })
    #expect(firstResults.contains { ($0["namedScores"] as? [String: Any])?["tone"] as? Double == 1 })
    let second = repo.root + "/second.json"
    let rerun = try await repo.promptopsAsync("eval", "--output", second)
    #expect(rerun.stdout.contains("0 provider calls, 5 cached"), "\(rerun.stdout)")
    #expect(try outputResults(second).allSatisfy { ($0["response"] as? [String: Any])?["cached"] as? Bool == true })
    let bypass = try await repo.promptopsAsync("eval", "--no-cache")
    #expect(bypass.stdout.contains("5 provider calls, 0 cached"), "\(bypass.stdout)")
    // The cache lives under the git directory: one answer per test.
    #expect(try repo.evalCacheEntries().count == 5)
  }

  /// The cache holds what providers answered, never verdicts, and every entry is authenticated:
  /// turning every `false` in it into `true` by hand (a failed verdict, or a grader's
  /// `"pass": false`) neither passes the gate nor `eval`, and the grader is asked again.
  @Test(.timeLimit(.minutes(5)))
  func aVerdictFlippedByHandInTheCacheDoesNotPass() async throws {
    let repo = try TempRepo()
    let graderCalls = repo.root + "/grader-calls.log"
    try repo.writePrompt("greet", text: "Hello {{who}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/greet/grader.sh",
      "#!/bin/sh\necho call >> '\(graderCalls)'\necho '{\"reason\": \"cold\", \"pass\": false, \"score\": 0}'\n")
    try repo.write(
      "prompts/greet/evalsuite.yml",
      """
      providers: [echo]
      defaultTest:
        options:
          provider: "exec:sh ./grader.sh"
      tests:
        - description: greets by name
          vars: {who: Zed}
          assert:
            - type: contains
              value: Hello Zed
        - description: greets warmly
          vars: {who: Ann}
          assert:
            - type: llm-rubric
              value: The greeting is warm

      """)
    _ = try repo.commit("a greeting and a grader that finds it cold")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("greet", text: "Hi {{who}}.\n", version: "1.1.0", changelog: ["1.0.0", "1.1.0"])
    _ = try repo.commit("reword the greeting")
    func graderCallCount() -> Int {
      ((try? String(contentsOfFile: graderCalls, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    let (failing, _) = try await repo.gateAsync("--base", "main")
    #expect(failing.status == 1, "\(failing.stdout)")
    #expect(graderCallCount() == 1)
    var flipped = 0
    for file in try repo.evalCacheEntries() {
      let text = try String(contentsOfFile: file, encoding: .utf8)
      guard text.contains("false") else { continue }
      try text.replacingOccurrences(of: "false", with: "true").write(toFile: file, atomically: true, encoding: .utf8)
      flipped += 1
    }
    #expect(flipped > 0, "the cache holds no `false` to flip")

    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)")
    #expect(report.findings("eval-failed").compactMap { $0["prompt"] as? String } == ["greet"], "\(gate.stdout)")
    #expect(graderCallCount() == 2, "the edited grader answer was not served: the grader was asked again")
    // The gate stored the grader's real answer again; edit it once more for `eval`.
    for file in try repo.evalCacheEntries() {
      let text = try String(contentsOfFile: file, encoding: .utf8)
      try text.replacingOccurrences(of: "false", with: "true").write(toFile: file, atomically: true, encoding: .utf8)
    }
    let eval = try await repo.promptopsAsync("eval", "--no-note")
    #expect(eval.status == 1, "\(eval.stdout)")
    #expect(eval.stdout.contains("FAIL greet 1.1.0: pass rate 0% (0/2)"), "\(eval.stdout)")
    #expect(eval.stdout.contains("1 provider call, 2 cached, 1 cache entry rejected"), "\(eval.stdout)")
  }

  @Test func changingOnePromptReRunsOnlyThatPromptsTests() async throws {
    let repo = try Self.repository()
    #expect(try await repo.promptopsAsync("eval").status == 0)
    try repo.writePrompt("b", text: "Summarise briefly: {{text}}\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    _ = try repo.commit("edit b")
    let out = repo.root + "/out.json"
    let result = try await repo.promptopsAsync("eval", "--output", out)
    #expect(result.stdout.contains("2 provider calls, 3 cached"), "\(result.stdout)")
    for entry in try outputResults(out) {
      let prompt = ((entry["prompt"] as? [String: Any])?["label"] as? String) ?? ""
      let cached = (entry["response"] as? [String: Any])?["cached"] as? Bool
      #expect(cached == (prompt == "a"), "\(prompt) cached: \(String(describing: cached))")
    }
  }

  @Test func aTestFileOnlyChangeReRunsThatPromptsEvals() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("prompts/a/test-cases.json", Self.cases.replacingOccurrences(of: "\"max\": 5", with: "\"max\": 4"))
    _ = try repo.commit("tighten a test file")
    let changed = try await repo.promptopsAsync("eval", "--changed", "--base", "main")
    #expect(changed.status == 0, "\(changed.stdout)\(changed.stderr)")
    #expect(changed.stdout.contains("PASS a 1.0.0"))
    #expect(!changed.stdout.contains(" b 1.0.0"))
    // The gate runs it as well, and records a note on the head commit.
    let (gate, _) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 0, "\(gate.stdout)")
    #expect(try notes(repo).contains { $0["prompt"] as? String == "a" })
    // Widening the same bound is weakening.
    try repo.write("prompts/a/test-cases.json", Self.cases.replacingOccurrences(of: "\"max\": 5", with: "\"max\": 50"))
    _ = try repo.commit("widen a bound")
    let (widened, report) = try await repo.gateAsync("--base", "main")
    #expect(widened.status == 1)
    #expect(
      report.findings("eval-weakened").compactMap { $0["message"] as? String }.contains {
        $0.contains("word-count bounds widened")
      })
  }

  @Test func aSharedTestFileOutsideThePromptFolderCountsAsAnInput() async throws {
    let repo = try Self.repository()
    try repo.write("evals/shared.yaml", "- vars: {text: fish}\n  assert: [{type: contains, value: fish}]\n")
    try repo.write(
      "prompts/b/evalsuite.yml", "providers: [echo]\ntests:\n  - ../../evals/*.yaml\n")
    _ = try repo.commit("shared tests")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("evals/shared.yaml", "- vars: {text: fish}\n  assert: [{type: contains, value: whale}]\n")
    _ = try repo.commit("change the shared test")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1)
    let failed = report.findings("eval-failed")
    #expect(failed.count == 1)
    #expect((failed.first?["prompt"] as? String) == "b")
  }

  /// Test files named from the top of the repository, or in a subfolder of the prompt's, are
  /// inputs too; a suite that names nothing outside its folder is never read for them.
  @Test(arguments: [
    ("/evals/root.yaml", "evals/root.yaml"),
    ("./cases/local.yaml", "prompts/b/cases/local.yaml"),
  ])
  func testFilesNamedFromTheTopOrBelowThePromptCount(reference: String, file: String) async throws {
    let repo = try Self.repository()
    try repo.write(file, "- vars: {text: fish}\n  assert: [{type: contains, value: fish}]\n")
    try repo.write("prompts/b/evalsuite.yml", "providers: [echo]\ntests:\n  - \(reference)\n")
    _ = try repo.commit("tests in \(file)")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(file, "- vars: {text: fish}\n  assert: [{type: contains, value: whale}]\n")
    _ = try repo.commit("change \(file)")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)")
    #expect(report.findings("eval-failed").compactMap { $0["prompt"] as? String } == ["b"])
  }

  @Test func theGateFailsOnFailedEvalsNamingTheTests() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("a", text: "Hi {{input}}.\nBe polite.\n", version: "1.1.0", changelog: ["1.0.0", "1.1.0"])
    _ = try repo.commit("reword a")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1)
    let failed = try #require(report.findings("eval-failed").first)
    let message = failed["message"] as? String ?? ""
    #expect(message.contains("'greets'"), "\(message)")
    #expect(message.contains("pass rate 67%"), "\(message)")
    // Pointed at the failing test itself, in the test file the suite reads.
    #expect(failed["file"] as? String == "prompts/a/test-cases.json")
    #expect(failed["line"] as? Int == 2)
    let record = try #require(try notes(repo).first { $0["prompt"] as? String == "a" })
    #expect(record["passed"] as? Bool == false)
    #expect((record["failed_tests"] as? [String]) == ["greets"])
    // What failed, in the message: the check, what it expected, how the answer began.
    #expect(message.contains("`starts-with` expected \"Hello Zed\""), "\(message)")
    #expect(message.contains("the answer began \"Hi Zed."), "\(message)")
  }

  /// Every report format carries each evaluated prompt's pass rate, score and thresholds, and
  /// on a failure the test, the assertion, the expected value and the start of the answer.
  @Test func reportsCarryEvalResults() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("a", text: "Hi {{input}}.\nBe polite.\n", version: "1.1.0", changelog: ["1.0.0", "1.1.0"])
    try repo.writePrompt("b", text: "Summarise briefly: {{text}}\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    _ = try repo.commit("reword a and b")
    let (_, report) = try await repo.gateAsync("--base", "main")
    let evals = try #require(report.raw["evals"] as? [[String: Any]], "\(report.raw.keys)")
    let a = try #require(evals.first { $0["id"] as? String == "a" })
    #expect(a["passed"] as? Bool == false)
    #expect(a["tests"] as? Int == 3 && a["tests_passed"] as? Int == 2, "\(a)")
    #expect(a["min_pass_rate"] as? Double == 1 && a["min_score"] as? Double == 0.9, "\(a)")
    let failure = try #require(((a["failures"] as? [[String: Any]])?.first?["failure"]) as? [String: Any])
    #expect(failure["assertion"] as? String == "starts-with")
    #expect(failure["expected"] as? String == "Hello Zed")
    #expect((failure["answer"] as? String)?.hasPrefix("Hi Zed.") == true)
    let b = try #require(evals.first { $0["id"] as? String == "b" })
    #expect(b["passed"] as? Bool == true && b["pass_rate"] as? Double == 1, "\(b)")

    for (format, expected) in [
      ("text", "evals     b  passed: 2/2 tests passed (100%, min 100%), score 1.00 (min 0.00)"),
      ("markdown", "| `a` | 2/3 | 67% (100%) | 0.67 (0.90) | ❌ failed |"),
      ("junit", "<testcase classname=\"promptops.evals\" name=\"a\">"),
      ("sarif", "\"summary\" : \"2/3 tests passed (67%, min 100%), score 0.67 (min 0.90)\""),
    ] {
      let rendered = try await repo.promptopsAsync("gate", "--base", "main", "--format", format)
      #expect(rendered.stdout.contains(expected), "\(format): \(rendered.stdout.suffix(1500))")
    }
  }

  @Test func aProviderThatFailsMakesTheGateFailWithEvalError() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(
      "prompts/b/evalsuite.yml",
      "providers: [no-such-provider:model]\ntests:\n  - vars: {text: x}\n    assert: [{type: contains, value: x}]\n")
    _ = try repo.commit("unknown provider")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1)
    let error = try #require(report.findings("eval-error").first { $0["severity"] as? String == "error" })
    #expect((error["message"] as? String ?? "").contains("no-such-provider:model"))
    #expect(report.findings("eval-failed").isEmpty)
    // `eval` itself exits 1 too, and never reports a pass.
    let eval = try await repo.promptopsAsync("eval", "b")
    #expect(eval.status == 1)
    #expect(eval.stdout.contains("ERROR b"))
  }

  /// A var or an assertion value that YAML aliases blow up is a suite error at a line; it used
  /// to run, cut off to `null`s, and pass. The ladder's aliases run past the alias budget on its
  /// sixth line, before any value is read.
  @Test(
    .timeLimit(.minutes(5)),
    arguments: [
      (
        "    vars: {text: Alice, pad: *h}\n    assert: [{type: contains, value: Alice}]\n", 6,
        "its aliases expand it past 200000 values"
      ),
      (
        "    vars: {text: Alice}\n    assert:\n      - type: not-contains\n        value: [Bob, *h]\n", 6,
        "its aliases expand it past 200000 values"
      ),
    ])
  func aValueTooLargeToReadIsASuiteErrorAtItsLine(_ test: String, _ line: Int, _ message: String) async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("b", text: "Summarise briefly: {{text}}\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    let suite = try repo.read("prompts/b/evalsuite.yml")
    try repo.write("prompts/b/evalsuite.yml", aliasLadder + suite + "  - description: ladder\n" + test)
    _ = try repo.commit("a test with an alias ladder")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)")
    let error = try #require(
      report.findings("eval-error").first { $0["severity"] as? String == "error" }, "\(gate.stdout)")
    #expect(error["file"] as? String == "prompts/b/evalsuite.yml")
    #expect(error["line"] as? Int == line)
    #expect((error["message"] as? String ?? "").contains(message), "\(error)")
    let eval = try await repo.promptopsAsync("eval", "b")
    #expect(eval.status != 0)
    #expect(eval.stdout.contains("ERROR b") && !eval.stdout.contains("PASS b"), "\(eval.stdout)")
    #expect((eval.stdout + eval.stderr).contains("prompts/b/evalsuite.yml:\(line)"), "\(eval.stdout)\(eval.stderr)")
  }

  @Test func aMissingVariableIsAnErrorNamingTheTest() async throws {
    let repo = try Self.repository()
    try repo.write(
      "prompts/b/evalsuite.yml",
      "providers: [echo]\ntests:\n  - description: forgot text\n    vars: {other: x}\n    assert: [{type: contains, value: x}]\n"
    )
    _ = try repo.commit("bad vars")
    let result = try await repo.promptopsAsync("eval", "b")
    #expect(result.status == 1)
    #expect(result.stdout.contains("test 'forgot text' gives no value for {{text}}"), "\(result.stdout)")
  }

  @Test func weakeningTheSuiteIsReportedAgainstTheBase() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    let weakened = Self.suite
      .replacingOccurrences(of: "vars: {name: Alice}", with: "vars: {input: Alice}")
      .replacingOccurrences(of: "minPassRate: 1", with: "minPassRate: 0.5")
      .replacingOccurrences(of: "      - type: not-icontains\n        value: bob\n        metric: tone\n", with: "")
    try repo.write("prompts/a/evalsuite.yml", weakened)
    try repo.write(
      "prompts/a/test-cases.json",
      """
      [{"name": "greets", "input": "Zed", "assert": [{"type": "starts-with", "value": "Hello Zed"}, {"type": "contains", "value": "Hello Zed.\\nBe polite."}]}]
      """)
    _ = try repo.commit("weaken the suite")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1)
    let messages = report.findings("eval-weakened").compactMap { $0["message"] as? String }
    #expect(messages.contains { $0.contains("minPassRate lowered from 1.0 to 0.5") }, "\(messages)")
    #expect(messages.contains { $0.contains("test 'is short' removed") }, "\(messages)")
    #expect(messages.contains { $0.contains("`not-icontains bob` removed") }, "\(messages)")
    #expect(messages.contains { $0.contains("`equals` loosened to `contains`") }, "\(messages)")
    // The same suite edit configured as a warning does not fail the gate by itself.
    try repo.git("checkout", "-q", "main")
    try repo.write(".promptops.yml", "rules:\n  eval-weakened: warning\n")
    _ = try repo.commit("weakening is a warning here")
    try repo.git("checkout", "-q", "topic")
    try repo.git("rebase", "-q", "main")
    let (relaxed, relaxedReport) = try await repo.gateAsync("--base", "main")
    #expect(relaxed.status == 0, "\(relaxed.stdout)")
    #expect(relaxedReport.findings("eval-weakened").allSatisfy { $0["severity"] as? String == "warning" })
  }

  /// Deleting a prompt's suite drops every test it had: the gate names it even when suites are
  /// optional, and whether or not the prompt itself changed.
  @Test(arguments: [true, false])
  func deletingAPromptsSuiteIsAWeakening(editingThePrompt: Bool) async throws {
    let repo = try Self.repository("deletingAPromptsSuiteIsAWeakening-\(editingThePrompt)")
    try repo.git("checkout", "-q", "-b", "topic")
    if editingThePrompt {
      try repo.writePrompt(
        "b", text: "Summarise in one line: {{text}}\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    }
    try repo.git("rm", "-q", "prompts/b/evalsuite.yml")
    _ = try repo.commit("drop b's suite")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)")
    let weakened = report.findings("eval-weakened")
    #expect(weakened.map { $0["prompt"] as? String } == ["b"], "\(weakened)")
    #expect(weakened.first?["file"] as? String == "prompts/b/evalsuite.yml")
    #expect((weakened.first?["message"] as? String)?.contains("dropping 2 tests") == true, "\(weakened)")
  }

  @Test func aChangedPromptWithoutSuiteIsEvalMissingWhenRequired() async throws {
    let repo = try Self.repository()
    try repo.write(".promptops.yml", "evals:\n  require_suite: true\n")
    try repo.writePrompt("c", text: "No suite here\n", version: "1.0.0", changelog: ["1.0.0"])
    _ = try repo.commit("config")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("c", text: "Still no suite\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    _ = try repo.commit("edit c")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1)
    #expect(report.findings("eval-missing").map { $0["prompt"] as? String } == ["c"])
  }

  @Test func unknownSuiteKeysAreWarningsNamingFileAndLine() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(
      "prompts/b/evalsuite.yml",
      "providers: [echo]\nplugins:\n  - ./x.yml\ntests:\n  - vars: {text: x}\n    assert: [{type: contains, value: x}]\n"
    )
    _ = try repo.commit("plugins key")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    let warning = try #require(report.findings("eval-suite-warning").first)
    #expect(warning["severity"] as? String == "warning")
    #expect(warning["file"] as? String == "prompts/b/evalsuite.yml")
    #expect(warning["line"] as? Int == 2)
    #expect((warning["message"] as? String ?? "").contains("`plugins`"))
    // Removing both tests of b's suite is still weakening; the warning alone would not fail.
    #expect(gate.status == 1)
  }

  @Test func shardsMergedGiveTheSameVerdictAsOneRun() async throws {
    let repo = try Self.repository()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("a", text: "Hi {{input}}.\nBe polite.\n", version: "1.1.0", changelog: ["1.0.0", "1.1.0"])
    _ = try repo.commit("reword a")
    let whole = repo.root + "/whole.json"
    #expect(try await repo.promptopsAsync("eval", "--no-note", "--no-cache", "--output", whole).status == 1)
    let one = repo.root + "/one.json"
    let two = repo.root + "/two.json"
    let first = try await repo.promptopsAsync("eval", "--shard", "1/2", "--output", one)
    let second = try await repo.promptopsAsync("eval", "--shard", "2/2", "--output", two)
    #expect(first.stdout.contains("(shard 1/2)") && second.stdout.contains("(shard 2/2)"))
    #expect(try outputResults(one).count + (try outputResults(two).count) == 5)
    #expect(try outputResults(one).count >= 2 && (try outputResults(two).count) >= 2)
    // Shards alone record nothing; the merge records the combined verdict.
    #expect(throws: (any Error).self) { try notes(repo) }
    let merged = repo.root + "/merged.json"
    let merge = try await repo.promptopsAsync("eval", "merge", one, two, "--output", merged)
    #expect(merge.status == 1)
    func verdicts(_ path: String) throws -> [String] {
      let document = try #require(
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
      let verdicts = try #require((document["promptops"] as? [String: Any])?["verdicts"] as? [[String: Any]])
      return verdicts.map { "\($0["id"]!) \($0["passed"]!) \($0["passRate"]!) \($0["score"]!)" }
    }
    #expect(try verdicts(merged) == (try verdicts(whole)))
    #expect(try notes(repo).count == 2)
    // A missing shard is an error, never a pass.
    let partial = try await repo.promptopsAsync("eval", "merge", one, "--no-note")
    #expect(partial.status == 1)
    #expect(partial.stdout.contains("missing"))
  }

  /// One provider id twice (a model at two temperatures, say) gives two units per test, each
  /// with a key of its own: shards split them and the merge takes both.
  @Test func twoProvidersWithOneIdAreTwoUnitsThroughShardsAndMerge() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("p", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/p/evalsuite.yml",
      """
      providers:
        - id: echo
          config: {temperature: 0}
        - id: echo
          config: {temperature: 1}
      tests:
        - vars: {word: one}
          assert: [{type: contains, value: one}]

      """)
    _ = try repo.commit("one provider id twice")
    let whole = try await repo.promptopsAsync("eval", "--no-note", "--no-cache")
    #expect(whole.stdout.contains("PASS p 1.0.0: pass rate 100% (2/2)"), "\(whole.stdout)")
    let one = repo.root + "/one.json"
    let two = repo.root + "/two.json"
    // A shard alone is incomplete by design (its own verdict says so); only its output matters.
    _ = try await repo.promptopsAsync("eval", "--shard", "1/2", "--no-cache", "--output", one)
    _ = try await repo.promptopsAsync("eval", "--shard", "2/2", "--no-cache", "--output", two)
    #expect(try outputResults(one).count == 1 && (try outputResults(two).count) == 1)
    let merge = try await repo.promptopsAsync("eval", "merge", one, two, "--no-note")
    #expect(merge.status == 0, "\(merge.stdout)\(merge.stderr)")
    #expect(merge.stdout.contains("PASS p 1.0.0: pass rate 100% (2/2)"), "\(merge.stdout)")
  }

  @Test func logRecordsAreValidPromptLogsAndJUnitIsWritten() async throws {
    let repo = try Self.repository()
    let log = repo.root + "/eval.jsonl"
    let junit = repo.root + "/eval.xml"
    #expect(try await repo.promptopsAsync("eval", "--log", log, "--junit", junit).status == 0)
    let validate = try await repo.promptopsAsync("logs", "validate", log, "--schema", "prompt-log")
    #expect(validate.status == 0, "\(validate.stdout)")
    #expect(validate.stdout.contains("5 records"))
    let checker = packageRoot + "/.build-tools/venv/bin/check-jsonschema"
    if FileManager.default.isExecutableFile(atPath: checker) {
      let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
      for (index, line) in lines.enumerated() {
        let file = repo.root + "/record-\(index).json"
        try String(line).write(toFile: file, atomically: true, encoding: .utf8)
        let result = try runProcess(
          checker, ["--schemafile", packageRoot + "/schemas/prompt-log.schema.json", file], in: repo.root,
          environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
      }
    }
    let xml = try String(contentsOfFile: junit, encoding: .utf8)
    #expect(xml.contains("<testsuite name=\"a\" tests=\"3\" failures=\"0\" errors=\"0\">"))
  }

  @Test func externalModeRunsTheUsersCommandAndReadsPromptfooResults() async throws {
    let repo = try Self.repository()
    // A stand-in for `promptfoo eval -c {suite} -o {output}`: writes promptfoo's result shape.
    try repo.write(
      "tools/fake-promptfoo.sh",
      """
      #!/bin/sh
      # usage: fake-promptfoo.sh SUITE OUTPUT PROMPT
      test -f "$1" || exit 3
      case "$3" in */prompt.txt|*.prompt.md) test -f "$3" || exit 5 ;; *) echo "not the prompt text: $3" >&2; exit 4 ;; esac
      printf '{"results":{"version":3,"results":[{"success":true,"score":1,"testCase":{"description":"one"}},{"success":false,"score":0,"testCase":{"description":"two"}}]}}' > "$2"

      """)
    try repo.git("update-index", "--add", "--chmod=+x", "tools/fake-promptfoo.sh")
    try repo.write(
      ".promptops.yml",
      "evals:\n  mode: external\n  external_command: [sh, tools/fake-promptfoo.sh, \"{suite}\", \"{output}\", \"{prompt}\"]\n"
    )
    _ = try repo.commit("external evals")
    let result = try await repo.promptopsAsync("eval", "b")
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL b 1.0.0: pass rate 50% (1/2)"), "\(result.stdout)")
    #expect(result.stdout.contains("failed: two"))
    // `{prompt}` is the text file, every time, also beside a test file (`a` has test-cases.json).
    for _ in 1...4 {
      let a = try await repo.promptopsAsync("eval", "a", "--no-cache")
      #expect(a.stdout.contains("FAIL a 1.0.0: pass rate 50% (1/2)"), "\(a.stdout)\(a.stderr)")
    }
    // A single-file prompt (card in front matter) is compared with the working tree whole.
    try repo.write(
      "prompts/solo.prompt.md",
      "---\nid: solo\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: c\n---\nSolo {{text}}\n"
    )
    try repo.write(
      "prompts/solo.evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {text: x}\n    assert: [{type: contains, value: x}]\n")
    _ = try repo.commit("a single-file prompt")
    let solo = try await repo.promptopsAsync("eval", "solo")
    #expect(solo.stdout.contains("FAIL solo 1.0.0: pass rate 50% (1/2)"), "\(solo.stdout)")
    // Assertion types only the team's tool runs are its business, not a suite error.
    try repo.write(
      "prompts/b/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {text: cats}\n    assert: [{type: javascript, value: output.length > 3}]\n  - vars: {text: dogs}\n    assert: [{type: similar, value: dogs, threshold: 0.8}]\n"
    )
    _ = try repo.commit("assertions only promptfoo runs")
    let promptfooOnly = try await repo.promptopsAsync("eval", "b")
    #expect(promptfooOnly.stdout.contains("FAIL b 1.0.0: pass rate 50% (1/2)"), "\(promptfooOnly.stdout)")
    // The command reads the working tree, so it must hold the evaluated commit's files.
    try repo.write("prompts/b/prompt.txt", "Summarise, uncommitted: {{text}}\n")
    let dirty = try await repo.promptopsAsync("eval", "b")
    #expect(dirty.status != 0)
    #expect(
      dirty.stdout.contains("prompts/b/prompt.txt in the working tree differs from the evaluated commit"),
      "\(dirty.stdout)")
  }

  /// An external command that never finishes is stopped at `evals.external_timeout`, with
  /// everything it started, and the prompt's evals are an error: the gate fails closed.
  @Test func externalCommandsThatHangAreStoppedAtTheirTimeout() async throws {
    let repo = try Self.repository()
    try repo.write(
      "tools/hang.sh",
      """
      #!/bin/sh
      sleep 60 &
      echo $! > "$(dirname "$0")/../grandchild.pid"
      wait

      """)
    try repo.write(
      ".promptops.yml",
      "evals:\n  mode: external\n  external_timeout: 1.5\n  external_command: [sh, tools/hang.sh, \"{suite}\", \"{output}\"]\n"
    )
    _ = try repo.commit("external evals that hang")
    let started = Date()
    let result = try await repo.promptopsAsync("eval", "b")
    #expect(Date().timeIntervalSince(started) < 30, "the eval waited for the hung command")
    #expect(result.status == 1)
    #expect(result.stdout.contains("ERROR b"), "\(result.stdout)")
    #expect(result.stdout.contains("did not finish within 1.5 s (evals.external_timeout)"), "\(result.stdout)")
    let pidText = try repo.read("grandchild.pid").trimmingCharacters(in: .whitespacesAndNewlines)
    let pid = try #require(Int32(pidText))
    var alive = true
    for _ in 0..<100 {
      let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: ")").last?
        .split(separator: " ").first
      if state == nil || state == "Z" {
        alive = false
        break
      }
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    #expect(!alive, "the command's child \(pid) outlived the timeout")

    try repo.write(
      ".promptops.yml", "evals:\n  mode: external\n  external_timeout: 0\n  external_command: [sh, tools/hang.sh]\n")
    _ = try repo.commit("a timeout of zero")
    let refused = try await repo.promptopsAsync("eval", "b")
    #expect(refused.status == 2)
    #expect(refused.stderr.contains(".promptops.yml:3"), "\(refused.stderr)")
  }

  @Test func configuredSuitesSelectPromptsByGlobAndTheirChangesReRunThem() async throws {
    let repo = try Self.repository()
    try repo.write(".promptops.yml", "evals:\n  suites:\n    - path: evals/shared.yml\n      prompts: [\"b*\"]\n")
    try repo.write(
      "evals/shared.yml",
      "providers: [echo]\ntests:\n  - description: shared\n    vars: {text: owl}\n    assert: [{type: icontains, value: OWL}]\n"
    )
    _ = try repo.commit("shared suite for b*")
    let all = try await repo.promptopsAsync("eval")
    #expect(all.stdout.contains("PASS b 1.0.0: pass rate 100% (3/3)"), "\(all.stdout)")
    #expect(all.stdout.contains("PASS a 1.0.0: pass rate 100% (3/3)"))
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(
      "evals/shared.yml",
      "providers: [echo]\ntests:\n  - description: shared\n    vars: {text: owl}\n    assert: [{type: icontains, value: EAGLE}]\n"
    )
    _ = try repo.commit("break the shared suite")
    let changed = try await repo.promptopsAsync("eval", "--changed", "--base", "main")
    #expect(changed.status == 1)
    #expect(changed.stdout.contains("FAIL b 1.0.0"), "\(changed.stdout)")
    #expect(!changed.stdout.contains(" a 1.0.0"))
  }

  @Test func twoRunsAtOnceShareTheCacheSafely() async throws {
    let repo = try Self.repository()
    let binary = try promptopsBinary()
    let outputs = (0..<2).map { repo.root + "/run-\($0).json" }
    let processes = outputs.map { output -> Process in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binary)
      process.arguments = ["eval", "--no-note", "--output", output]
      process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
      process.environment = repo.environment
      process.standardOutput = FileHandle.nullDevice
      return process
    }
    for process in processes { try process.run() }
    for process in processes { process.waitUntilExit() }
    #expect(processes.allSatisfy { $0.terminationStatus == 0 })
    let cache = repo.path + "/.git/promptops/eval-cache"
    #expect(try repo.evalCacheEntries().count == 5)
    #expect(!(try FileManager.default.subpathsOfDirectory(atPath: cache)).contains { $0.hasSuffix(".tmp") })
    // Every entry is whole: a rerun is served from all of them, none rejected.
    let rerun = try await repo.promptopsAsync("eval", "--no-note")
    #expect(rerun.stdout.contains("0 provider calls, 5 cached\n"), "\(rerun.stdout)")

    // Two runs recording notes on the same commit at once: both records end up in the note.
    let writers = ["a", "b"].map { id -> Process in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: binary)
      process.arguments = ["eval", id]
      process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
      process.environment = repo.environment
      process.standardOutput = FileHandle.nullDevice
      return process
    }
    for process in writers { try process.run() }
    for process in writers { process.waitUntilExit() }
    let recorded = try notes(repo).compactMap { $0["prompt"] as? String }
    #expect(writers.allSatisfy { $0.terminationStatus == 0 })
    #expect(Set(recorded) == ["a", "b"], "\(recorded)")
  }

  @Test func mergeRejectsOutputsThatAreNotWholeEvalResults() async throws {
    let repo = try Self.repository()
    let cases = [
      "[",
      #"{"results": []}"#,
      #"{"promptops": {"prompts": []}, "results": {"results": [{"metadata": {"promptops": {"unit": "x", "repetition": 0, "minPass": 1e308}}}]}}"#,
    ]
    for (index, text) in cases.enumerated() {
      let file = repo.root + "/bad-\(index).json"
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      let result = try await repo.promptopsAsync("eval", "merge", file, "--no-note")
      #expect(result.status == 2, "\(text): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("bad-\(index).json"))
    }
    // The same shard twice is not a whole run either.
    let one = repo.root + "/one.json"
    _ = try await repo.promptopsAsync("eval", "--shard", "1/2", "--output", one)
    let twice = try await repo.promptopsAsync("eval", "merge", one, one, "--no-note")
    #expect(twice.status == 2)
    #expect(twice.stderr.contains("more than one output"))
  }

  /// `exec:` providers: the script is an eval input (editing only it re-runs the prompt and misses
  /// the cache), and an `exec:` grader answers `llm-rubric`.
  @Test func execProviderScriptsAreEvalInputsAndGradeRubrics() async throws {
    let repo = try TempRepo()
    let calls = repo.root + "/model-calls.log"
    try repo.writePrompt("shout", text: "hello {{who}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/shout/model.sh", "#!/bin/sh\necho call >> '\(calls)'\nprintf '%s' \"$1\" | tr a-z A-Z\n")
    try repo.write(
      "prompts/shout/grader.sh",
      "#!/bin/sh\ncase \"$1\" in *HELLO*) echo '{\"pass\": true, \"score\": 1, \"reason\": \"loud\"}' ;; *) echo '{\"pass\": false, \"score\": 0, \"reason\": \"quiet\"}' ;; esac\n"
    )
    try repo.write(
      "prompts/shout/evalsuite.yml",
      """
      providers: ["exec:sh ./model.sh"]
      defaultTest:
        options:
          provider: "exec:sh ./grader.sh"
      tests:
        - vars: {who: ann}
          assert:
            - type: contains
              value: HELLO ANN
            - type: llm-rubric
              value: The answer is shouted
        - vars: {who: bo}
          assert: [{type: llm-rubric, value: The answer is shouted}]

      """)
    _ = try repo.commit("shouting prompt")
    func callCount() -> Int {
      ((try? String(contentsOfFile: calls, encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    let first = try await repo.promptopsAsync("eval")
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
    #expect(first.stdout.contains("PASS shout 1.0.0: pass rate 100% (2/2)"))
    #expect(callCount() == 2)
    #expect(try await repo.promptopsAsync("eval").status == 0)
    #expect(callCount() == 2, "cached: the script is not run again")

    // Only the provider script changes: the prompt counts as changed and its tests run again.
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("prompts/shout/model.sh", "#!/bin/sh\necho call >> '\(calls)'\nprintf '%s' \"$1\"\n")
    _ = try repo.commit("the model stops shouting")
    let changed = try await repo.promptopsAsync("eval", "--changed", "--base", "main")
    #expect(changed.status == 1, "\(changed.stdout)")
    #expect(changed.stdout.contains("FAIL shout 1.0.0: pass rate 0% (0/2)"), "\(changed.stdout)")
    #expect(callCount() == 4)
  }

  /// A JSONL test file's tests, and their problems, are placed at their own lines.
  @Test func jsonlTestsAreNamedAndReportedAtTheirLines() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("greet", text: "Hello {{who}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/greet/evalsuite.yml", "providers: [echo]\ntests: ./cases.jsonl\n")
    try repo.write(
      "prompts/greet/cases.jsonl",
      """
      {"vars": {"who": "Ann"}, "assert": [{"type": "contains", "value": "Ann"}]}

      {"vars": {"who": "Bo"}, "assert": [{"type": "contains", "value": "Nobody"}]}
      {"vars": {"whom": "Cy"}}

      """)
    _ = try repo.commit("jsonl tests")
    let result = try await repo.promptopsAsync("eval")
    #expect(result.status != 0)
    #expect(
      result.stdout.contains(
        "prompts/greet/cases.jsonl:4: test 'test at prompts/greet/cases.jsonl:4' gives no value for {{who}}"),
      "\(result.stdout)")

    try repo.write(
      "prompts/greet/cases.jsonl",
      try repo.read("prompts/greet/cases.jsonl").replacingOccurrences(of: "\"whom\"", with: "\"who\""))
    _ = try repo.commit("every test names who")
    let failing = try await repo.promptopsAsync("eval")
    #expect(failing.stdout.contains("failed: test at prompts/greet/cases.jsonl:3"), "\(failing.stdout)")
  }

  /// Expected values are templates, as in promptfoo: `{{var}}` takes the test's value, and a
  /// variable the test does not give is an error naming the test and the assertion's line.
  @Test func assertionValuesTakeTheTestsVariables() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("greet", text: "Hello {{who}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/greet/evalsuite.yml",
      """
      providers: [echo]
      defaultTest:
        assert:
          - type: contains
            value: "Hello {{who}}"
          - type: contains-any
            value: ["{{who}}.", nobody]
      tests:
        - vars: {who: Alice}
        - vars: {who: Bob}

      """)
    _ = try repo.commit("templated expectations")
    let passing = try await repo.promptopsAsync("eval")
    #expect(passing.status == 0, "\(passing.stdout)")
    #expect(passing.stdout.contains("PASS greet 1.0.0: pass rate 100% (2/2)"), "\(passing.stdout)")

    try repo.write(
      "prompts/greet/evalsuite.yml",
      "providers: [echo]\ntests:\n  - description: greets\n    vars: {who: Alice}\n    assert:\n      - type: contains\n        value: \"{{whom}}\"\n"
    )
    _ = try repo.commit("an expectation naming a variable no test gives")
    let broken = try await repo.promptopsAsync("eval")
    #expect(broken.status != 0)
    #expect(
      broken.stdout.contains(
        "prompts/greet/evalsuite.yml:6: test 'greets' gives no value for {{whom}} used by its `contains` assertion"),
      "\(broken.stdout)")
  }

  /// An `exec:` script runs from the working tree, while results are cached and recorded under
  /// the evaluated commit's content: a working tree that holds another copy is refused, never
  /// run and filed under the commit's hashes.
  @Test func anExecScriptThatDiffersFromTheEvaluatedCommitIsRefused() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("greet", text: "Hello {{who}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/greet/model.sh", "#!/bin/sh\necho Goodbye\n")
    try repo.write(
      "prompts/greet/evalsuite.yml",
      "providers: [\"exec:sh ./model.sh\"]\ntests:\n  - vars: {who: Alice}\n    assert: [{type: contains, value: Hello}]\n"
    )
    _ = try repo.commit("a model that never greets")
    // Uncommitted: a script that passes.
    try repo.write("prompts/greet/model.sh", "#!/bin/sh\necho Hello Alice\n")
    let dirty = try await repo.promptopsAsync("eval")
    #expect(dirty.status != 0, "\(dirty.stdout)")
    #expect(
      dirty.stdout.contains("prompts/greet/model.sh in the working tree differs from the evaluated commit"),
      "\(dirty.stdout)")
    #expect(!dirty.stdout.contains("PASS"), "\(dirty.stdout)")
    // Back to the committed script: evaluated for what it is, and nothing was cached meanwhile.
    try repo.git("checkout", "--", "prompts/greet/model.sh")
    let clean = try await repo.promptopsAsync("eval")
    #expect(clean.stdout.contains("FAIL greet 1.0.0"), "\(clean.stdout)")
    #expect(clean.stdout.contains("1 provider call, 0 cached"), "\(clean.stdout)")
    // A checkout with converted line endings is the same content as git stores it.
    try repo.write(".gitattributes", "*.sh text eol=crlf\n")
    _ = try repo.commit("scripts check out with CRLF")
    try FileManager.default.removeItem(atPath: repo.path + "/prompts/greet/model.sh")
    try repo.git("checkout", "--", "prompts/greet/model.sh")
    #expect(try repo.read("prompts/greet/model.sh").contains("\r\n"))
    let converted = try await repo.promptopsAsync("eval")
    #expect(!converted.stdout.contains("differs from the evaluated commit"), "\(converted.stdout)")
    #expect(converted.stdout.contains("FAIL greet 1.0.0"), "\(converted.stdout)")
  }

  /// A script named relative to the provider's `basePath` is an eval input like one beside the
  /// suite: changing it re-runs the prompt's evals.
  @Test func aScriptUnderTheProvidersBasePathIsAnEvalInput() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("greet", text: "Hello {{who}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("tools/model.sh", "#!/bin/sh\nprintf '%s' \"$1\"\n")
    try repo.write(
      "prompts/greet/evalsuite.yml",
      """
      providers:
        - id: "exec:sh ./model.sh"
          config: {basePath: ../../tools}
      tests:
        - vars: {who: Alice}
          assert: [{type: contains, value: Hello Alice}]

      """)
    _ = try repo.commit("a model in tools/")
    #expect(try await repo.promptopsAsync("eval").stdout.contains("PASS greet 1.0.0"))
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("tools/model.sh", "#!/bin/sh\necho Goodbye\n")
    _ = try repo.commit("the model stops greeting")
    let changed = try await repo.promptopsAsync("eval", "--changed", "--base", "main")
    #expect(changed.status == 1, "\(changed.stdout)")
    #expect(changed.stdout.contains("FAIL greet 1.0.0"), "\(changed.stdout)")
    #expect(changed.stdout.contains("1 provider call, 0 cached"), "\(changed.stdout)")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1)
    #expect(report.findings("eval-failed").map { $0["prompt"] as? String } == ["greet"])
  }
}
