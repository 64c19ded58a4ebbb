import ArgumentParser
import Foundation
import GitKit
import PromptApprovals
import PromptGate
import PromptModel

extension PromptOps {
  struct Approvals: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "approvals",
      abstract: "Work with signed approval records.",
      subcommands: [Verify.self])

    struct Verify: ParsableCommand {
      static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the approvals at HEAD against the policy for an environment.",
        discussion: """
          Checks the records of the given prompts (default: every prompt the policy requires \
          approval for in --env) as they stand at --revision (default HEAD), against the \
          approvals policy and allowed signers of that same revision. Signatures are verified \
          in-process (no ssh-keygen needed). Exit 1 when an approval is missing or invalid.
          """)

      @Argument(help: "Prompt ids (default: every prompt that needs approval for --env).")
      var ids: [String] = []

      @Option(help: "The environment to verify for.")
      var env = Analyzer.mergeEnvironment

      @Option(help: "The revision to read prompts, records, policy and keys from (default HEAD).")
      var revision: String?

      @OptionGroup var options: GlobalOptions

      func run() throws {
        let repository = try options.openRepository()
        let audit = try ApprovalAudit.run(repository: repository, revision: revision, environment: env, ids: ids)
        if options.format == .text {
          var lines = ""
          for entry in audit.entries {
            let header = "\(entry.promptID) \(entry.version) (sha256 \(entry.sha256.prefix(12))…) for \(env):"
            if entry.verdict.requirement == nil {
              lines += "\(header) no approval required\n"
            } else if entry.verdict.approvers.isEmpty {
              lines += "\(header) no valid approvals\n"
            } else {
              lines +=
                header + " approved by "
                + entry.verdict.approvers.map { "\($0.reviewer) (\($0.role))" }.joined(separator: ", ") + "\n"
            }
          }
          // Written straight to the file handle, in order with the report `finish` writes.
          FileHandle.standardOutput.write(Data(lines.utf8))
        }
        try finish(audit.report, options: options)
      }
    }
  }
}
