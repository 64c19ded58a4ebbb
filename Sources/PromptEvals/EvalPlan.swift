import Crypto
import PromptModel

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
  /// Which of the suite's prompts this unit renders (promptfoo's `<file>: <text>` label); nil
  /// when it was made without one.
  public var promptLabel: String? = nil

  /// Who grades a model-graded assertion, by promptfoo's precedence: the assertion's own
  /// `provider`, then the test's `options.provider` (which inherits `defaultTest.options.provider`),
  /// then the configured `evals.grader`.
  public func grader(for assertion: EvalAssertion) -> ProviderSpec? { assertion.provider ?? grader }

  /// The graders the test's model-graded assertions need, each once, in the order they are named.
  public var graders: [ProviderSpec] {
    var found: [ProviderSpec] = []
    for assertion in test.assertions.flatMap(\.leaves) where assertion.isModelGraded {
      if let spec = grader(for: assertion), !found.contains(spec) { found.append(spec) }
    }
    return found
  }

  /// The SHA-256 of everything that decides a provider's answer to one request in run
  /// `repetition` of this unit: the provider's spec, what the environment decided for it
  /// (`identity`, its `cacheIdentity`), the provider files the suite names, the request's text and
  /// variables, and the repetition (each run is a sample of its own). The unit's provider and its
  /// graders are asked under such keys alike; the verdict is never part of what is stored.
  public func answerKey(provider spec: ProviderSpec, identity: String, request: ProviderRequest, repetition: Int)
    -> String
  {
    // Each part is named and its length given before it, so no two different requests read the
    // same: hashed as they come, with no document built for them.
    var hasher = SHA256()
    func add(_ name: StaticString, _ text: String) {
      hasher.update(bufferPointer: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
      var text = text
      text.withUTF8 { bytes in
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
      }
    }
    add("format", "\(EvalCache.format)")
    add("provider", spec.canonicalJSON)
    add("providerIdentity", identity)
    for file in providerFileHashes { add("providerFile", file) }
    // A command's relative paths resolve against the suite's folder: `./model.sh` in two folders
    // is two programs.
    if spec.id.hasPrefix("exec:") || spec.id.hasPrefix("file://") { add("folder", SuiteLoader.folder(of: suitePath)) }
    add("prompt", request.prompt)
    for (name, value) in request.vars.sorted(by: { $0.key < $1.key }) {
      add("var", name)
      add("value", value)
    }
    add("repetition", "\(repetition)")
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in hasher.finalize() {
      hex.append(digits[Int(byte >> 4)])
      hex.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
  }
}
