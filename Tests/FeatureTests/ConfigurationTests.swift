import Testing

@testable import PromptChanges
@testable import PromptModel

@Suite("Configuration")
struct ConfigurationTests {
  @Test func defaultsDescribeTheReferenceLayout() throws {
    let config = try Configuration.parse("")
    #expect(config.roots == ["prompts"])
    #expect(config.textFile == "prompt.txt")
    #expect(config.cardFile == "prompt-card.yml")
    #expect(config.severity(of: .constraintRemoved) == .warning)
  }

  @Test func readsEveryKey() throws {
    let config = try Configuration.parse(
      """
      version: 1
      prompts:
        roots: [./llm/prompts/, shared]
        text_file: template.md
        card_file: card.yaml
        single_file_suffixes: [.prompty]
      variables:
        pattern: '\\$\\{(\\w+)\\}'
      constraints:
        keywords: [must, never]
      rules:
        constraint-removed: error
        prompt-deleted: off
      """)
    #expect(config.roots == ["llm/prompts", "shared"])
    #expect(config.textFile == "template.md")
    #expect(config.cardFile == "card.yaml")
    #expect(config.singleFileSuffixes == [".prompty"])
    #expect(config.constraintKeywords == ["must", "never"])
    #expect(config.severity(of: .constraintRemoved) == .error)
    #expect(config.severity(of: .promptDeleted) == nil)
    #expect(VariableScanner(pattern: config.variablePattern).variables(in: "Hi ${name}, ${ topic }") == ["name"])
  }

  @Test(
    .timeLimit(.minutes(5)),
    arguments: [
      ("prompts:\n  root: [x]\n", 2, "unknown key `prompts.root`"),
      ("rules:\n  version-not-bumped: fatal\n", 2, "must be error, warning, info or off"),
      ("rules:\n  no-such-rule: error\n", 2, "unknown rule `no-such-rule`"),
      ("version: 2\n", 1, "unsupported configuration version 2"),
      ("variables:\n  pattern: '(unclosed'\n", 2, "valid regular expression"),
      ("prompts: [a\n", 2, "invalid YAML"),
      ("colour: red\n", 1, "unknown key `colour`"),
      // YAML aliases that blow a key or a value up past the bound: an error, not a cut-off reading.
      (
        "? \(aliasLadder(levels: 5))\n: 1\n", 1,
        "a key of the configuration expands past 65536 characters (YAML aliases?)"
      ),
      (
        "evals:\n  grader:\n    id: echo\n    config: {pad: \(aliasLadder(levels: 6))}\n", 4,
        "its aliases expand it past 200000 values"
      ),
    ])
  func rejectsBadConfigurationWithFileAndLine(_ text: String, _ line: Int, _ fragment: String) {
    #expect {
      _ = try Configuration.parse(text)
    } throws: { error in
      guard case .invalidConfiguration(let file, let errorLine, let message) = error as? PromptOpsError else {
        return false
      }
      return file == ".promptops.yml" && errorLine == line && message.contains(fragment)
    }
  }
}

/// A flow list of anchored lists, each nine aliases to the one before: `levels` lines' worth of
/// YAML that stands for 9^levels scalars.
func aliasLadder(levels: Int) -> String {
  var items = ["&l1 [x,x,x,x,x,x,x,x,x]"]
  for level in 2...levels {
    items.append("&l\(level) [" + Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ",") + "]")
  }
  return "[" + items.joined(separator: ", ") + "]"
}
