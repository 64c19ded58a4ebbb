import Foundation

/// `.promptops.yml`: where prompts live and how strictly each rule is enforced.
///
/// Every key is optional; with no file at all the defaults describe the reference layout
/// (`prompts/<id>/prompt.txt` + `prompt-card.yml`, and single files with front matter).
public struct Configuration: Sendable, Equatable {
  public static let fileName = ".promptops.yml"

  /// Folders (repository-relative) that hold prompts.
  public var roots: [String] = ["prompts"]
  /// Folder layout: the prompt text and the card inside `<root>/<id>/`.
  public var textFile = "prompt.txt"
  public var cardFile = "prompt-card.yml"
  /// Optional Keep-a-Changelog file beside a folder prompt.
  public var changelogFile = "CHANGELOG.md"
  /// Single-file prompts: YAML front matter (the card) followed by the text.
  public var singleFileSuffixes = [".prompt.md", ".prompt", ".prompty"]
  /// Regular expression for template variables; capture group 1 is the name.
  public var variablePattern = defaultVariablePattern
  /// `{{name}}` and `{{ name }}`, as promptfoo and most template engines write them.
  public static let defaultVariablePattern = #"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}"#
  /// Words that mark a line as a constraint (matched as whole words, case-insensitively).
  public var constraintKeywords = [
    "must", "must not", "never", "only", "always", "do not", "don't", "cannot", "can't",
    "required", "require", "requires", "shall", "shall not", "forbidden", "prohibited",
    "under no circumstances", "at all times", "exactly", "strictly", "mandatory",
  ]
  /// Severity overrides by rule; `nil` means the rule is off.
  public var severities: [RuleID: Severity?] = [:]
  /// How evals run and what they must reach (`evals:`).
  public var evals = EvalSettings()
  /// Who must approve which prompts before merge or promotion (`approvals:`).
  public var approvals = ApprovalPolicy()
  /// Environments, their order, and where pins live (`promotion:`).
  public var promotion = PromotionSettings()

  public init() {}

  /// The effective severity of a rule, or nil when the configuration turns it off.
  public func severity(of rule: RuleID) -> Severity? {
    if let configured = severities[rule] { return configured }
    return rule.info.defaultSeverity
  }

  /// Parses the text of a configuration file; errors name the file and line.
  public static func parse(_ text: String, file: String = fileName) throws -> Configuration {
    let reader = ConfigReader(file: file)
    func invalid(_ line: Int?, _ message: String) -> PromptOpsError { reader.invalid(line, message) }
    let root: YAMLValue?
    do {
      root = try YAMLValue.parse(text)
    } catch {
      throw invalid(error.line, error.message)
    }
    var config = Configuration()
    guard let root else { return config }
    guard let pairs = try reader.pairs(root, "the configuration") else {
      throw invalid(root.line, "expected a mapping of settings at the top level")
    }
    func strings(_ node: YAMLValue, _ key: String) throws -> [String] { try reader.strings(node, key) }
    func string(_ node: YAMLValue, _ key: String) throws -> String { try reader.string(node, key) }
    func mapping(_ node: YAMLValue, _ key: String) throws -> [(key: String, keyLine: Int, value: YAMLValue)] {
      try reader.mapping(node, key)
    }

    for (key, keyLine, value) in pairs {
      switch key {
      case "version":
        guard value.scalarText == "1" else {
          throw invalid(
            value.line, "unsupported configuration version \(value.scalarText ?? "?"); this promptops reads version 1")
        }
      case "prompts":
        for (subkey, subLine, subvalue) in try mapping(value, key) {
          switch subkey {
          case "roots":
            config.roots = try strings(subvalue, "prompts.roots").map(normalizeFolder)
            if let bad = config.roots.first(where: { $0.hasPrefix("/") || $0.split(separator: "/").contains("..") }) {
              throw invalid(
                subvalue.line,
                "`prompts.roots` holds folders inside the repository, relative to its top; '\(bad)' is not one")
            }
            if config.roots.isEmpty { throw invalid(subvalue.line, "`prompts.roots` needs at least one folder") }
          case "text_file": config.textFile = try string(subvalue, "prompts.text_file")
          case "card_file": config.cardFile = try string(subvalue, "prompts.card_file")
          case "changelog_file": config.changelogFile = try string(subvalue, "prompts.changelog_file")
          case "single_file_suffixes":
            config.singleFileSuffixes = try strings(subvalue, "prompts.single_file_suffixes")
          default:
            throw invalid(
              subLine,
              "unknown key `prompts.\(subkey)` (known: roots, text_file, card_file, changelog_file, single_file_suffixes)"
            )
          }
        }
      case "variables":
        for (subkey, subLine, subvalue) in try mapping(value, key) {
          guard subkey == "pattern" else {
            throw invalid(subLine, "unknown key `variables.\(subkey)` (known: pattern)")
          }
          let pattern = try string(subvalue, "variables.pattern")
          guard let regex = try? NSRegularExpression(pattern: pattern), regex.numberOfCaptureGroups >= 1 else {
            throw invalid(
              subvalue.line,
              "`variables.pattern` must be a valid regular expression with one capture group for the name")
          }
          config.variablePattern = pattern
        }
      case "constraints":
        for (subkey, subLine, subvalue) in try mapping(value, key) {
          guard subkey == "keywords" else {
            throw invalid(subLine, "unknown key `constraints.\(subkey)` (known: keywords)")
          }
          config.constraintKeywords = try strings(subvalue, "constraints.keywords")
        }
      case "rules":
        for (ruleName, ruleLine, setting) in try mapping(value, key) {
          guard let rule = RuleID(rawValue: ruleName) else {
            throw invalid(
              ruleLine, "unknown rule `\(ruleName)` (known: \(RuleID.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
          }
          let level = setting.scalarText ?? ""
          if level == "off" {
            config.severities[rule] = .some(nil)
          } else if let severity = Severity(rawValue: level) {
            config.severities[rule] = severity
          } else {
            throw invalid(
              setting.line, "severity of `\(ruleName)` must be error, warning, info or off (got '\(level)')")
          }
        }
      case "evals": config.evals = try EvalSettings.parse(value, reader: reader)
      case "approvals": config.approvals = try ApprovalPolicy.parse(value, reader: reader)
      case "promotion": config.promotion = try PromotionSettings.parse(value, reader: reader)
      default:
        throw reader.unknownKey(
          key, line: keyLine,
          known: ["version", "prompts", "variables", "constraints", "rules", "evals", "approvals", "promotion"])
      }
    }
    return config
  }

  private static func normalizeFolder(_ folder: String) -> String {
    var path = folder
    while path.hasPrefix("./") { path.removeFirst(2) }
    while path.hasSuffix("/") { path.removeLast() }
    return path == "." ? "" : path
  }
}
