import Foundation
import TestSupport
import Testing

/// `eval-weakened` for changes that make a suite easier to pass without touching a threshold or a
/// test: another grader, an edited provider or grader script, weights that let an assertion count
/// for less. Each arrives in the same change as a prompt edit, whose evals then pass.
@Suite("gate: suite weakenings beyond thresholds and tests")
struct EvalWeakeningTests {
  /// Graders that fail and pass everything, as promptfoo's `{pass, score, reason}`.
  static let strictGrader = "#!/bin/sh\necho '{\"reason\": \"not good enough\", \"pass\": false, \"score\": 0}'\n"
  static let lenientGrader = "#!/bin/sh\necho '{\"reason\": \"fine\", \"pass\": true, \"score\": 1}'\n"

  /// A repository with prompt `a` and `suite` on main, then branch `topic` with `a` reworded
  /// (still passing its deterministic tests) and the suite as `weakened`.
  func gate(
    suite: String, weakened: String, files: [String: String] = [:], changedFiles: [String: String] = [:],
    _ name: String = #function
  )
    async throws -> (ProcessResult, JSONReport)
  {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/a/strict.sh", Self.strictGrader)
    try repo.write("prompts/a/lenient.sh", Self.lenientGrader)
    for (path, text) in files { try repo.write(path, text) }
    try repo.write("prompts/a/evalsuite.yml", suite)
    _ = try repo.commit("prompt a and its suite")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("a", text: "Please say {{word}}.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.write("prompts/a/evalsuite.yml", weakened)
    for (path, text) in changedFiles { try repo.write(path, text) }
    _ = try repo.commit("reword a, and make its suite easier to pass")
    return try await repo.gateAsync("--base", "main")
  }

  func expectWeakened(
    _ result: (ProcessResult, JSONReport), file: String, line: Int, saying parts: [String],
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let (gate, report) = result
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)", sourceLocation: sourceLocation)
    // The weakened suite passes: nothing but the weakening stops the change.
    #expect(Set(report.rules) == ["eval-weakened"], "\(gate.stdout)", sourceLocation: sourceLocation)
    let finding = report.findings("eval-weakened").first
    #expect(finding?["file"] as? String == file, "\(gate.stdout)", sourceLocation: sourceLocation)
    #expect(finding?["line"] as? Int == line, "\(gate.stdout)", sourceLocation: sourceLocation)
    let message = finding?["message"] as? String ?? ""
    for part in parts { #expect(message.contains(part), "\(message)", sourceLocation: sourceLocation) }
  }

  /// Who grades is part of the bar: the suite's, a test's or an assertion's grader swapped for
  /// one that passes more is a weakening, reported at the line of the change.
  @Test(.timeLimit(.minutes(5)), arguments: ["defaultTest", "test", "assertion"])
  func swappingTheGraderIsAWeakening(level: String) async throws {
    let test = """
        - description: greets
          vars: {word: hello}
          assert:
            - type: contains
              value: hello
            - type: llm-rubric
              value: The answer is a warm greeting

      """
    let suite: String
    let weakened: String
    let line: Int
    let message: String
    switch level {
    case "defaultTest":
      suite = "providers: [echo]\ndefaultTest:\n  options:\n    provider: \"exec:sh ./strict.sh\"\ntests:\n" + test
      weakened = suite.replacingOccurrences(of: "./strict.sh", with: "./lenient.sh")
      (line, message) = (
        4,
        "the suite's grader (defaultTest.options.provider) changed from 'exec:sh ./strict.sh' to 'exec:sh ./lenient.sh'"
      )
    case "test":
      let header = "providers: [echo]\ndefaultTest:\n  options:\n    provider: \"exec:sh ./lenient.sh\"\ntests:\n"
      suite =
        header
        + test.replacingOccurrences(
          of: "    assert:\n", with: "    options:\n      provider: \"exec:sh ./strict.sh\"\n    assert:\n")
      weakened = header + test
      (line, message) = (
        6, "test 'greets': its grader (options.provider) changed from 'exec:sh ./strict.sh' to 'exec:sh ./lenient.sh'"
      )
    default:
      let header = "providers: [echo]\ndefaultTest:\n  options:\n    provider: \"exec:sh ./lenient.sh\"\ntests:\n"
      suite = header + test + "        provider: \"exec:sh ./strict.sh\"\n"
      weakened = header + test
      (line, message) = (
        11,
        "test 'greets': the grader of `llm-rubric The answer is a warm greeting` changed from 'exec:sh ./strict.sh' to 'exec:sh ./lenient.sh'"
      )
    }
    let result = try await gate(suite: suite, weakened: weakened, "swappingTheGrader-\(level)")
    expectWeakened(result, file: "prompts/a/evalsuite.yml", line: line, saying: [message, "restore it"])
  }

  /// A script a provider or grader runs, rewritten to print what passes, is a weakening reported
  /// at the script; the same script left alone is not.
  @Test(.timeLimit(.minutes(5)), arguments: ["model", "grader"])
  func editingAProviderOrGraderScriptIsAWeakening(script: String) async throws {
    let suite = """
      providers: ["exec:sh ./model.sh"]
      defaultTest:
        options:
          provider: "exec:sh ../../tools/grader.sh"
      tests:
        - vars: {word: hello}
          assert:
            - type: contains
              value: Hello
            - type: llm-rubric
              value: The answer greets warmly

      """
    let model = "#!/bin/sh\nprintf 'Hello: %s' \"$1\"\n"
    let files = ["prompts/a/model.sh": model, "tools/grader.sh": Self.strictGrader]
    let path = script == "model" ? "prompts/a/model.sh" : "tools/grader.sh"
    let rewritten = script == "model" ? "#!/bin/sh\necho 'Hello, warmly'\n" : Self.lenientGrader
    let changed: [String: String] =
      script == "model" ? [path: rewritten, "tools/grader.sh": Self.lenientGrader] : [path: rewritten]
    let result = try await gate(
      suite: suite, weakened: suite, files: files, changedFiles: changed, "editingAScript-\(script)")
    expectWeakened(
      result, file: path, line: 1,
      saying: ["provider script \(path), run by prompts/a/evalsuite.yml, changed", "restore it"])
    if script == "model" {
      #expect(result.1.findings("eval-weakened").count == 2, "both scripts changed: \(result.0.stdout)")
    }
  }

  /// The grader `.promptops.yml` configures (`evals.grader`) judges every suite that names none:
  /// its script edited in the change is a weakening like a suite's own grader script, and the
  /// answers cached under the old script are not reused.
  @Test(.timeLimit(.minutes(5))) func editingTheConfiguredGradersScriptIsAWeakening() async throws {
    let repo = try TempRepo("configuredGraderScript")
    try repo.write(".promptops.yml", "version: 1\nevals:\n  grader: \"exec:sh ../../tools/grader.sh\"\n")
    try repo.write("tools/grader.sh", Self.strictGrader)
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {word: hello}\n    assert:\n      - type: llm-rubric\n        value: The answer greets warmly\n"
    )
    _ = try repo.commit("prompt a, its suite and a strict grader")
    let strict = try await repo.promptopsAsync("eval", "a")
    #expect(strict.status == 1, "the strict grader fails the test: \(strict.stdout)\(strict.stderr)")

    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("a", text: "Please say {{word}}.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.write("tools/grader.sh", Self.lenientGrader)
    _ = try repo.commit("reword a, and make the grader pass everything")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    let finding = report.findings("eval-weakened").first
    #expect(finding?["file"] as? String == "tools/grader.sh", "\(gate.stdout)")
    #expect((finding?["message"] as? String ?? "").contains("tools/grader.sh"), "\(gate.stdout)")
    // The lenient script's verdict is what the head's eval sees, not a cached strict or stale one.
    let lenient = try await repo.promptopsAsync("eval", "a")
    #expect(lenient.status == 0, "the edited script grades: \(lenient.stdout)\(lenient.stderr)")
  }

  /// A provider kept under its label that now runs another script (a new path, or the same
  /// command in another `basePath`) is a swap, not an edit of its config.
  @Test(.timeLimit(.minutes(5)), arguments: ["path", "basePath"])
  func aProviderKeptByNameThatRunsAnotherScriptIsAWeakening(change: String) async throws {
    let suite = """
      providers:
        - id: "exec:sh ./model.sh"
          label: model
          config: {basePath: ../../tools}
      tests:
        - vars: {word: hello}
          assert: [{type: equals, value: "Please say hello."}]

      """
    let files = [
      "tools/model.sh": "#!/bin/sh\necho Goodbye\n", "fake/model.sh": "#!/bin/sh\necho 'Please say hello.'\n",
    ]
    let weakened =
      change == "path"
      ? suite.replacingOccurrences(of: "./model.sh", with: "../fake/model.sh")
      : suite.replacingOccurrences(of: "../../tools", with: "../../fake")
    let result = try await gate(suite: suite, weakened: weakened, files: files, "anotherScript-\(change)")
    let expected =
      change == "path"
      ? "provider 'model' now runs 'exec:sh ../fake/model.sh' in ../../tools instead of 'exec:sh ./model.sh' in ../../tools"
      : "provider 'model' now runs 'exec:sh ./model.sh' in ../../fake instead of 'exec:sh ./model.sh' in ../../tools"
    expectWeakened(result, file: "prompts/a/evalsuite.yml", line: 1, saying: [expected, "restore it"])
  }

  /// The model under test is part of the bar: kept under its label but another model (here the
  /// echo stand-in, which passes anything that repeats the prompt), the same model with another
  /// config (an `apiBaseUrl` of one's own), or another provider added beside it, whose passes
  /// dilute its failures in the pass rate.
  @Test(.timeLimit(.minutes(5)), arguments: ["id", "config", "added"])
  func anotherModelUnderTheSameNameOrBesideItIsAWeakening(change: String) async throws {
    let model = "#!/bin/sh\necho Goodbye\n"
    let suite: String
    let weakened: String
    let expected: String
    switch change {
    case "id":
      // The base's suite is only read, never run: its model needs no server here.
      suite = "providers:\n  - {id: \"openai:chat:gpt-4o-mini\", label: model}\n"
      weakened = "providers:\n  - {id: echo, label: model}\n"
      expected = "provider 'model' is now 'echo' instead of 'openai:chat:gpt-4o-mini'"
    case "config":
      suite = "providers:\n  - {id: echo, label: model, config: {temperature: 0}}\n"
      weakened = "providers:\n  - {id: echo, label: model, config: {temperature: 1}}\n"
      expected = "provider 'model' changed its config"
    default:
      suite = "thresholds: {minPassRate: 0.5}\nproviders:\n  - {id: \"exec:sh ./model.sh\", label: model}\n"
      weakened = suite + "  - echo\n"
      expected = "provider 'echo' added"
    }
    let tests = "tests:\n  - vars: {word: hello}\n    assert: [{type: equals, value: \"Please say hello.\"}]\n"
    let result = try await gate(
      suite: suite + tests, weakened: weakened + tests, files: ["prompts/a/model.sh": model], "anotherModel-\(change)")
    expectWeakened(result, file: "prompts/a/evalsuite.yml", line: 1, saying: [expected])
  }

  /// A prompt moved to another folder, or to a single file, in the change that deletes its suite
  /// still answers to that suite: the move does not take the bar away.
  @Test(.timeLimit(.minutes(5)), arguments: ["folder", "single file"])
  func aPromptMovedAwayFromTheSuiteItDeletesIsAWeakening(to place: String) async throws {
    let repo = try TempRepo("movedFromSuite-\(place)")
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {word: hello}\n    assert: [{type: equals, value: Say hello.}]\n")
    _ = try repo.commit("prompt a and its suite")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.remove("prompts/a")
    if place == "folder" {
      try repo.write("prompts/team/a/prompt.txt", "Please say {{word}}.\n")
      try repo.write(
        "prompts/team/a/prompt-card.yml",
        "id: a\ndescription: d\nversion: 1.0.1\nchangelog:\n  - version: 1.0.0\n    changes: x\n"
          + "  - version: 1.0.1\n    changes: y\n")
    } else {
      try repo.write(
        "prompts/a.prompt.md",
        "---\nid: a\ndescription: d\nversion: 1.0.1\nchangelog:\n  - version: 1.0.0\n    changes: x\n"
          + "  - version: 1.0.1\n    changes: y\n---\nPlease say {{word}}.\n")
    }
    _ = try repo.commit("move a away from its suite, and reword it")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(report.rules.contains("eval-weakened"), "\(gate.stdout)")
    let message = report.findings("eval-weakened").first?["message"] as? String ?? ""
    #expect(message.contains("suite prompts/a/evalsuite.yml no longer applies to 'a'"), "\(message)")
  }

  /// Weight 0 makes an assertion score only: without any threshold, the one that failed the
  /// test no longer can.
  @Test(.timeLimit(.minutes(5)))
  func anAssertionWeightedToZeroWithoutAThresholdIsAWeakening() async throws {
    let suite = """
      providers: [echo]
      tests:
        - vars: {word: hello}
          assert:
            - {type: contains, value: hello}
            - {type: not-contains, value: Please}

      """
    let weakened = suite.replacingOccurrences(of: "value: Please}", with: "value: Please, weight: 0}")
    let result = try await gate(suite: suite, weakened: weakened)
    expectWeakened(result, file: "prompts/a/evalsuite.yml", line: 6, saying: ["weight lowered from 1 to 0"])
  }

  /// Under a threshold the score decides: an assertion's weight lowered (to 0 too), another's
  /// raised, or assertions added beside it all let an answer that fails it pass.
  @Test(.timeLimit(.minutes(5)), arguments: ["lowered", "zero", "raised", "added"])
  func weightsThatLetAnAssertionCountForLessAreAWeakening(change: String) async throws {
    func suite(failing: Double, passing: Double, extra: String = "") -> String {
      """
      providers: [echo]
      tests:
        - description: scored
          vars: {word: hello}
          threshold: 0.5
          assert:
            - type: contains
              value: goodbye
              weight: \(failing)
            - type: contains
              value: hello
              weight: \(passing)
      \(extra)
      """
    }
    let base = suite(failing: 3, passing: 1)
    let weakened: String
    let line: Int
    let message: String
    switch change {
    case "lowered":
      weakened = suite(failing: 1, passing: 1)
      (line, message) = (
        7,
        "`contains goodbye` weight lowered from 3 to 1, so `contains goodbye` counts for 50% of the score instead of 75%"
      )
    case "zero":
      weakened = suite(failing: 0, passing: 1)
      (line, message) = (
        7,
        "`contains goodbye` weight lowered from 3 to 0, so `contains goodbye` counts for 0% of the score instead of 75%"
      )
    case "raised":
      weakened = suite(failing: 3, passing: 3)
      (line, message) = (
        10,
        "`contains hello` weight raised from 1 to 3, so `contains goodbye` counts for 50% of the score instead of 75%"
      )
    default:
      weakened = suite(
        failing: 3, passing: 1,
        extra: "      - type: contains\n        value: Please\n      - type: icontains\n        value: SAY\n")
      (line, message) = (
        13, "2 assertions added, so `contains goodbye` (and 1 more) counts for 50% of the score instead of 75%"
      )
    }
    let result = try await gate(suite: base, weakened: weakened, "weights-\(change)")
    expectWeakened(
      result, file: "prompts/a/evalsuite.yml", line: line,
      saying: ["test 'scored': " + message, "its threshold 0.5", "restore the weights"])
  }

  /// Weights the score does not count (no threshold, no minScore) and graders left as they were
  /// are not weakenings.
  @Test(.timeLimit(.minutes(5)))
  func weightsWithoutAScoreBarAndKeptGradersAreNotWeakenings() async throws {
    let suite = """
      providers: [echo]
      defaultTest:
        options:
          provider: {id: "exec:sh ./lenient.sh", label: before}
      tests:
        - description: all must pass
          vars: {word: hello}
          assert:
            - type: contains
              value: hello
              weight: 3
            - type: llm-rubric
              value: The answer greets

      """
    let weakened = suite.replacingOccurrences(of: "weight: 3", with: "weight: 1").replacingOccurrences(
      of: "label: before", with: "label: after")
    let (gate, report) = try await gate(suite: suite, weakened: weakened)
    #expect(gate.status == 0, "\(gate.stdout)")
    #expect(report.findings("eval-weakened").isEmpty, "\(gate.stdout)")
  }
}
