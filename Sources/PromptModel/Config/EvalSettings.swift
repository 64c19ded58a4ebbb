/// The `evals:` section of `.promptops.yml`. How evals run: suites, providers, concurrency, cache and thresholds.
public struct EvalSettings: Sendable, Equatable {
  /// The suite file beside a folder prompt (the reference layout's `evalsuite.yml`).
  public var suiteFile = "evalsuite.yml"
  /// Suites kept elsewhere, each selecting the prompts it evaluates by id or glob.
  public var suites: [SuiteSelection] = []
  /// A changed prompt without any suite is an `eval-missing` finding.
  public var requireSuite = false
  /// The variable a test case's `input` (the reference's test-cases.json) is bound to.
  public var inputVariable = "input"
  /// Provider calls in flight at once.
  public var concurrency = 4
  /// Reuse results whose inputs did not change (`--no-cache` overrides).
  public var cache = true
  /// The provider that grades `llm-rubric` assertions, unless a suite or assertion names one.
  public var grader: ProviderSpec?
  /// `builtin` runs suites here; `external` runs the user's own eval command per prompt.
  public var mode: Mode = .builtin
  /// The argv of the external eval command; `{suite}`, `{output}`, `{prompt}` and `{id}` are filled in.
  public var externalCommand: [String] = []
  /// Seconds one run of the external command may take before it (and all it started) is killed.
  public var externalTimeout: Double = 1800

  public enum Mode: String, Sendable, Equatable { case builtin, external }

  /// A suite named in the configuration, and the prompts it applies to.
  public struct SuiteSelection: Sendable, Equatable {
    public var path: String
    /// Prompt ids or globs (`support-*`); a prompt matching any of them runs this suite.
    public var prompts: [String]
    public var line: Int
  }

  public init() {}

  static func parse(_ node: YAMLValue, reader: ConfigReader) throws -> EvalSettings {
    var settings = EvalSettings()
    let known = [
      "suite_file", "suites", "require_suite", "input_variable", "concurrency", "cache", "grader", "mode",
      "external_command", "external_timeout",
    ]
    for (key, keyLine, value) in try reader.mapping(node, "evals") {
      switch key {
      case "suite_file": settings.suiteFile = try reader.string(value, "evals.suite_file")
      case "require_suite": settings.requireSuite = try reader.bool(value, "evals.require_suite")
      case "input_variable": settings.inputVariable = try reader.string(value, "evals.input_variable")
      case "concurrency": settings.concurrency = try reader.integer(value, "evals.concurrency", in: 1...1024)
      case "cache": settings.cache = try reader.bool(value, "evals.cache")
      case "mode":
        let text = try reader.string(value, "evals.mode")
        guard let mode = Mode(rawValue: text) else {
          throw reader.invalid(value.line, "`evals.mode` must be builtin or external (got '\(text)')")
        }
        settings.mode = mode
      case "external_command":
        settings.externalCommand = try reader.strings(value, "evals.external_command")
      case "external_timeout":
        settings.externalTimeout = try reader.number(value, "evals.external_timeout", in: 0.001...86_400)
      case "grader":
        if let id = value.scalarText {
          settings.grader = ProviderSpec(id: id)
        } else {
          var spec = ProviderSpec(id: "")
          for (subkey, subLine, subvalue) in try reader.mapping(value, "evals.grader") {
            switch subkey {
            case "id": spec.id = try reader.string(subvalue, "evals.grader.id")
            case "label": spec.label = try reader.string(subvalue, "evals.grader.label")
            case "config":
              guard case .object(let object) = try reader.json(subvalue, "evals.grader.config") else {
                throw reader.invalid(subvalue.line, "`evals.grader.config` must be a mapping")
              }
              spec.config = object
            default: throw reader.unknownKey("evals.grader.\(subkey)", line: subLine, known: ["id", "label", "config"])
            }
          }
          guard !spec.id.isEmpty else { throw reader.invalid(value.line, "`evals.grader` needs an `id`") }
          settings.grader = spec
        }
      case "suites":
        guard let items = value.sequence else {
          throw reader.invalid(value.line, "`evals.suites` must be a list of {path, prompts}")
        }
        for item in items {
          var path: String?
          var prompts: [String] = []
          for (subkey, subLine, subvalue) in try reader.mapping(item, "evals.suites[]") {
            switch subkey {
            case "path": path = try reader.string(subvalue, "evals.suites[].path")
            case "prompts": prompts = try reader.strings(subvalue, "evals.suites[].prompts")
            default: throw reader.unknownKey("evals.suites[].\(subkey)", line: subLine, known: ["path", "prompts"])
            }
          }
          guard let path else { throw reader.invalid(item.line, "each entry of `evals.suites` needs a `path`") }
          guard !prompts.isEmpty else {
            throw reader.invalid(item.line, "`evals.suites` entry \(path) needs `prompts` (ids or globs)")
          }
          settings.suites.append(SuiteSelection(path: path, prompts: prompts, line: item.line))
        }
      default:
        throw reader.unknownKey("evals.\(key)", line: keyLine, known: known)
      }
    }
    if settings.mode == .external && settings.externalCommand.isEmpty {
      throw reader.invalid(
        node.line, "`evals.mode: external` needs `evals.external_command` (argv with {suite} and {output})")
    }
    return settings
  }
}
