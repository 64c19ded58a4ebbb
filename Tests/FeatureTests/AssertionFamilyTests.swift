import Foundation
import Testing

@testable import PromptEvals
@testable import PromptModel

/// The assertion families added for promptfoo compatibility, against numbers worked out from
/// promptfoo's sources (`src/assertions/*.ts`, `src/matchers.ts`, js-rouge).
@Suite("assertions: overlap metrics, refusals, graders' answers")
struct AssertionFamilyTests {
  func assertion(_ type: String, _ value: JSONValue? = nil, threshold: Double? = nil) -> EvalAssertion {
    let negated = type.hasPrefix("not-")
    return EvalAssertion(
      type: negated ? String(type.dropFirst(4)) : type, negated: negated, value: value, threshold: threshold, line: 1)
  }

  func grade(_ assertion: EvalAssertion, _ output: String, grader: (any EvalProvider)? = nil, prompt: String = "Q?")
    async throws -> GradingOutcome
  {
    let test = EvalTest(description: "t", vars: [:], assertions: [assertion], file: "s.yml", line: 1)
    return try await AssertionChecker(grader: grader).grade(
      test: test, output: output, context: AssertionContext(prompt: prompt))
  }

  /// A script assertion's interpreter is found as promptfoo's own programs are (`ExecutableSearch`:
  /// absolute folders only). A relative `PATH` entry would be read against the folder promptops
  /// runs in, the repository under review, which could then bring a `python3` that passes
  /// everything.
  @Test(.timeLimit(.minutes(5))) func aRelativePathEntryCannotSupplyTheInterpreter() async throws {
    let folder = NSTemporaryDirectory() + "promptops-relative-path-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let impostor = folder + "/bin/python3"
    try "#!/bin/sh\ncat >/dev/null\necho '{\"result\": true}'\n".write(
      toFile: impostor, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: impostor)
    // The same folder, once as a path relative to where this process runs and once absolute.
    let here = FileManager.default.currentDirectoryPath.split(separator: "/")
    let relative = Array(repeating: "..", count: here.count).joined(separator: "/") + folder + "/bin"
    let test = EvalTest(
      description: "t", vars: [:], assertions: [assertion("python", .string("False"))], file: "s.yml", line: 1)
    func grade(path: String) async throws -> GradingOutcome {
      try await AssertionChecker(grader: nil).grade(
        test: test, output: "x", context: AssertionContext(prompt: "Q?", environment: ["PATH": path]))
    }
    #expect(try await grade(path: folder + "/bin").pass, "the absolute entry runs the stand-in, which passes")
    do {
      let outcome = try await grade(path: relative)
      Issue.record("the relative entry \(relative) supplied the interpreter: \(outcome)")
    } catch {
      #expect("\(error)".contains("need `python3` on PATH"), "\(error)")
    }
  }

