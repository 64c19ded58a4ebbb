import Foundation
import TestSupport
import Testing

/// What the model is sent, built as promptfoo builds it: Nunjucks templates, the suite's
/// `prompts:`, trimming, `file://` and list vars, a test's own provider, scenarios and CSV
/// shorthand. Driven through the built binary with the `echo` provider (which answers with the
/// prompt it got) and `exec:` scripts; the promptfoo source each behaviour follows is named.
@Suite("eval: prompt construction as promptfoo does it", .serialized)
struct EvalPromptConstructionTests {
  func repository(_ name: String = #function, text: String, suite: String, files: [String: String] = [:]) throws
    -> TempRepo
  {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/a/evalsuite.yml", suite)
    for (path, content) in files { try repo.write(path, content) }
    _ = try repo.commit("prompt and suite")
    return repo
  }

  /// `src/util/templates.ts`: Nunjucks with autoescape off.
  @Test(.timeLimit(.minutes(5)))
  func nunjucksTagsAndFiltersAreRendered() async throws {
    let repo = try repository(
      text: """
        {% if vip %}Dear {{ name | upper }}{% else %}Hi {{ name }}{% endif %}, you have {{ items | length }}: \
        {%- for i in items %} {{ i.n }}{% if not loop.last %},{% endif %}{% endfor %}.

        """,
      // A list of texts would make one test per text (promptfoo's var expansion): these are mappings.
      suite: """
        providers: [echo]
        tests:
          - vars: {vip: true, name: ada, items: [{n: tea}, {n: jam}]}
            assert: [{type: equals, value: "Dear ADA, you have 2: tea, jam."}]
          - vars: {vip: false, name: bob, items: []}
            assert: [{type: equals, value: "Hi bob, you have 0:."}]

        """)
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("PASS a 1.0.0: pass rate 100% (2/2)"), "\(result.stdout)")
  }

