import ArgumentParser
import Foundation
import GitKit
import PromptRelease

extension PromptOps {
  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Print the prompt text pinned in an environment, verified against its hash.",
      discussion: """
        Prints what a runtime loader would load: the pinned text, read from the pinned commit \
        and checked against the pinned sha256 (exit 1 with pin-mismatch, printing nothing of the \
        text, when it does not match). --raw prints the exact bytes and nothing else.
        """)

    @Argument(help: "The prompt id.")
    var id: String

    @Option(help: "The environment.")
    var env: String

    @Flag(help: "Only the text, byte for byte.")
    var raw = false

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func run() throws {
      let workspace = try ReleaseWorkspace(repository: try openRepository(directory))
      let pinned = try PinnedText.read(id: id, environment: env, workspace: workspace)
      var output = Data()
      if !raw {
        output.append(
          Data(
            """
            # \(id) \(pinned.pin.version) in \(env)
            # sha256 \(pinned.pin.sha256) (verified), commit \(pinned.pin.commit), \(pinned.pin.path)
            # promoted by \(pinned.pin.promotedBy) at \(pinned.pin.promotedAt)

            """.utf8))
      }
      output.append(contentsOf: pinned.bytes)
      FileHandle.standardOutput.write(output)
    }
  }
}
