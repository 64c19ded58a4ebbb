import ArgumentParser
import Foundation
import PromptRelease

extension PromptHistory.Format: ExpressibleByArgument {}

extension PromptOps {
  struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "A prompt's full trail: versions, authors, changelogs, evals, approvals, promotions, rollbacks.")

    @Argument(help: "The prompt id.")
    var id: String

    @Option(help: "Output format: text, json, markdown.")
    var format: PromptHistory.Format = .text

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func run() throws {
      let workspace = try ReleaseWorkspace(repository: try openRepository(directory))
      let history = try PromptHistory(id: id, workspace: workspace)
      FileHandle.standardOutput.write(Data(history.render(format).utf8))
    }
  }
}
