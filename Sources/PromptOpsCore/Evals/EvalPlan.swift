/// Everything needed to evaluate one prompt, read from one snapshot before any provider is called.
public struct PromptEvalPlan: Sendable {
  public let promptID: String
  public let version: String?
  /// SHA-256 of the prompt text: the content the results are recorded for.
  public let sha256: String?
  public let path: String
  /// The prompt's text file (for a folder prompt, the file inside `path`).
  public let textPath: String
  public let suitePaths: [String]
  /// The strictest thresholds among the prompt's suites.
  public let thresholds: EvalThresholds
  /// Every file whose content decides the results (text, card, suites, test and provider files),
  /// with its SHA-256.
  public let inputs: [String: String]
  /// One unit per test and provider, in a deterministic order.
  public var units: [EvalUnit]
  /// Problems that keep the prompt from being evaluated (a broken suite, a missing variable).
  public var errors: [SuiteProblem]
  /// Keys promptops does not act on.
  public var warnings: [SuiteProblem]

  /// True when at least one suite applies to the prompt.
  public var hasSuite: Bool { !suitePaths.isEmpty }
}

/// One test run against one provider (repeated `test.repeatCount` times).
public struct EvalUnit: Sendable {
  /// Stable name of the unit across runs and shards: prompt, suite, test position, provider.
  public let key: String
  public let promptID: String
  public let suitePath: String
  public let testIndex: Int
  public let test: EvalTest
  public let provider: ProviderSpec
  /// The test's grader: its `options.provider`, inherited from `defaultTest.options.provider`,
  /// else `evals.grader`. An assertion's own `provider` comes first (see `grader(for:)`).
  public let grader: ProviderSpec?
  /// The prompt with the test's variables filled in: exactly what the provider receives.
  public let renderedPrompt: String
  /// Absolute folder relative paths in the provider spec resolve against (the suite's folder).
  public let workingDirectory: String
  /// Hashes of the provider files the suite names (a script behind an `exec:` provider).
  public let providerFileHashes: [String]

  /// Who grades a model-graded assertion, by promptfoo's precedence: the assertion's own
  /// `provider`, then the test's `options.provider` (which inherits `defaultTest.options.provider`),
  /// then the configured `evals.grader`.
  public func grader(for assertion: EvalAssertion) -> ProviderSpec? { assertion.provider ?? grader }

  /// The graders the test's model-graded assertions need, each once, in the order they are named.
  public var graders: [ProviderSpec] {
    var found: [ProviderSpec] = []
    for assertion in test.assertions where assertion.isModelGraded {
      if let spec = grader(for: assertion), !found.contains(spec) { found.append(spec) }
    }
    return found
  }

  /// The SHA-256 of everything that decides run `repetition` of this unit's result; the
  /// identities are the providers' `cacheIdentity` (what the environment decided for them).
  public func cacheKey(repetition: Int, providerIdentity: String = "", graderIdentity: String = "") -> String {
    let assertions = JSONValue.array(
      test.assertions.map { assertion in
        .object([
          "type": .string(assertion.fullType), "value": assertion.value ?? .null,
          "threshold": assertion.threshold.map(JSONValue.number) ?? .null, "weight": .number(assertion.weight),
          "metric": assertion.metric.map(JSONValue.string) ?? .null,
          "provider": assertion.provider.map { .string($0.canonicalJSON) } ?? .null,
        ])
      })
    var members: [String: JSONValue] = [
      "format": .integer(1),
      "prompt": .string(renderedPrompt),
      "provider": .string(provider.canonicalJSON),
      "providerFiles": .array(providerFileHashes.map(JSONValue.string)),
      "vars": .object(test.vars),
      "assert": assertions,
      "threshold": test.threshold.map(JSONValue.number) ?? .null,
      "grader": grader.map { .string($0.canonicalJSON) } ?? .null,
      "repetition": .integer(Int64(repetition)),
    ]
    // Only present when the environment decided something, so other providers' keys (and the
    // results cached under them) stay as they were.
    if !providerIdentity.isEmpty { members["providerIdentity"] = .string(providerIdentity) }
    if !graderIdentity.isEmpty { members["graderIdentity"] = .string(graderIdentity) }
    return Prompt.sha256(of: JSONValue.object(members).canonicalJSONBytes)
  }
}
