import PromptModel

/// One promptfoo-style eval suite, with its test files read and `defaultTest` applied.
public struct EvalSuite: Sendable, Equatable {
  /// Repository-relative path of the suite file.
  public var path: String
  public var description: String?
  public var providers: [ProviderSpec]
  public var tests: [EvalTest]
  public var thresholds: EvalThresholds
  /// The grader for `llm-rubric` (`defaultTest.options.provider`), when the suite names one.
  public var grader: ProviderSpec?
  /// Every file whose content decides this suite's results: the suite itself, its test files and
  /// the provider files it names, with the SHA-256 of each.
  public var inputFiles: [String: String]
  /// Keys the suite has that promptops does not act on: reported, never silently dropped.
  public var warnings: [SuiteProblem]
  /// The files in the repository the commands of its providers and graders name (an `exec:`
  /// script), with the SHA-256 of each: a subset of `inputFiles`.
  public var providerFiles: [String: String] = [:]
  /// The line of the `provider` key that names `grader`; 0 when there is none.
  public var graderLine = 0
  /// The prompts the suite's `prompts:` key names, read as promptfoo reads them; nil when the
  /// suite has no such key (it then evaluates the prompt it belongs to or selects).
  public var prompts: [SuitePrompt]?
  public var promptsLine = 0
}

/// One prompt a suite's `prompts:` names, as promptfoo's processors read it (`src/prompts/`).
public struct SuitePrompt: Sendable, Equatable {
  /// The text to render: a part of a `.txt` file split on `---` lines and trimmed
  /// (`processors/text.ts`), the compact JSON of a `.json` file (`processors/json.ts`), or an
  /// inline prompt as written (`processors/string.ts`).
  public var raw: String
  /// The repository path of the file it comes from; nil for an inline prompt.
  public var file: String?
  /// How results name it: promptfoo's `<file>: <text>` label, or the label the suite gives.
  public var label: String
  /// The line of the suite's `prompts:` entry that names it.
  public var line: Int
  /// The line of its first character in its file (the entry's line for an inline prompt).
  public var firstLine: Int
  /// The `label` the suite gives it (for a prompt from a glob, followed by `: <path>`, as
  /// `processPrompt` in `src/prompts/index.ts` writes it); nil when it gives none.
  public var givenLabel: String? = nil
  /// The `id` the suite gives an inline prompt (`processString` keeps it; file processors drop it).
  public var givenID: String? = nil
  /// For a prompt read from a file, that file's path relative to the suite's folder, as
  /// promptfoo joins it to the folder it is run from into the prompt's label.
  public var relativePath: String? = nil
}

/// The pass rate and average score a prompt's results must reach.
public struct EvalThresholds: Sendable, Equatable, Codable {
  /// promptfoo's default: every test passes.
  public var minPassRate: Double = 1
  public var minScore: Double = 0
  /// Lines of the keys, for weakening findings; 0 when the suite does not set them.
  public var minPassRateLine = 0
  public var minScoreLine = 0

  public init() {}

  enum CodingKeys: String, CodingKey { case minPassRate, minScore }
}

/// One test case: variables and what the output must satisfy.
public struct EvalTest: Sendable, Equatable {
  public var description: String?
  public var vars: [String: JSONValue]
  public var assertions: [EvalAssertion]
  /// Minimum weighted score for the test to pass; nil means every assertion must pass.
  public var threshold: Double?
  /// Runs of the test, and how many must pass (`repeat`, `minPass`), for flaky model outputs.
  public var repeatCount = 1
  public var minPass: Int?
  /// The grader for this test's `llm-rubric` assertions (`options.provider`).
  public var grader: ProviderSpec?
  /// The line of the test's own `options.provider`; 0 when the test inherits its grader or has none.
  public var graderLine = 0
  /// When set, the test applies only to the prompt with this id (the reference's `promptId`).
  public var promptID: String?
  /// The test's own `provider`: it answers this test in place of each of the suite's providers
  /// (promptfoo's `activeProvider` in `src/evaluator.ts`).
  public var provider: ProviderSpec?
  /// The test's `providers:` (inherited from `defaultTest.providers`): the suite's providers it
  /// runs on, by label, id or pattern (`isProviderAllowed`, `src/util/provider.ts`); nil for all.
  public var providerFilter: [String]?
  /// Where the `providers:` key is (the suite's `defaultTest`, or the test's own file).
  public var providerFilterFile = ""
  public var providerFilterLine = 0
  /// The test's `prompts:` (inherited from `defaultTest.prompts`): the suite's prompts it runs
  /// on (`isPromptAllowed`, `src/util/promptMatching.ts`); nil for all.
  public var promptFilter: [String]?
  public var promptFilterFile = ""
  public var promptFilterLine = 0
  /// `options.disableVarExpansion`: a list in `vars` stays one value instead of one test per item.
  public var disableVarExpansion = false
  /// `options.disableDefaultAsserts`: the test runs without `defaultTest`'s assertions.
  public var disableDefaultAsserts = false
  /// `providerOutput` (or a CSV `__providerOutput`): graded in place of asking the provider, as
  /// promptfoo's `runEval` does (`src/evaluator.ts`).
  public var providerOutput: String?
  public var file: String
  public var line: Int

  /// How the test is named in reports: its description, or its position.
  public var name: String { description ?? "test at \(file):\(line)" }

  /// Runs that must pass: all of them unless `minPass` says fewer.
  public var requiredPasses: Int { min(max(minPass ?? repeatCount, 1), repeatCount) }
}

/// One assertion, in promptfoo's vocabulary.
public struct EvalAssertion: Sendable, Equatable, Hashable {
  /// The type without a `not-` prefix.
  public var type: String
  public var negated: Bool
  public var value: JSONValue?
  public var threshold: Double?
  public var weight: Double = 1
  public var metric: String?
  /// The grader for a model-graded assertion, when the assertion names its own.
  public var provider: ProviderSpec?
  public var line: Int
  /// The assertions of an `assert-set`, graded together against its own `threshold`.
  public var children: [EvalAssertion] = []
  /// The assertion's `config`, handed to a script assertion as `context.config`.
  public var config: [String: JSONValue] = [:]

  /// The type as written (`not-contains`).
  public var fullType: String { (negated ? "not-" : "") + type }

  /// Whether a model grades the assertion (promptfoo's model-graded types promptops runs, and
  /// `similar`, graded by an embedding model), so its grader decides the verdict.
  public var isModelGraded: Bool { AssertionCatalog.needsGrader.contains(type) }

  /// The assertion itself, or for an `assert-set` the assertions it holds (at any depth).
  public var leaves: [EvalAssertion] { type == "assert-set" ? children.flatMap(\.leaves) : [self] }

  /// What the assertion checks, for messages.
  public var summary: String {
    guard let value else { return fullType }
    let text = value.templateText
    return "\(fullType) \(text.count > 60 ? String(text.prefix(57)) + "…" : text)"
  }
}

/// A problem in a suite or test file, at a line.
public struct SuiteProblem: Sendable, Equatable, Error, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var message: String

  public var description: String { "\(file):\(line): \(message)" }
}

extension ProviderSpec {
  /// Canonical text of the spec, for cache keys and comparisons.
  var canonicalJSON: String {
    JSONValue.object([
      "id": .string(id), "label": label.map(JSONValue.string) ?? .null, "config": .object(config),
    ]).canonicalJSON
  }
}
