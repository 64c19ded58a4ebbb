import Testing

@testable import PromptEvals
@testable import PromptModel

/// The test keys that decide which rows run and what they answer, read as promptfoo's evaluator
/// reads them (`src/evaluator.ts`, `src/util/provider.ts`, `src/util/promptMatching.ts`).
@Suite("suites: test providers, prompts, providerOutput and options")
struct PromptfooSelectionTests {
  func load(_ suite: String, files: [String: String] = [:]) throws -> EvalSuite {
    let loader = SuiteLoader(
      read: { path in path == "s.yml" ? Array(suite.utf8) : files[path].map { Array($0.utf8) } }, list: { _ in [] },
      settings: EvalSettings())
    return try loader.load(path: "s.yml")
  }

  @Test func providerNamesMatchAsPromptfooMatchesThem() {
    let labelled = ProviderSpec(id: "openai:chat:gpt-4o-mini", label: "small")
    let exec = ProviderSpec(id: "exec:python3 ./model.py")
    for (name, provider, expected) in [
      ("small", labelled, true), ("openai:chat:gpt-4o-mini", labelled, true), ("openai:*", labelled, true),
      ("openai", labelled, true), ("openai:chat", labelled, true), ("sm*", labelled, true), ("smal", labelled, false),
      ("anthropic:*", labelled, false), ("exec:python3 ./model.py", exec, true), ("exec:*", exec, true),
      ("exec", exec, true), ("exec:python3 .//./model.py", exec, true), ("exec:python3 model.py", exec, false),
    ] {
      #expect(PromptfooSelection.allows(provider, [name]) == expected, "\(name) on \(provider.id)")
    }
    #expect(PromptfooSelection.allows(labelled, nil) == true, "no list allows every provider")
    #expect(PromptfooSelection.allows(labelled, []) == false, "an empty list allows none")
    // An absolute path matches the canonical id only in one folder: which rows run would depend
    // on where promptfoo is started, so the answer is refused.
    #expect(PromptfooSelection.allows(exec, ["exec:/\u{1}cwd/python3 ./model.py"]) == nil)
  }

  @Test func promptNamesMatchTheLabelsPromptfooGives() {
    let file = SuitePrompt(
      raw: "Q: {{q}}", file: "p/prompt.txt", label: "", line: 1, firstLine: 1, givenLabel: "main",
      relativePath: "prompt.txt")
    let bare = SuitePrompt(
      raw: "Q: {{q}}", file: "p/prompt.txt", label: "", line: 1, firstLine: 1, relativePath: "prompt.txt")
    let inline = SuitePrompt(raw: "Say {{q}}", file: nil, label: "", line: 1, firstLine: 1, givenID: "greeting")
    #expect(PromptfooSelection.allows(file, ["main"]) == true, "`main:` begins `main: prompt.txt: Q: {{q}}`")
    #expect(PromptfooSelection.allows(file, ["mai*"]) == true)
    #expect(PromptfooSelection.allows(file, ["mai"]) == false)
    #expect(PromptfooSelection.allows(inline, ["greeting"]) == true)
    #expect(PromptfooSelection.allows(inline, ["Say {{q}}"]) == true, "an inline prompt's label is its text")
    // A file prompt without a label is labelled by its path, joined to the folder promptfoo
    // runs in: a name for it depends on that folder.
    #expect(PromptfooSelection.allows(bare, ["prompt.txt"]) == nil)
    #expect(PromptfooSelection.allows(bare, ["*"]) == true)
  }

