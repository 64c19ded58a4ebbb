import Foundation
import PromptModel

/// The verdict of one assertion on one output.
public struct AssertionOutcome: Sendable, Equatable, Codable {
  public var pass: Bool
  public var score: Double
  public var reason: String
  public var type: String
  public var value: JSONValue?
  public var weight: Double
  public var metric: String?
}

/// The verdict on one test run: every assertion, and the weighted score.
public struct GradingOutcome: Sendable, Equatable, Codable {
  public var pass: Bool
  public var score: Double
  public var reason: String
  public var components: [AssertionOutcome]
}

/// What an assertion sees besides the output: the prompt the model was sent, the test's
/// variables, the provider that answered (its config names the tools a tool call is checked
/// against), and where the suite's scripts are.
public struct AssertionContext: Sendable {
  public var prompt: String
  public var vars: [String: JSONValue]
  public var providerID: String
  public var providerConfig: [String: JSONValue]
  public var latencyMs: Double
  public var cost: Double?
  /// The suite's folder on disk: `file://` scripts resolve against it.
  public var folder: String
  /// Where interpreters (`python3`, `node`) are looked up (`PATH`).
  public var environment: [String: String]

  public init(
    prompt: String = "", vars: [String: JSONValue] = [:], providerID: String = "echo",
    providerConfig: [String: JSONValue] = [:],
    latencyMs: Double = 0, cost: Double? = nil, folder: String = FileManager.default.currentDirectoryPath,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.prompt = prompt
    self.vars = vars
    self.providerID = providerID
    self.providerConfig = providerConfig
    self.latencyMs = latencyMs
    self.cost = cost
    self.folder = folder
    self.environment = environment
  }
}

/// One assertion's verdict before weighting. `inverted` says the check already applied `not-`
/// itself (promptfoo's handlers each do, some with their own rules).
struct Verdict {
  var pass: Bool
  var score: Double
  var reason: String
  var inverted = false

  static func binary(_ pass: Bool, _ reason: String) -> Verdict {
    Verdict(pass: pass, score: pass ? 1 : 0, reason: reason)
  }
}

/// The models that grade an assertion: a chat model for model-graded types, an embedding model
/// for `similar` (and both for `answer-relevance`). Each is asked through the run's answer book,
/// so its answers are cached like the model's.
struct AssertionGraders: Sendable {
  let text: @Sendable (EvalAssertion) -> (any EvalProvider)?
  let embedding: @Sendable (EvalAssertion) -> (any EvalProvider)?

  static let none = AssertionGraders(text: { _ in nil }, embedding: { _ in nil })
}

/// Checks assertions with promptfoo's semantics (`src/assertions/index.ts`,
/// `src/assertions/assertionsResult.ts`): each passes or fails with a score in 0…1, `not-`
/// inverts the verdict, an assertion of weight 0 always passes (it only scores), and a test
/// passes when every assertion passes, or, when the test has a non-zero `threshold`, when the
/// weighted average score reaches it. `assert-set` groups assertions under a threshold of
/// their own, and counts in its test as one assertion with its own weight.
struct AssertionChecker {
  let graders: AssertionGraders

  init(graders: AssertionGraders) { self.graders = graders }

  /// One chat grader for every model-graded assertion (tests).
  init(grader: (any EvalProvider)?) { graders = AssertionGraders(text: { _ in grader }, embedding: { _ in nil }) }

  func grade(test: EvalTest, output: String, latencyMs: Double, cost: Double?) async throws -> GradingOutcome {
    try await grade(
      test: test, output: output, context: AssertionContext(vars: test.vars, latencyMs: latencyMs, cost: cost))
  }

  func grade(test: EvalTest, output: String, context: AssertionContext) async throws -> GradingOutcome {
    try await combine(test.assertions, threshold: test.threshold, output: output, context: context)
  }

  /// promptfoo's `AssertionsResult`: weighted mean score; passes when nothing failed, or, with a
  /// threshold (promptfoo tests it for truth, so 0 means none), when the mean reaches it.
  private func combine(_ assertions: [EvalAssertion], threshold: Double?, output: String, context: AssertionContext)
    async throws -> GradingOutcome
  {
    guard !assertions.isEmpty else {
      return GradingOutcome(pass: true, score: 1, reason: "no assertions", components: [])
    }
    var components: [AssertionOutcome] = []
    for assertion in assertions {
      var verdict: Verdict
      if assertion.type == "assert-set" {
        let set = try await combine(
          assertion.children, threshold: assertion.threshold, output: output, context: context)
        verdict = Verdict(pass: set.pass, score: set.score, reason: set.reason)
      } else {
        verdict = try await check(assertion, output: output, context: context)
        if assertion.negated && !verdict.inverted {
          verdict.pass.toggle()
          verdict.score = 1 - verdict.score
          verdict.reason = verdict.pass ? "negated: \(verdict.reason)" : "expected not: \(verdict.reason)"
        }
        if assertion.weight == 0 { verdict.pass = true }
      }
      components.append(
        AssertionOutcome(
          pass: verdict.pass, score: verdict.score, reason: verdict.reason, type: assertion.fullType,
          value: assertion.value,
          weight: assertion.weight, metric: assertion.metric))
    }
    let totalWeight = components.reduce(0) { $0 + $1.weight }
    let score = totalWeight > 0 ? components.reduce(0) { $0 + $1.score * $1.weight } / totalWeight : 0
    if let threshold, threshold != 0 {
      let pass = score >= threshold
      let reason = "aggregate score \(String(format: "%.2f", score)) \(pass ? "≥" : "<") \(format(threshold)) threshold"
      return GradingOutcome(pass: pass, score: score, reason: reason, components: components)
    }
    let failed = components.last(where: { !$0.pass })
    return GradingOutcome(
      pass: failed == nil, score: score, reason: failed?.reason ?? "all assertions passed", components: components)
  }

  private func check(_ assertion: EvalAssertion, output: String, context: AssertionContext) async throws -> Verdict {
    switch assertion.type {
    case "python", "javascript":
      return try await ScriptAssertion(assertion: assertion, context: context).check(output: output)
    case "llm-rubric", "model-graded-closedqa", "factuality", "model-graded-factuality", "g-eval",
      "context-faithfulness", "context-recall",
      "context-relevance":
      guard let grader = graders.text(assertion) else { throw AssertionError(noGrader(assertion)) }
      return try await ModelGradedAssertion(assertion: assertion, grader: grader, context: context).check(
        output: output)
    case "similar", "answer-relevance":
      guard let embedder = graders.embedding(assertion) else { throw AssertionError(noGrader(assertion)) }
      let grader = assertion.type == "answer-relevance" ? graders.text(assertion) : nil
      if assertion.type == "answer-relevance" && grader == nil { throw AssertionError(noGrader(assertion)) }
      return try await EmbeddingAssertion(assertion: assertion, embedder: embedder, grader: grader, context: context)
        .check(output: output)
    default:
      return try DeterministicAssertion(assertion: assertion, context: context).check(output: output)
    }
  }

  private func noGrader(_ assertion: EvalAssertion) -> String {
    "\(assertion.type) needs a grader: set `evals.grader`, `defaultTest.options.provider` or the assertion's `provider`"
  }

  private func format(_ value: Double) -> String { String(format: "%g", value) }
}

/// An assertion that cannot be checked (bad regex, missing threshold, a grader's answer that
/// does not parse): an eval error, never a verdict either way.
struct AssertionError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Quoting for messages: long values are cut.
package func quoted(_ text: String) -> String { "\"\(text.count > 80 ? String(text.prefix(77)) + "…" : text)\"" }
