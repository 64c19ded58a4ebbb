import ArgumentParser
import PromptModel

extension PromptOps {
  struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rules", abstract: "List the rules with their ids, default severities and fixes.")

    @Flag(help: "Print a Markdown table (docs/rules.md is made from it).")
    var markdown = false

    func run() {
      if markdown {
        print("| id | default | what it catches | how to fix |")
        print("|---|---|---|---|")
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        for rule in RuleID.allCases {
          print(
            "| `\(rule.rawValue)` | \(rule.info.defaultSeverity.rawValue) | \(cell(rule.info.summary)). \(cell(rule.info.rationale)) | \(cell(rule.info.fix)) |"
          )
        }
        return
      }
      for rule in RuleID.allCases {
        print("\(rule.rawValue) (\(rule.info.defaultSeverity.rawValue))")
        print("  \(rule.info.summary). \(rule.info.rationale)")
        print("  fix: \(rule.info.fix)")
      }
    }
  }
}