  @Test func selectionKeysAreReadNotWarnedAbout() throws {
    let suite = try load(
      """
      providers: [{id: echo, label: one}, {id: echo, label: two}]
      defaultTest:
        providers: [two]
        options: {disableDefaultAsserts: false}
        assert: [{type: contains, value: Q}]
      tests:
        - description: inherits
          vars: {q: [a, b]}
          options: {disableVarExpansion: true}
        - description: own
          vars: {q: a}
          providers: [one]
          prompts: ['*']
          providerOutput: canned
          options: {disableDefaultAsserts: true}
          assert: [{type: equals, value: canned}]
      """)
    #expect(suite.warnings.isEmpty, "\(suite.warnings)")
    #expect(suite.tests.count == 2, "the list var is one value, not two tests")
    #expect(
      suite.tests[0].providerFilter == ["two"] && suite.tests[0].vars["q"] == .array([.string("a"), .string("b")]))
    #expect(suite.tests[0].assertions.count == 1 && suite.tests[0].providerOutput == nil)
    #expect(suite.tests[1].providerFilter == ["one"] && suite.tests[1].promptFilter == ["*"])
    #expect(suite.tests[1].providerOutput == "canned")
    #expect(suite.tests[1].assertions.map(\.type) == ["equals"], "defaultTest's assertion dropped")
  }

  @Test func whatCannotBeAppliedIsRefusedAtItsLine() throws {
    for (suite, line, words) in [
      ("providers: [echo]\ntests:\n  - vars: {q: a}\n    assertScoringFunction: file://score.js\n", 4, "scored"),
      ("providers: [echo]\ndefaultTest:\n  providerOutput: x\ntests:\n  - vars: {q: a}\n", 3, "defaultTest"),
      ("providers: [echo]\ntests:\n  - vars: {q: a}\n    providerOutput: {a: 1}\n", 4, "mapping"),
      ("providers: [echo]\ntests:\n  - vars: {q: a}\n    providers: echo\n", 4, "list"),
      ("providers: [echo]\ntests: file://t.csv\n", 1, "threshold"),
    ] {
      let problem = #expect(throws: SuiteProblem.self) {
        try load(suite, files: ["t.csv": "q,__config:__expected:threshold\na,0.5\n"])
      }
      #expect(problem?.line == line && problem?.message.contains(words) == true, "\(String(describing: problem))")
    }
    let test = EvalTest(
      description: "t", vars: [:], assertions: [], providerFilter: ["nine"], providerFilterFile: "s.yml",
      providerFilterLine: 7, file: "s.yml", line: 5)
    let problem = EvalPlanner.selectionProblem(test, providers: [ProviderSpec(id: "echo")], prompts: [])
    #expect(problem?.line == 7 && problem?.message.contains("'nine'") == true, "\(String(describing: problem))")
  }

  @Test func aCSVProviderOutputIsTheAnswerAndOtherColumnsAreVariables() throws {
    let suite = try load(
      "providers: [echo]\ntests: file://t.csv\n",
      files: ["t.csv": "q,__providerOutput,__note,__expected\na,canned,n1,canned\nb,,n2,x\n"])
    #expect(suite.tests.map(\.providerOutput) == ["canned", nil])
    #expect(suite.tests[0].vars["__note"] == .string("n1"), "promptfoo makes any other column a variable")
  }

  @Test func narrowingOrCanningATestIsAWeakening() throws {
    let base = try load("providers: [echo]\ntests:\n  - description: t\n    vars: {q: a}\n")
    let head = try load(
      "providers: [echo]\ntests:\n  - description: t\n    vars: {q: a}\n    providers: [echo]\n    providerOutput: ok\n"
    )
    let found = SuiteWeakening.compare(base: base, head: head).map(\.message)
    #expect(found.contains { $0.contains("providerOutput added") }, "\(found)")
    #expect(found.contains { $0.contains("`providers` now limits it") }, "\(found)")
  }

  /// `assertionFromString` (`src/csv.ts`): inline code in a CSV cell is a script assertion.
  @Test func csvScriptCellsAreScriptAssertions() throws {
    let suite = try load(
      "providers: [echo]\ntests: file://t.csv\n",
      files: ["t.csv": "q,__expected1,__expected2,__expected3\na,python: output == 'x' ,fn: output.length > 1,eval:1\n"]
    )
    #expect(suite.tests[0].assertions.map(\.type) == ["python", "javascript", "javascript"])
    #expect(
      suite.tests[0].assertions.map(\.value) == [.string("output == 'x'"), .string("output.length > 1"), .string("1")])
    let problem = #expect(throws: SuiteProblem.self) {
      try load("providers: [echo]\ntests: file://t.csv\n", files: ["t.csv": "q,__expected\na,file://check.py\n"])
    }
    #expect(problem?.message.contains("write the assertion in YAML") == true, "\(String(describing: problem))")
  }
}
