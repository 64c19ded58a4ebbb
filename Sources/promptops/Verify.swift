import ArgumentParser
import Foundation
import PromptModel
import PromptRelease
import PromptReporting

extension PromptOps {
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "verify",
      abstract: "Prove that pins and release tags still match the content they recorded.",
      discussion: """
        For every pin in the lock file (or those of --env): the content at the pinned commit has \
        the pinned sha256, its card names the pinned version, and that version is in the card \
        history reachable from HEAD; and a promotion made it: its release tag is on the pinned \
        commit recording the pinned sha256, the audit log (the working tree's or HEAD's) has a \
        promote or rollback event for it, and with promotion.enforce_order the previous \
        environment had the same content (pin-mismatch). For every release tag: the tagged \
        commit holds the content its message records (tag-mismatch). Exit 1 on any mismatch; \
        suitable for a deploy step.
        """)

    @Option(help: "Only the pins of this environment (release tags are always checked).")
    var env: String?

    @Option(help: "Output format: text or json.")
    var format: TextOrJSONFormat = .text

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func run() throws {
      let workspace = try ReleaseWorkspace(repository: try openRepository(directory))
      let report = try PinVerifier(workspace: workspace).verify(environment: env)
      if format == .json {
        print(String(decoding: try JSONWriter.pretty(report), as: UTF8.self))
      } else {
        FileHandle.standardOutput.write(Data(PinVerifier.renderText(report).utf8))
      }
      if !report.passed { throw ReportedFailure.violations }
    }
  }
}
