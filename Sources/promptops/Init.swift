import ArgumentParser
import Foundation
import GitKit
import PromptGate
import PromptModel

extension PromptOps {
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Write a commented .promptops.yml and an example prompt at the repository's top.")

    @Flag(help: "Overwrite files that already exist.")
    var force = false

    @OptionGroup var options: GlobalOptions

    func run() throws {
      let written = try Scaffold.write(into: try options.openRepository(), force: force)
      for path in written { print("wrote \(path)") }
      print(
        "next: git add \(written.joined(separator: " ")) && git commit, then `promptops hooks install` or `promptops check`"
      )
    }
  }
}
