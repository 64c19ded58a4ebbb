import ArgumentParser
import Foundation
import PromptChanges
import PromptGate

extension PromptOps {
  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show a prompt-aware diff of one prompt.",
      discussion: """
        Shows versions, the bump the change needs and why (variables added or removed, model), \
        constraint lines lost, and the text diff. Without --base: the staged change (index \
        against HEAD). With --base: that revision against --head (default HEAD).
        """)

    @Argument(help: "The prompt's id.")
    var id: String

    @Option(help: "Compare against this revision.")
    var base: String?

    @Option(help: "The revision to show (default HEAD); needs --base.")
    var head: String?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
      if head != nil && base == nil { throw ValidationError("--head needs --base") }
    }

    func run() throws {
      let repository = try options.openRepository()
      let comparison: Comparison = base.map { .commits(base: $0, head: head) } ?? .staged
      let (change, configuration) = try Analyzer(repository: repository).change(of: id, in: comparison)
      guard let change else {
        print("\(id): no changes")
        return
      }
      let diff = PromptDiff(change: change, configuration: configuration)
      if options.format == .json {
        print(String(decoding: diff.jsonDocument.prettyJSON, as: UTF8.self))
        return
      }
      FileHandle.standardOutput.write(Data(diff.textReport.utf8))
    }
  }
}
