import Foundation
import GitKit

/// The evidence a repository holds: signed approval records, verified exactly as the merge gate
/// verifies them, with the policy, allowed signers and records as HEAD has them.
struct RecordedPromotionEvidence: PromotionEvidence {
  let repository: Repository
  let fallback = NoPromotionEvidence()

  func recordedEvals(promptID: String, sha256: String, commit: ObjectID?) throws -> EvalEvidence {
    try fallback.recordedEvals(promptID: promptID, sha256: sha256, commit: commit)
  }

  func revalidate(promptID: String, sha256: String, commit: ObjectID) throws -> EvalEvidence {
    try fallback.revalidate(promptID: promptID, sha256: sha256, commit: commit)
  }

  func approvals(promptID: String, version: String, sha256: String, environment: String) throws -> ApprovalEvidence {
    let head: Snapshot = try repository.headCommit().map { .commit($0) } ?? .empty
    let verdict = try ApprovalVerifier.verify(
      repository: repository, snapshot: head, promptID: promptID, version: version, sha256: sha256,
      environment: environment)
    return ApprovalEvidence(
      approvers: verdict.approvers.map { "\($0.reviewer) (\($0.role))" },
      findings: verdict.findings.filter { $0.severity == .error }.map { "[\($0.rule)] \($0.message)" })
  }
}