  @Test(.timeLimit(.minutes(5)))
  func aTemplateConstructPromptopsDoesNotRenderIsAnErrorAtItsLine() async throws {
    let repo = try repository(
      text: "Hello {{ name }}.\n{% macro x() %}m{% endmacro %}\n",
      suite: "providers: [echo]\ntests:\n  - vars: {name: a}\n    assert: [{type: contains, value: Hello}]\n")
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status != 0)
    #expect(result.stdout.contains("ERROR a"), "\(result.stdout)")
    #expect(
      result.stdout.contains("prompts/a/prompt.txt:2: template: `{% macro %}` is not rendered"), "\(result.stdout)")
  }

  /// A suite beside a prompt that names another prompt file must not grade the prompt's own text
  /// in its place; naming both evaluates both (`src/prompts/index.ts`, `readPrompts`).
  @Test(.timeLimit(.minutes(5)))
  func aSuiteWhosePromptsLeaveOutThePromptUnderChangeIsAnError() async throws {
    let suite = """
      prompts: [file://prompt_fr.txt]
      providers: [echo]
      tests:
        - vars: {name: Ada}
          assert: [{type: contains, value: Bonjour}]

      """
    let repo = try repository(
      text: "Hello {{name}}\n", suite: suite, files: ["prompts/a/prompt_fr.txt": "Bonjour {{name}}\n"])
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status != 0, "\(result.stdout)")
    #expect(result.stdout.contains("ERROR a"), "\(result.stdout)")
    #expect(result.stdout.contains("names prompts/a/prompt_fr.txt but not prompts/a/prompt.txt"), "\(result.stdout)")

    try repo.write(
      "prompts/a/evalsuite.yml",
      suite.replacingOccurrences(of: "[file://prompt_fr.txt]", with: "[file://prompt.txt, file://prompt_fr.txt]"))
    _ = try repo.commit("both prompts")
    let both = try await repo.promptopsAsync("eval", "--no-note")
    // One result per prompt and test: the English prompt fails `contains: Bonjour`.
    #expect(both.status == 1, "\(both.stdout)")
    #expect(both.stdout.contains("FAIL a 1.0.0: pass rate 50% (1/2)"), "\(both.stdout)")
    #expect(both.stderr.contains("also names prompts/a/prompt_fr.txt"), "\(both.stderr)")
  }

  /// Every named prompt counts in the pass rate, so a change that adds one beside the prompt
  /// under change (passing where that one fails) is weakening.
  @Test(.timeLimit(.minutes(5)))
  func addingAPromptBesideTheOneUnderChangeIsWeakening() async throws {
    let tests = "providers: [echo]\ntests:\n  - vars: {name: Ada}\n    assert: [{type: contains, value: Hello}]\n"
    let repo = try repository(text: "Hello {{name}}\n", suite: "prompts: [file://prompt.txt]\n" + tests)
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("prompts/a/other.txt", "Hello {{name}}, friend\n")
    try repo.write("prompts/a/evalsuite.yml", "prompts: [file://prompt.txt, file://other.txt]\n" + tests)
    _ = try repo.commit("add a prompt beside")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)")
    #expect(
      report.findings("eval-weakened").contains {
        ($0["message"] as? String ?? "").contains("now also names prompts/a/other.txt")
      },
      "\(gate.stdout)")
  }

  /// `src/prompts/processors/text.ts`: a `.txt` file splits on `---` lines and each prompt is trimmed.
  @Test(.timeLimit(.minutes(5)))
  func aTextFileSplitsOnDashLinesAndEachPromptIsTrimmed() async throws {
    let repo = try repository(
      text: "\n  Hello {{name}}.\n\n---\nHi {{name}}!\n",
      suite: """
        prompts: [./prompt.txt]
        providers: [echo]
        tests:
          - vars: {name: Ada}
            assert: [{type: regex, value: "^H(ello Ada\\\\.|i Ada!)$"}]

        """)
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("PASS a 1.0.0: pass rate 100% (2/2)"), "\(result.stdout)")
  }

  /// `src/prompts/processors/json.ts` and `renderPrompt`: a JSON prompt has its strings rendered
  /// and is sent as `JSON.stringify(…, null, 2)`; a chat provider reads it as messages.
  @Test(.timeLimit(.minutes(5)))
  func aChatPromptFileIsRenderedAsJSON() async throws {
    let repo = try repository(
      text: "Hello {{name}}\n",
      suite: """
        prompts: [file://prompt.txt, file://chat.json]
        providers: [echo]
        tests:
          - vars: {name: "Ada \\"the first\\""}
            assert: [{type: icontains, value: "ada"}]

        """,
      files: ["prompts/a/chat.json": #"[{"role": "system", "content": "Greet {{ name }}"}]"# + "\n"])
    let out = repo.root + "/out.json"
    let result = try await repo.promptopsAsync("eval", "--no-note", "--output", out)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let outputs = ((document["results"] as? [String: Any])?["results"] as? [[String: Any]] ?? []).compactMap {
      ($0["response"] as? [String: Any])?["output"] as? String
    }
    #expect(
      outputs.sorted() == [
        "Hello Ada \"the first\"",
        "[\n  {\n    \"role\": \"system\",\n    \"content\": \"Greet Ada \\\"the first\\\"\"\n  }\n]",
      ], "\(outputs)")
  }

  /// `scriptCompletion.ts`: the answer of an `exec:` provider is `stdout.trim()`.
  @Test(.timeLimit(.minutes(5)))
  func execOutputIsTrimmedAtBothEnds() async throws {
    let repo = try repository(
      text: "Say {{word}}\n",
      suite:
        "providers: [\"exec:sh ./model.sh\"]\ntests:\n  - vars: {word: yes}\n    assert: [{type: equals, value: answer}]\n",
      files: ["prompts/a/model.sh": "printf '  \\n answer \\n\\n'\n"])
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }

  /// `renderPrompt`: a `file://` var is read (a text trimmed, YAML as JSON text) relative to the
  /// suite, and `generateVarCombinations`: a list var makes one test per value. The files are eval
  /// inputs: changing one re-runs the prompt.
  @Test(.timeLimit(.minutes(5)))
  func fileVarsAreReadListVarsExpandAndVarFilesAreInputs() async throws {
    let repo = try repository(
      text: "{{ doc }} | {{ meta }} | {{ who }}\n",
      suite: """
        providers: [echo]
        tests:
          - vars: {doc: "file://data/doc.txt", meta: "file://data/meta.yaml", who: [Ann, Bo, Cy]}
            assert: [{type: regex, value: "^The doc\\\\. \\\\| \\\\{\\"b\\":1,\\"a\\":\\\\[true\\\\]\\\\} \\\\| (Ann|Bo|Cy)$"}]

        """,
      files: ["prompts/a/data/doc.txt": "\n  The doc.  \n\n", "prompts/a/data/meta.yaml": "b: 1\na: [true]\n"])
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("PASS a 1.0.0: pass rate 100% (3/3)"), "\(result.stdout)")

    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("prompts/a/data/doc.txt", "Another doc.\n")
    _ = try repo.commit("change only the var file")
    let (gate, report) = try await repo.gateAsync("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)")
    #expect(report.findings("eval-failed").compactMap { $0["prompt"] as? String } == ["a"], "\(gate.stdout)")
  }

  /// `src/evaluator.ts`: `activeProvider = test.provider ?? provider`, for each suite provider.
  @Test(.timeLimit(.minutes(5)))
  func aTestsOwnProviderAnswersThatTest() async throws {
    let repo = try repository(
      text: "Say {{word}}\n",
      suite: """
        providers: [echo]
        tests:
          - vars: {word: hi}
            assert: [{type: equals, value: "Say hi"}]
          - vars: {word: hi}
            provider: "exec:sh ./model.sh"
            assert: [{type: equals, value: scripted}]

        """,
      files: ["prompts/a/model.sh": "echo scripted\n"])
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("PASS a 1.0.0: pass rate 100% (2/2)"), "\(result.stdout)")
  }

  /// `buildScenarioTests` in `src/evaluator.ts`: each config entry with each scenario test.
  @Test(.timeLimit(.minutes(5)))
  func scenariosRunEveryConfigWithEveryTest() async throws {
    let repo = try repository(
      text: "{{ greeting }} {{ name }}\n",
      suite: """
        providers: [echo]
        scenarios:
          - config:
              - vars: {greeting: Hello}
              - vars: {greeting: Hi}
            tests:
              - vars: {name: Ada}
                assert: [{type: contains, value: Ada}]
              - vars: {name: Bo}
                assert: [{type: starts-with, value: H}]

        """)
    let result = try await repo.promptopsAsync("eval", "--no-note")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("PASS a 1.0.0: pass rate 100% (4/4)"), "\(result.stdout)")
  }

  /// `assertionFromString` in `src/csv.ts`: a bare type, a threshold in parentheses, and the value
  /// kept as written after the colon.
  @Test(.timeLimit(.minutes(5)))
  func csvShorthandIsReadAsPromptfooReadsIt() async throws {
    let repo = try repository(
      text: "{{ body }}\n",
      suite: "providers: [echo]\ntests: ./cases.csv\n",
      files: [
        "prompts/a/cases.csv": """
        body,__expected1,__expected2
        "{""a"": 1} trailing",contains-json,not-is-json
        kitten,levenshtein(3):sitting,
        say hello,icontains: hello,
        hello,icontains: hello,

        """
      ])
    let result = try await repo.promptopsAsync("eval", "--no-note")
    // The last row fails: its value is " hello", with the space, as promptfoo keeps it.
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("FAIL a 1.0.0: pass rate 75% (3/4)"), "\(result.stdout)")
  }
}
