import Foundation
import PromptTemplates
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// A provider that counts its calls and how many are in flight at once, answering after a delay.
final class CountingProvider: EvalProvider, @unchecked Sendable {
  let id = "counting"
  let delay: UInt64
  private let lock = NSLock()
  private(set) var calls = 0
  private(set) var inFlight = 0
  private(set) var maxInFlight = 0

  init(delayMilliseconds: UInt64 = 0) { delay = delayMilliseconds * 1_000_000 }

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    lock.withLock {
      calls += 1
      inFlight += 1
      maxInFlight = max(maxInFlight, inFlight)
    }
    // Later prompts answer sooner, so completion order differs from submission order.
    try await Task.sleep(nanoseconds: delay / UInt64(max(1, request.prompt.count % 7 + 1)))
    lock.withLock { inFlight -= 1 }
    return ProviderResponse(
      output: "echo: " + request.prompt, tokenUsage: TokenUsage(prompt: 3, completion: 2), cost: 0.001, latencyMs: 5)
  }
}

@Suite("evals: templates, assertions, runner, cache, weakening")
struct EvalCoreTests {
  func test(_ assertions: [EvalAssertion], threshold: Double? = nil) -> EvalTest {
    var test = EvalTest(description: "t", vars: [:], assertions: assertions, file: "s.yml", line: 1)
    test.threshold = threshold
    return test
  }

  func assertion(_ type: String, _ value: JSONValue? = nil, threshold: Double? = nil, weight: Double = 1)
    -> EvalAssertion
  {
    let negated = type.hasPrefix("not-")
    var result = EvalAssertion(
      type: negated ? String(type.dropFirst(4)) : type, negated: negated, value: value, threshold: threshold, line: 1)
    result.weight = weight
    return result
  }

  func passes(
    _ type: String, _ value: JSONValue?, _ output: String, threshold: Double? = nil, latency: Double = 0,
    cost: Double? = nil
  ) async throws -> Bool {
    try await AssertionChecker(grader: nil).grade(
      test: test([assertion(type, value, threshold: threshold)]), output: output, latencyMs: latency, cost: cost
    ).pass
  }

  @Test func deterministicAssertionsFollowPromptfoo() async throws {
    let cases: [(String, JSONValue?, String, Bool)] = [
      ("equals", .string("Hello"), "Hello", true), ("equals", .string("Hello"), "Hello ", false),
      ("equals", .object(["a": .integer(1)]), "{\"a\": 1}", true),
      ("contains", .string("ell"), "Hello", true), ("contains", .string("ELL"), "Hello", false),
      ("icontains", .string("ELL"), "Hello", true), ("not-contains", .string("bye"), "Hello", true),
      ("not-icontains", .string("HELLO"), "hello", false),
      ("contains-any", .array([.string("x"), .string("ll")]), "Hello", true),
      ("contains-any", .string("x, y"), "Hello", false),
      ("contains-all", .array([.string("H"), .string("o")]), "Hello", true),
      ("contains-all", .array([.string("H"), .string("z")]), "Hello", false),
      ("icontains-any", .array([.string("HEL")]), "hello", true),
      ("icontains-all", .array([.string("HEL"), .string("LO")]), "hello", true),
      ("not-contains-any", .array([.string("a"), .string("b")]), "xyz", true),
      ("starts-with", .string("He"), "Hello", true), ("not-starts-with", .string("He"), "Hello", false),
      ("regex", .string("^H.l+o$"), "Hello", true), ("regex", .string("\\d{3}"), "ab12", false),
      ("is-json", nil, "{\"a\": [1, 2]}", true), ("is-json", nil, "not json", false),
      ("not-is-json", nil, "plain", true),
      (
        "is-json", .object(["type": .string("object"), "required": .array([.string("name")])]), "{\"name\": \"x\"}",
        true
      ),
      (
        "is-json", .object(["type": .string("object"), "required": .array([.string("name")])]), "{\"other\": 1}", false
      ),
      ("contains-json", nil, "Sure! ```json\n{\"ok\": true}\n``` done", true),
      ("contains-json", nil, "no braces", false),
      (
        "contains-json", .object(["properties": .object(["ok": .object(["type": .string("string")])])]),
        "x {\"ok\": true} y", false
      ),
      ("word-count", .integer(2), "two words", true), ("word-count", .object(["min": .integer(3)]), "two words", false),
      ("word-count", .object(["min": .integer(1), "max": .integer(2)]), "two words", true),
    ]
    for (type, value, output, expected) in cases {
      #expect(try await passes(type, value, output) == expected, "\(type) \(String(describing: value)) on \(output)")
    }
    #expect(try await passes("levenshtein", .string("kitten"), "sitting", threshold: 3))
    #expect(!(try await passes("levenshtein", .string("kitten"), "sitting", threshold: 2)))
    #expect(try await passes("latency", nil, "x", threshold: 100, latency: 99))
    #expect(!(try await passes("latency", nil, "x", threshold: 100, latency: 101)))
    #expect(try await passes("cost", nil, "x", threshold: 0.01, cost: 0.005))
    // promptfoo's cost.ts: a provider that reports no cost cannot be checked.
    await #expect(throws: AssertionError.self) { _ = try await passes("cost", nil, "x", threshold: 0.01, cost: nil) }
  }