  @Test func rougeAndBleuGivePromptfoosScores() throws {
    let reference = "The quick brown fox jumps over the lazy dog"
    #expect(
      try OverlapMetrics.rougeN(candidate: "The quick brown fox jumps over the dog", reference: reference) == 8.0 / 9.0)
    // Distinct candidate words over all reference words, case kept ("the" and "The" differ).
    #expect(try OverlapMetrics.rougeN(candidate: "the the the", reference: reference) == 1.0 / 9.0)
    #expect(TreebankTokenizer.tokenize("I can't go.") == ["I", "ca", "n't", "go", "."])
    #expect(TreebankTokenizer.tokenize("\"Hi,\" she said") == ["``", "Hi", ",", "''", "she", "said"])
    #expect(try OverlapMetrics.bleu(candidate: "the cat sat on the mat", references: ["the cat sat on the mat"]) == 1)
    // Brevity penalty exp(1 - 3/6) with every precision 1 for n ≤ 3 and the 4-gram smoothed.
    let short = try OverlapMetrics.bleu(candidate: "the cat sat", references: ["the cat sat on the mat"])
    #expect(abs(short - exp(1 - 3.0 / 6.0) * exp(0.25 * log(1e-7))) < 1e-12)
    #expect(throws: AssertionError.self) { _ = try OverlapMetrics.rougeN(candidate: "", reference: reference) }
  }

  /// promptfoo's comma lists: quotes keep commas, empty fields are skipped (a trailing comma must
  /// not add an empty needle, which every output contains).
  @Test func commaListsAreSplitAsPromptfooSplitsThem() async throws {
    #expect(
      try DeterministicAssertion.commaSeparated(#"red, "blue, green" , ,yellow,"#) == ["red", "blue, green", "yellow"])
    #expect(try DeterministicAssertion.commaSeparated(#""say \"hi\"", "a""b""#) == [#"say "hi""#, #"a"b"#])
    #expect(throws: AssertionError.self) { _ = try DeterministicAssertion.commaSeparated(#""open"#) }
    #expect(!(try await grade(assertion("contains-any", .string("purple, ")), "no colour here")).pass)
    #expect(try await grade(assertion("contains-all", .string(#""a, b", c"#)), "a, b and c").pass)
  }

  @Test func refusalsAreReadAsPromptfooReadsThem() async throws {
    for (output, refusal) in [
      ("I'm sorry, but I can't help with that.", true), ("I’m unable to assist with this request", true),
      ("As an AI, I have no opinions.", true), ("Paris is the capital of France.", false),
      ("As an airbnb host I welcome you", false),
    ] {
      #expect(RefusalDetector.isBasicRefusal(output) == refusal, "\(output)")
    }
    // An empty answer is a refusal with score 0 either way (promptfoo's refusal.ts).
    let empty = try await grade(assertion("is-refusal"), "  ")
    #expect(empty.pass && empty.score == 0)
    let negatedEmpty = try await grade(assertion("not-is-refusal"), "")
    #expect(!negatedEmpty.pass && negatedEmpty.score == 0)
  }

  /// A grader that answers the same text to everything, and records what it was asked.
  final class FixedGrader: EvalProvider, @unchecked Sendable {
    let id = "fixed"
    let answers: [String]
    private(set) var asked: [String] = []
    init(_ answers: String...) { self.answers = answers }
    func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
      asked.append(request.prompt)
      return ProviderResponse(output: answers[min(asked.count - 1, answers.count - 1)], latencyMs: 1)
    }
  }

  /// A grader's answer promptfoo could not read is an eval error here, never a pass (promptfoo
  /// records a failed assertion; neither passes).
  @Test(arguments: [
    ("llm-rubric", "Looks fine to me"), ("llm-rubric", #"{"reason": "no verdict"}"#),
    ("llm-rubric", #"{"pass": "maybe"}"#),
    ("model-graded-closedqa", "Probably yes"), ("factuality", #"{"category": "Z"}"#),
    ("factuality", "It is consistent"),
    ("g-eval", "Step one: read it"), ("context-faithfulness", ""),
  ])
  func malformedGraderAnswersAreErrors(type: String, answer: String) async throws {
    let grader = FixedGrader(answer)
    var checked = assertion(type, .string("criterion"))
    if type == "context-faithfulness" { checked.value = nil }
    let test = EvalTest(
      description: "t", vars: ["query": .string("q"), "context": .string("c")], assertions: [checked], file: "s.yml",
      line: 1)
    await #expect(throws: AssertionError.self) {
      _ = try await AssertionChecker(grader: grader).grade(
        test: test, output: "an answer", context: AssertionContext(prompt: "Q?", vars: test.vars))
    }
  }

  @Test func gradersAreReadAsPromptfooReadsThem() async throws {
    // llm-rubric: a string verdict, a string score, and the threshold on the score.
    #expect(
      try await grade(
        assertion("llm-rubric", .string("r")), "x", grader: FixedGrader(#"{"pass": "yes", "score": "0.9"}"#)
      ).score == 0.9)
    #expect(
      !(try await grade(
        assertion("llm-rubric", .string("r"), threshold: 0.95), "x",
        grader: FixedGrader(#"{"pass": true, "score": 0.9}"#)
      ).pass))
    // closedqa: the last letter of the answer decides.
    #expect(
      try await grade(assertion("model-graded-closedqa", .string("c")), "x", grader: FixedGrader("Reasoning...\nY\n"))
        .pass)
    #expect(
      !(try await grade(assertion("model-graded-closedqa", .string("c")), "x", grader: FixedGrader("Reasoning...\nN"))
        .pass))
    // factuality: D fails, the others pass; JSON or the older "(B)" answer.
    #expect(
      !(try await grade(assertion("factuality", .string("e")), "x", grader: FixedGrader(#"{"category": "d"}"#)).pass))
    #expect(try await grade(assertion("factuality", .string("e")), "x", grader: FixedGrader(" (B) a superset")).pass)
    // g-eval: steps, then a score out of 10 against 0.7.
    let geval = FixedGrader(#"{"steps": ["read", "judge"]}"#, #"{"score": 7, "reason": "ok"}"#)
    let verdict = try await grade(assertion("g-eval", .string("clear")), "x", grader: geval)
    #expect(verdict.pass && abs(verdict.score - 0.7) < 1e-12)
    #expect(geval.asked.count == 2 && geval.asked[1].contains("- read\n- judge"))
  }

  @Test func theRubricPromptIsPromptfoosChatPromptAsJSON() async throws {
    let grader = FixedGrader(#"{"pass": true, "score": 1, "reason": "r"}"#)
    _ = try await grade(assertion("llm-rubric", .string("Is \"polite\"")), #"{"b": 1, "a": [1, 2]}"#, grader: grader)
    let prompt = try #require(grader.asked.first)
    #expect(
      prompt.hasPrefix(#"[{"role":"system","content":"You are grading output according to a user-specified rubric."#))
    // The output is read as JSON (promptfoo's tryParse) and written back compact; the rubric as is.
    #expect(
      prompt.hasSuffix(
        #"{"role":"user","content":"<Output>\n{\"b\":1,\"a\":[1,2]}\n</Output>\n<Rubric>\nIs \"polite\"\n</Rubric>"}]"#),
      "\(prompt)")
    #expect(
      GradingPrompts.render("{{statements|join(\"\\n\")}}|{{ missing }}|", ["statements": .list(["a", "b"])])
        == "a\nb||")
  }

  @Test func cosineSimilarityAndItsDefaultThreshold() async throws {
    #expect(try EmbeddingAssertion.cosine([1, 0], [1, 0]) == 1)
    #expect(try EmbeddingAssertion.cosine([1, 0], [0, 1]) == 0)
    #expect(throws: AssertionError.self) { _ = try EmbeddingAssertion.cosine([1, 0], [1]) }
    struct Vectors: EvalProvider {
      let id = "vectors"
      func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
        ProviderResponse(output: request.prompt == "a" ? "[1, 0]" : "[0.8, 0.6]", latencyMs: 0)
      }
    }
    let test = EvalTest(
      description: "t", vars: [:], assertions: [assertion("similar", .string("a"))], file: "s.yml", line: 1)
    let checker = AssertionChecker(graders: AssertionGraders(text: { _ in nil }, embedding: { _ in Vectors() }))
    // cosine 0.8 reaches promptfoo's default of 0.75.
    let similar = try await checker.grade(test: test, output: "b", latencyMs: 0, cost: nil)
    #expect(similar.pass && abs(similar.score - 0.8) < 1e-12)
  }
}

@Suite("weakening: inside an assert-set")
struct AssertSetWeakeningTests {
  func load(_ text: String) throws -> EvalSuite {
    try SuiteLoader(read: { $0 == "s.yml" ? Array(text.utf8) : nil }, list: { _ in [] }, settings: EvalSettings()).load(
      path: "s.yml")
  }

  static let base = """
    providers: [echo]
    tests:
      - description: greets
        assert:
          - type: assert-set
            threshold: 0.5
            assert:
              - type: contains
                value: hello
              - type: contains
                value: world

    """

  /// An assert-set is one assertion of its test; what it holds decides it, so dropping one of its
  /// assertions (or loosening its threshold) weakens the suite even though the set itself stays.
  @Test(arguments: [
    ("          - type: contains\n            value: world\n", "", "the assertions inside an `assert-set` changed"),
    ("        threshold: 0.5\n", "        threshold: 0.25\n", "threshold loosened from 0.5 to 0.25"),
  ])
  func changingWhatASetHoldsIsAWeakening(old: String, new: String, expected: String) throws {
    let base = try load(Self.base)
    let head = try load(Self.base.replacingOccurrences(of: old, with: new))
    #expect(head != base)
    let found = SuiteWeakening.compare(base: base, head: head).map(\.message)
    #expect(found.contains { $0.contains(expected) }, "\(found)")
    // Moving it down the file changes nothing.
    #expect(SuiteWeakening.compare(base: base, head: try load("\n\n" + Self.base)).isEmpty)
  }
}
