import ArgumentParser
import Foundation
import GitKit
import PromptApprovals

extension ApprovalRecord.Decision: ExpressibleByArgument {}
extension ApprovalRecord.ChecklistItem: ExpressibleByArgument {}

extension PromptOps {
  struct Approve: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "approve",
      abstract: "Approve (or reject) a prompt's exact content with a signed record.",
      discussion: """
        Writes <approvals directory>/<id>/<version>-<env>-<reviewer>.yml for the prompt as it \
        stands at HEAD (or in the index with --staged): id, version, SHA-256 of the text, \
        environment, reviewer, role, decision, time, checklist and notes, signed with \
        `ssh-keygen -Y sign -n \(ApprovalRecord.signatureNamespace)` using --key or git's \
        user.signingkey. Commit the record; the gate verifies it against the allowed signers \
        and policy of the target branch.

        Checklist items: \(ApprovalRecord.ChecklistItem.allCases.map { "\($0.rawValue) (\($0.meaning))" }.joined(separator: "; ")).
        """)

    @Argument(help: "The prompt id.")
    var id: String

    @Option(help: "The version being approved; must match the card (a safeguard against approving the wrong thing).")
    var version: String?

    @Option(help: "The environment the approval is for (merge, staging, prod, …).")
    var env: String

    @Option(help: "The role you approve in (as listed for you in approvals.reviewers).")
    var role: String

    @Option(help: "approved, rejected or changes-requested.")
    var decision: ApprovalRecord.Decision = .approved

    @Option(help: "A note for the record (repeatable; one line each).")
    var note: [String] = []

    @Option(help: "A checklist item you checked (repeatable).")
    var check: [ApprovalRecord.ChecklistItem] = []

    @Option(
      help: ArgumentHelp(
        "SSH key to sign with (private key, or public key held by ssh-agent); default: git's user.signingkey.",
        valueName: "path"))
    var key: String?

    @Option(help: "Reviewer email; default: git's user.email.")
    var reviewer: String?

    @Flag(help: "Approve the content staged in the index instead of HEAD's.")
    var staged = false

    @Flag(help: "Replace your existing record for this version and environment.")
    var replace = false

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func run() throws {
      let repository = try openRepository(directory)
      let outcome = try ApprovalAuthoring(repository: repository).approve(
        .init(
          promptID: id, version: version, environment: env, role: role, decision: decision,
          notes: note.joined(separator: "\n"),
          checks: check, reviewer: reviewer, key: key, staged: staged, replace: replace))
      let record = outcome.record
      print("\(record.decision.rawValue): \(record.promptID) \(record.version) for \(record.environment)")
      print("  sha256:   \(record.sha256)")
      print("  reviewer: \(record.reviewer) as \(record.role)")
      print("  record:   \(outcome.path) (signed; commit it)")
    }
  }
}