  @Test func levenshteinMatchesKnownDistances() {
    #expect(Levenshtein.distance("kitten", "sitting") == 3)
    #expect(Levenshtein.distance("", "abc") == 3)
    #expect(Levenshtein.distance("flaw", "lawn") == 2)
  }

  @Test func weightsAndThresholdDecideATest() async throws {
    let checker = AssertionChecker(grader: nil)
    let assertions = [assertion("contains", .string("a"), weight: 3), assertion("contains", .string("z"), weight: 1)]
    let strict = try await checker.grade(test: test(assertions), output: "abc", latencyMs: 0, cost: nil)
    #expect(!strict.pass)
    #expect(strict.score == 0.75)
    let lenient = try await checker.grade(
      test: test(assertions, threshold: 0.7), output: "abc", latencyMs: 0, cost: nil)
    #expect(lenient.pass)
    let tooHigh = try await checker.grade(
      test: test(assertions, threshold: 0.8), output: "abc", latencyMs: 0, cost: nil)
    #expect(!tooHigh.pass)
  }

  @Test func templatesRenderBothSpellingsAndNameMissingVariables() throws {
    let template = PromptTemplate(
      text: "Hi {{name}}, {{ place }} and {{user.city}}", variablePattern: Configuration().variablePattern)
    #expect(
      try template.render(["name": .string("Ann"), "place": .integer(3), "user": .object(["city": .string("Oslo")])])
        == "Hi Ann, 3 and Oslo")
    #expect(throws: TemplateError.missing(["place", "user.city"])) {
      try template.render(["name": .string("x")])
    }
  }

  func units(_ count: Int, prompt: String = "p") -> [EvalUnit] {
    (0..<count).map { index in
      EvalUnit(
        key: "\(prompt)|s|\(String(format: "%03d", index))|counting", promptID: prompt, suitePath: "s",
        testIndex: index,
        test: test([assertion("contains", .string("prompt \(index)"))]), provider: ProviderSpec(id: "counting"),
        grader: nil,
        renderedPrompt: "prompt \(index)" + String(repeating: "!", count: index % 5), workingDirectory: "/",
        providerFileHashes: [])
    }
  }

  @Test func theRunnerBoundsConcurrencyKeepsOrderAndCachesByContent() async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-cache-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let provider = CountingProvider(delayMilliseconds: 20)
    let runner = EvalRunner(concurrency: 3, cache: EvalCache(directory: folder, secret: "runner")) { _, _ in provider }
    let work = units(12)
    let (first, stats) = await runner.run(work)
    #expect(provider.calls == 12)
    #expect(provider.maxInFlight <= 3)
    #expect(provider.maxInFlight >= 2)
    #expect(stats.providerCalls == 12)
    #expect(first.map(\.unit.key) == work.map(\.key))
    #expect(first.allSatisfy { $0.passed })
    #expect(first.map { $0.runs[0].output } == work.map { "echo: " + $0.renderedPrompt })

    let (second, cachedStats) = await runner.run(work)
    #expect(provider.calls == 12, "a second identical run must call no provider")
    #expect(second.allSatisfy { $0.runs[0].cached })
    #expect(cachedStats.providerCalls == 0 && cachedStats.cacheHits == 12 && cachedStats.cacheRejected == 0)
    #expect(second.map(\.passed) == first.map(\.passed))
    #expect(second.map { $0.runs[0].grading } == first.map { $0.runs[0].grading }, "graded afresh, the same way")

    // One changed input re-runs exactly that test.
    var changed = work
    changed[4] = EvalUnit(
      key: work[4].key, promptID: "p", suitePath: "s", testIndex: 4, test: work[4].test, provider: work[4].provider,
      grader: nil,
      renderedPrompt: "prompt 4 edited", workingDirectory: "/", providerFileHashes: [])
    _ = await runner.run(changed)
    #expect(provider.calls == 13)
  }

  /// Stored answers are written to disk and read back; every shape an answer can take, long and
  /// random numbers included, must come back equal. An entry that is damaged, edited, moved to
  /// another key's file or written under another key is rejected, never served.
  @Test func storedAnswersReadBackAsWrittenAndOnlyWhenAuthentic() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eval-cache-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let cache = EvalCache(directory: folder, secret: "one key")
    var random = SplitMix64(state: 17)
    func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    let texts = ["", "plain", "quote \" and \\ back", "line\nbreak\ttab", "é 漢字 🙂", "\u{01}", #"{"pass": false}"#]
    // Long ones too: JSONEncoder writes latencies such as 100.53291702270508.
    var numbers: [Double] = [
      0, 1, 0.1, 0.75, 1e-7, 123456.5, 3, 2.5e10, 0.1 + 0.2, 2.0 / 3, 100.53291702270508, -13975.357142857143,
    ]
    for _ in 0..<40 {
      let bits = Double(bitPattern: random.next())
      if bits.isFinite { numbers.append(bits) }
    }
    func path(_ key: String) -> String { "\(folder)/\(key.prefix(2))/\(key).answer" }
    for index in 0..<300 {
      var response = ProviderResponse(output: pick(texts), latencyMs: pick(numbers))
      if random.next() % 2 == 0 {
        response.tokenUsage = TokenUsage(prompt: Int(random.next() % 900), completion: Int(random.next() % 90))
      }
      if random.next() % 2 == 0 { response.cost = pick(numbers) }
      let entryKey = String(format: "%064x", index)
      #expect(cache.load(entryKey) == .absent)
      cache.store(response, key: entryKey)
      #expect(cache.load(entryKey) == .answer(response), "answer \(index)")
    }
    // Another key, and the same key's entry under another name: rejected.
    #expect(EvalCache(directory: folder, secret: "another key").load(String(format: "%064x", 7)) == .rejected)
    let moved = String(format: "%064x", 9_000)
    try FileManager.default.createDirectory(
      atPath: (path(moved) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: path(String(format: "%064x", 7)), toPath: path(moved))
    #expect(cache.load(moved) == .rejected)
    // Edited, damaged, or unreadable: rejected.
    let damaged = String(format: "%064x", 9_999)
    cache.store(ProviderResponse(output: "Say two.", latencyMs: 1), key: damaged)
    let original = try String(contentsOfFile: path(damaged), encoding: .utf8)
    let mac = try #require(original.split(separator: "\n").dropFirst().first.map(String.init))
    var edits = [
      original.replacingOccurrences(of: "Say two.", with: "Say one."), "not an entry", "", "promptops eval cache 2\n",
    ]
    edits.append(original.replacingOccurrences(of: "promptops eval cache 2", with: "promptops eval cache 1"))
    edits.append(original.replacingOccurrences(of: mac, with: String(repeating: "0", count: 64)))
    edits.append(original.replacingOccurrences(of: "output 8\n", with: "output 9\n"))
    edits.append(original + "\n")
    for text in edits {
      #expect(text != original)
      try text.write(toFile: path(damaged), atomically: true, encoding: .utf8)
      #expect(cache.load(damaged) == .rejected, "\(text)")
    }
    try FileManager.default.removeItem(atPath: path(damaged))
    try FileManager.default.createDirectory(atPath: path(damaged), withIntermediateDirectories: true)
    #expect(cache.load(damaged) == .rejected, "a folder where the entry should be")
  }

  @Test func repeatRunsEachRepetitionAndHonoursMinPass() async throws {
    let provider = CountingProvider()
    let runner = EvalRunner(concurrency: 4, cache: nil) { _, _ in provider }
    var unit = units(1)[0]
    var repeated = unit.test
    repeated.repeatCount = 3
    repeated.minPass = 2
    unit = EvalUnit(
      key: unit.key, promptID: "p", suitePath: "s", testIndex: 0, test: repeated, provider: unit.provider, grader: nil,
      renderedPrompt: unit.renderedPrompt, workingDirectory: "/", providerFileHashes: [])
    let (results, _) = await runner.run([unit])
    #expect(provider.calls == 3)
    #expect(results[0].runs.count == 3)
    #expect(results[0].passed)
    let request = ProviderRequest(prompt: unit.renderedPrompt)
    #expect(
      unit.answerKey(provider: unit.provider, identity: "", request: request, repetition: 0)
        != unit.answerKey(provider: unit.provider, identity: "", request: request, repetition: 1))
  }

  @Test func aProviderErrorIsAnErrorNeverAPass() async throws {
    struct Failing: EvalProvider {
      let id = "failing"
      func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
        throw ProviderError(providerID: id, message: "connection refused")
      }
    }
    let runner = EvalRunner(concurrency: 2, cache: nil) { _, _ in Failing() }
    let (results, _) = await runner.run(units(2))
    #expect(results.allSatisfy { !$0.passed && $0.errored })
    #expect(results[0].runs[0].error?.contains("connection refused") == true)
  }

  @Test func shardsPartitionTheUnits() throws {
    let all = units(10)
    var seen: [String] = []
    for index in 1...3 {
      let shard = try #require(EvalShard("\(index)/3"))
      let picked = shard.select(all)
      #expect(picked.count >= 3)
      seen += picked.map(\.key)
    }
    #expect(seen.sorted() == all.map(\.key).sorted())
    #expect(EvalShard("0/3") == nil)
    #expect(EvalShard("4/3") == nil)
  }

  @Test func suitesLoadFromYAMLJSONAndCSVWithDefaultsAndWarnings() throws {
    let files: [String: String] = [
      "p/evalsuite.yml": """
      description: x
      providers:
        - id: echo
          config: {temperature: 0}
      defaultTest:
        vars: {tone: calm}
        assert:
          - type: not-contains
            value: sorry
      tests:
        - ./cases/*.json
        - ./extra.csv
        - description: inline
          vars: {input: hi}
          threshold: 0.5
          repeat: 3
          minPass: 2
      output: {format: markdown}
      thresholds: {minPassRate: 0.9, minScore: 0.85}

      """,
      "p/cases/one.json":
        #"[{"name": "first", "input": "a", "assert": [{"type": "equals", "value": "b"}], "tags": ["x"]}]"#,
      "p/cases/two.json":
        #"{"description": "second", "vars": {"input": "c"}, "assert": [{"type": "regex", "value": "c+"}]}"#,
      "p/extra.csv": "input,__expected1,__expected2,__description\n\"x, y\",contains: x,not-icontains: Z,csv row\n",
    ]
    let loader = SuiteLoader(
      read: { files[$0].map { Array($0.utf8) } }, list: { folder in files.keys.filter { $0.hasPrefix(folder + "/") } },
      settings: EvalSettings())
    let suite = try loader.load(path: "p/evalsuite.yml")
    #expect(suite.providers == [ProviderSpec(id: "echo", config: ["temperature": .integer(0)])])
    #expect(suite.tests.map(\.name) == ["first", "second", "csv row", "inline"])
    #expect(
      suite.tests.allSatisfy { $0.vars["tone"] == .string("calm") && $0.assertions.first?.fullType == "not-contains" })
    #expect(suite.tests[0].vars["input"] == .string("a"))
    #expect(suite.tests[2].vars["input"] == .string("x, y"))
    #expect(suite.tests[2].assertions.map(\.fullType) == ["not-contains", "contains", "not-icontains"])
    #expect(suite.tests[3].requiredPasses == 2 && suite.tests[3].repeatCount == 3 && suite.tests[3].threshold == 0.5)
    #expect(suite.thresholds.minPassRate == 0.9 && suite.thresholds.minScore == 0.85)
    #expect(Set(suite.inputFiles.keys) == Set(files.keys))
    #expect(suite.warnings.map(\.line) == [18])
    #expect(suite.warnings.first?.message.contains("`output`") == true)

    let broken = SuiteLoader(
      read: {
        $0 == "s.yml"
          ? Array("providers: [echo]\ntests:\n  - vars: {a: 1}\n    assert:\n      - type: is-yaml\n".utf8) : nil
      },
      list: { _ in [] }, settings: EvalSettings())
    #expect(throws: SuiteProblem.self) { try broken.load(path: "s.yml") }
    do {
      _ = try broken.load(path: "s.yml")
    } catch let problem as SuiteProblem {
      #expect(problem.line == 5)
      #expect(problem.message.contains("is-yaml"))
    }
  }

  /// promptfoo keys promptops does not act on are reported where they are written: `options`
  /// beyond `provider` (at suite and test level), unknown `__` CSV columns; `__threshold` is
  /// read. Options that change the prompt, the answer or the grading (`transform`, `__prefix`),
  /// and promptfoo-only `__expected` types, are errors: run without them, a test checks
  /// something else.
  @Test func optionsAndCSVColumnsItDoesNotReadAreReported() throws {
    let files: [String: String] = [
      "p/evalsuite.yml": """
      providers: [echo]
      options:
        provider: echo
        storeOutputAs: answer
      tests:
        - ./cases.csv
        - vars: {a: 1}
          options:
            showOutput: true

      """,
      "p/cases.csv": "a,__expected,__threshold,__metric\n1,contains: 1,0.5,m\n",
      "q/evalsuite.yml": "providers: [echo]\ntests: ./cases.csv\n",
      "q/cases.csv": "a,__expected\n1,webhook: https://example.com/grade\n",
      "r/evalsuite.yml":
        "providers: [echo]\ndefaultTest:\n  options:\n    transform: output.slice(0, 5)\ntests:\n  - vars: {a: 1}\n",
      "s/evalsuite.yml": "providers: [echo]\ntests: ./cases.csv\n",
      "s/cases.csv": "a,__prefix\n1,Answer briefly:\n",
    ]
    let loader = SuiteLoader(read: { files[$0].map { Array($0.utf8) } }, list: { _ in [] }, settings: EvalSettings())
    let suite = try loader.load(path: "p/evalsuite.yml")
    #expect(suite.grader == ProviderSpec(id: "echo"))
    let reported = suite.warnings.map { "\($0.file):\($0.line) \($0.message)" }
    #expect(reported.contains { $0.hasPrefix("p/evalsuite.yml:4 ") && $0.contains("`storeOutputAs`") }, "\(reported)")
    #expect(reported.contains { $0.hasPrefix("p/evalsuite.yml:9 ") && $0.contains("`showOutput`") }, "\(reported)")
    #expect(
      !reported.contains { $0.contains("`__metric`") },
      "`__metric` names the row's assertions, as in promptfoo: \(reported)")
    #expect(suite.tests.first?.threshold == 0.5)
    for (path, file, line, named) in [
      ("q/evalsuite.yml", "q/cases.csv", 2, "`webhook`"), ("r/evalsuite.yml", "r/evalsuite.yml", 4, "`transform`"),
      ("s/evalsuite.yml", "s/cases.csv", 1, "`__prefix`"),
    ] {
      let problem = #expect(throws: SuiteProblem.self) { try loader.load(path: path) }
      #expect(problem?.file == file && problem?.line == line, "\(String(describing: problem))")
      #expect(problem?.message.contains(named) == true, "\(String(describing: problem))")
    }
    // In external mode the team's own tool runs them: no error, no warning.
    var external = EvalSettings()
    external.mode = .external
    external.externalCommand = ["promptfoo"]
    let lenient = SuiteLoader(read: { files[$0].map { Array($0.utf8) } }, list: { _ in [] }, settings: external)
    #expect(try lenient.load(path: "r/evalsuite.yml").warnings.isEmpty)
    #expect(try lenient.load(path: "s/evalsuite.yml").warnings.isEmpty)
  }

  @Test func weakeningNamesWhatWasRemovedOrLoosened() {
    func suite(_ tests: [EvalTest], minPassRate: Double) -> EvalSuite {
      var thresholds = EvalThresholds()
      thresholds.minPassRate = minPassRate
      return EvalSuite(
        path: "s.yml", description: nil, providers: [ProviderSpec(id: "echo")], tests: tests, thresholds: thresholds,
        grader: nil, inputFiles: [:], warnings: [])
    }
    var kept = test([assertion("equals", .string("yes")), assertion("latency", threshold: 100)])
    kept.description = "kept"
    var dropped = test([assertion("contains", .string("x"))])
    dropped.description = "dropped"
    var loosened = test([assertion("contains", .string("yes")), assertion("latency", threshold: 500)])
    loosened.description = "kept"
    let found = SuiteWeakening.compare(
      base: suite([kept, dropped], minPassRate: 1), head: suite([loosened], minPassRate: 0.8)
    ).map(\.message)
    #expect(found.contains("thresholds.minPassRate lowered from 1.0 to 0.8"))
    #expect(found.contains { $0.contains("test 'dropped' removed") })
    #expect(found.contains { $0.contains("`equals` loosened to `contains`") })
    #expect(found.contains { $0.contains("latency threshold loosened from 100.0 to 500.0") })
    #expect(
      SuiteWeakening.compare(base: suite([kept], minPassRate: 0.8), head: suite([kept, dropped], minPassRate: 0.9))
        .isEmpty)
  }

  /// Edited expected values are weakenings when they provably accept more; edits that cannot be
  /// ranked (a new `equals` answer, a new regex) are not.
  @Test(arguments: [
    ("contains", JSONValue.string("Alice"), JSONValue.string("e"), true),
    ("contains", .string("e"), .string("Alice"), false),
    ("icontains", .string("HELLO there"), .string("hello"), true),
    ("starts-with", .string("Hello Zed"), .string("Hello"), true),
    ("starts-with", .string("Hello"), .string("Hi"), false),
    ("contains-all", .array([.string("a"), .string("b")]), .array([.string("a")]), true),
    ("contains-all", .array([.string("a")]), .array([.string("a"), .string("b")]), false),
    ("contains-any", .array([.string("a")]), .array([.string("a"), .string("b")]), true),
    ("not-contains", .string("bob"), .string("bobby"), true),
    ("not-contains", .string("bobby"), .string("bob"), false),
    ("not-contains-any", .array([.string("a"), .string("b")]), .array([.string("a")]), true),
    ("not-contains-all", .array([.string("a")]), .array([.string("a"), .string("b")]), true),
    ("equals", .string("yes"), .string("no"), false),
    ("regex", .string("^a+$"), .string(".*"), false),
  ])
  func editedValuesThatAcceptMoreAreWeakenings(type: String, old: JSONValue, new: JSONValue, weakened: Bool) {
    func suite(_ value: JSONValue) -> EvalSuite {
      EvalSuite(
        path: "s.yml", description: nil, providers: [ProviderSpec(id: "echo")], tests: [test([assertion(type, value)])],
        thresholds: EvalThresholds(), grader: nil, inputFiles: [:], warnings: [])
    }
    let found = SuiteWeakening.compare(base: suite(old), head: suite(new))
    #expect(found.isEmpty != weakened, "\(found.map(\.message))")
    if weakened { #expect(found.first?.message.contains("loosened to") == true) }
  }

  /// One provider id at two configs is two providers: dropping either is a weakening; changing
  /// a kept one's config is one too (an `apiBaseUrl` of one's own answers anything).
  @Test func droppingOneOfTwoProvidersWithOneIdIsAWeakening() {
    let cold = ProviderSpec(id: "echo", config: ["temperature": .integer(0)])
    let warm = ProviderSpec(id: "echo", config: ["temperature": .integer(1)])
    func suite(_ providers: [ProviderSpec]) -> EvalSuite {
      EvalSuite(
        path: "s.yml", description: nil, providers: providers, tests: [], thresholds: EvalThresholds(), grader: nil,
        inputFiles: [:], warnings: [])
    }
    #expect(
      SuiteWeakening.compare(base: suite([cold, warm]), head: suite([cold])).map(\.message) == [
        "provider 'echo' removed"
      ])
    #expect(
      SuiteWeakening.compare(base: suite([cold]), head: suite([warm])).map(\.message) == [
        "provider 'echo' changed its config: the tests grade answers got another way; restore it, or land the "
          + "provider change on its own"
      ])
  }

  /// Weights weaken only where the score counts (a test threshold, or minScore); a test whose
  /// weights were all 0 that now gives partial credit is weakened, one that becomes all or
  /// nothing is not. A grader kept with another config is another grader.
  @Test func weightsAndGradersWeakenWhereTheyDecide() {
    func suite(_ weights: [Double], threshold: Double? = nil, minScore: Double = 0, grader: ProviderSpec? = nil)
      -> EvalSuite
    {
      var scored = test(
        weights.enumerated().map { assertion("contains", .string("x\($0.offset)"), weight: $0.element) },
        threshold: threshold)
      scored.assertions.append(assertion("llm-rubric", .string("kind")))
      scored.assertions[scored.assertions.count - 1].weight = 0
      var thresholds = EvalThresholds()
      thresholds.minScore = minScore
      return EvalSuite(
        path: "s.yml", description: nil, providers: [ProviderSpec(id: "echo")], tests: [scored], thresholds: thresholds,
        grader: grader,
        inputFiles: [:], warnings: [])
    }
    func messages(_ base: EvalSuite, _ head: EvalSuite) -> [String] {
      SuiteWeakening.compare(base: base, head: head).map(\.message)
    }
    #expect(messages(suite([3, 1]), suite([1, 1])).isEmpty, "no threshold, no minScore: weights decide nothing")
    #expect(
      messages(suite([3, 1], minScore: 0.5), suite([1, 1], minScore: 0.5)).contains {
        $0.contains("the suite's minScore 0.5")
      })
    #expect(
      messages(suite([0, 0], threshold: 0.5), suite([1, 1], threshold: 0.5)).contains { $0.contains("partial credit") })
    #expect(
      messages(suite([3, 1], threshold: 0.5), suite([0, 0], threshold: 0.5)).isEmpty, "all or nothing asks more")
    #expect(messages(suite([1, 1], threshold: 0.5), suite([2, 2], threshold: 0.5)).isEmpty, "the same shares")
    let cold = ProviderSpec(id: "openai:chat:judge", config: ["temperature": .integer(0)])
    var warm = cold
    warm.config["temperature"] = .integer(1)
    #expect(
      messages(suite([1], grader: cold), suite([1], grader: warm)) == [
        "the suite's grader (defaultTest.options.provider) kept 'openai:chat:judge' with another config; restore it, or land the grader change on its own"
      ])
    var relabelled = cold
    relabelled.label = "judge"
    #expect(messages(suite([1], grader: cold), suite([1], grader: relabelled)).isEmpty)
    #expect(
      messages(suite([1], grader: cold), suite([1], grader: nil)).contains {
        $0.contains("to none (the configured evals.grader)")
      })
  }

  /// In a suite shared by several prompts, a test scoped to another prompt with `promptId` is
  /// gone for this one, and says so.
  @Test func aTestScopedAwayFromThePromptIsAWeakeningForIt() {
    var shared = test([assertion("contains", .string("x"))])
    shared.description = "shared"
    var scoped = shared
    scoped.promptID = "other"
    func suite(_ tests: [EvalTest]) -> EvalSuite {
      EvalSuite(
        path: "s.yml", description: nil, providers: [ProviderSpec(id: "echo")], tests: tests,
        thresholds: EvalThresholds(), grader: nil, inputFiles: [:], warnings: [])
    }
    let found = SuiteWeakening.compare(base: suite([shared]), head: suite([scoped]), promptID: "mine").map(\.message)
    #expect(found == ["test 'shared' no longer applies to 'mine' (promptId: other)"])
    #expect(SuiteWeakening.compare(base: suite([shared]), head: suite([scoped]), promptID: "other").isEmpty)
  }

  @Test func llmRubricAsksTheGraderAndReadsItsVerdict() async throws {
    struct Grader: EvalProvider {
      let id = "grader"
      func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
        // Passes outputs that mention "refund"; the rubric and output arrive in promptfoo's chat
        // prompt, as JSON text.
        let pass = request.prompt.contains("<Output>\\nrefund policy")
        return ProviderResponse(
          output: "Verdict: {\"reason\": \"checked\", \"pass\": \(pass), \"score\": \(pass ? 0.9 : 0.1)}", latencyMs: 1)
      }
    }
    struct Garbage: EvalProvider {
      let id = "garbage"
      func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
        ProviderResponse(output: "I think it is fine", latencyMs: 1)
      }
    }
    let rubric = test([assertion("llm-rubric", .string("Mentions the refund policy"))])
    let good = try await AssertionChecker(grader: Grader()).grade(
      test: rubric, output: "refund policy is 30 days", latencyMs: 0, cost: nil)
    #expect(good.pass && good.score == 0.9)
    let bad = try await AssertionChecker(grader: Grader()).grade(
      test: rubric, output: "no idea", latencyMs: 0, cost: nil)
    #expect(!bad.pass)
    let negated = try await AssertionChecker(grader: Grader()).grade(
      test: test([assertion("not-llm-rubric", .string("Mentions the refund policy"))]), output: "no idea", latencyMs: 0,
      cost: nil)
    #expect(negated.pass)
    await #expect(throws: AssertionError.self) {
      _ = try await AssertionChecker(grader: Garbage()).grade(test: rubric, output: "x", latencyMs: 0, cost: nil)
    }
    await #expect(throws: AssertionError.self) {
      _ = try await AssertionChecker(grader: nil).grade(test: rubric, output: "x", latencyMs: 0, cost: nil)
    }
  }

  /// promptfoo's order for who grades a model-graded assertion: its own `provider`, then the
  /// test's `options.provider`, then `defaultTest.options.provider`; a `provider` on an assertion
  /// no model grades has no effect and says so.
  @Test func anAssertionsOwnProviderGradesItFirst() throws {
    let files = [
      "p/evalsuite.yml": """
      providers: [echo]
      defaultTest:
        options:
          provider: exec:suite-grader
      tests:
        - description: own
          assert:
            - type: llm-rubric
              value: strict
              provider: {id: exec:assertion-grader, config: {temperature: 0}}
            - type: not-llm-rubric
              value: rude
        - description: test
          options:
            provider: exec:test-grader
          assert:
            - type: llm-rubric
              value: kind
            - type: contains
              value: x
              provider: exec:unused

      """
    ]
    let loader = SuiteLoader(read: { files[$0].map { Array($0.utf8) } }, list: { _ in [] }, settings: EvalSettings())
    let suite = try loader.load(path: "p/evalsuite.yml")
    func unit(_ test: EvalTest) -> EvalUnit {
      EvalUnit(
        key: "k", promptID: "p", suitePath: suite.path, testIndex: 0, test: test, provider: ProviderSpec(id: "echo"),
        grader: test.grader ?? suite.grader, renderedPrompt: "", workingDirectory: "/", providerFileHashes: [])
    }
    let own = unit(suite.tests[0])
    #expect(
      own.grader(for: own.test.assertions[0])
        == ProviderSpec(id: "exec:assertion-grader", config: ["temperature": .integer(0)]))
    #expect(own.grader(for: own.test.assertions[1]) == ProviderSpec(id: "exec:suite-grader"))
    #expect(own.graders.map(\.id) == ["exec:assertion-grader", "exec:suite-grader"])
    let test = unit(suite.tests[1])
    #expect(test.graders.map(\.id) == ["exec:test-grader"], "a deterministic assertion needs no grader")
    #expect(
      suite.warnings.map { "\($0.line) \($0.message)" }.contains {
        $0.hasPrefix("21 ") && $0.contains("`provider` has no effect on `contains`")
      })
  }

  @Test func jsonTestFilesIndentedWithTabsStillLoad() throws {
    let files = [
      "s.yml": "providers: [echo]\ntests: ./cases.json\n",
      "cases.json": "[\n\t{\n\t\t\"description\": \"tabbed\",\n\t\t\"vars\": {\"x\": \"a\\/b\"}\n\t}\n]\n",
    ]
    let loader = SuiteLoader(read: { files[$0].map { Array($0.utf8) } }, list: { _ in [] }, settings: EvalSettings())
    let suite = try loader.load(path: "s.yml")
    #expect(suite.tests.map(\.name) == ["tabbed"])
    #expect(suite.tests[0].vars["x"] == .string("a/b"))
  }
}

/// Which suites could name a file outside their folder: the filter that lets a gate skip
/// reading most suites when an unrelated file changes. It may say yes too often, never too rarely.
@Suite("suites that may read outside their folder")
struct SuiteReachTests {
  @Test(arguments: [
    ("tests: [../../evals/*.yaml]\n", true),
    ("tests: [/evals/cases.json]\n", true),
    ("tests:\n  - /evals/cases.json\n", true),
    ("providers: [{id: \"openai:chat:m\", config: {apiBaseUrl: \"http://h/v1\"}}]\n", true),
    ("providers: [\"exec:python3 ../tools/grade.py\"]\n", true),
    ("prompts: [./prompt.txt]\nproviders: [echo]\ntests: [./cases/a.json, cases/b.yaml]\n", false),
    ("providers: [\"exec:python3 ./grade.py\"]\ntests:\n  - vars: {x: \"a-b_c.d\"}\n", false),
  ])
  func reach(text: String, outside: Bool) {
    #expect(SuiteLoader.mayReadOutsideItsFolder(Array(text.utf8)) == outside, "\(text)")
  }
}
