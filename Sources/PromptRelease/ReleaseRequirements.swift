import Foundation
import GitKit
import PromptModel

/// What an environment demands of a version before it is pinned there, by `promote` or by
/// `rollback` alike: approvals of exactly its content that verify (`requires_approval`), evals
/// that pass when run now (`requires_evals`), and, with `enforce_order`, a pin in the previous
/// environment. One place, so that no way into an environment asks for less than another.
final class ReleaseRequirements {
  let workspace: ReleaseWorkspace
  let environment: PromotionSettings.Environment
  /// The lock file as it stands: with its committed history, where earlier pins are found.
  let lock: LockFile
  private var history: LockHistory?

  init(workspace: ReleaseWorkspace, environment: PromotionSettings.Environment, lock: LockFile) {
    self.workspace = workspace
    self.environment = environment
    self.lock = lock
  }

  /// The lock file as each commit reachable from HEAD recorded it, read once when first needed.
  func lockHistory() throws -> LockHistory {
    if let history { return history }
    let read = try LockHistory(repository: workspace.repository, lockPath: workspace.settings.lockFile)
    history = read
    return read
  }

  /// The verified approvers of this content, released at `commit`, for the environment, or why
  /// there are none that count. Nothing is asked where the environment does not require approval.
  func approvals(id: String, version: String, sha256: String, commit: ObjectID) throws -> (
    approvers: [String], refusal: String?
  ) {
    guard environment.requiresApproval else { return ([], nil) }
    let approvals = try workspace.evidence.approvals(
      promptID: id, version: version, sha256: sha256, environment: environment.name, commit: commit)
    if approvals.satisfied { return (approvals.approvers, nil) }
    let why = approvals.findings.isEmpty ? "no verified approval" : approvals.findings.joined(separator: "; ")
    return (
      [],
      "[\(RuleID.approvalMissing.rawValue)] \(environment.name) requires an approval of exactly this content "
        + "(promotion.environments: requires_approval): \(why)"
    )
  }

  /// With `enforce_order`, why this content cannot be pinned yet: it was never pinned in the
  /// previous environment (the lock as it stands, or any committed state of it).
  func order(id: String, version: String, sha256: String) throws -> String? {
    guard let previous = workspace.settings.predecessor(of: environment.name) else { return nil }
    if try wasPinned(id, sha256: sha256, in: previous.name) { return nil }
    return "\(id) \(version) was never pinned in \(previous.name); promote it there first "
      + "(`promptops promote \(id) --env \(previous.name) --version \(version)`), or set promotion.enforce_order: false"
  }

  /// Whether `sha256` of `id` was ever pinned in `environment`: in the lock as it stands or in
  /// any committed state of it.
  func wasPinned(_ id: String, sha256: String, in environment: String) throws -> Bool {
    if lock.pin(id, in: environment)?.sha256 == sha256 { return true }
    return try lockHistory().hasPinned(id, sha256: sha256, in: environment)
  }

  /// The version's evals, run now as its commit has them under HEAD's configuration, and why they
  /// refuse it: a failure always refuses; no outcome (no suite, no runner) refuses where the
  /// environment requires evals.
  func evals(id: String, version: String, sha256: String, commit: ObjectID, useCache: Bool) throws -> (
    evidence: EvalEvidence, refusal: String?
  ) {
    let evidence = try workspace.evidence.evaluateNow(promptID: id, sha256: sha256, commit: commit, useCache: useCache)
    switch evidence.status {
    case .passed:
      return (evidence, nil)
    case .failed:
      return (
        evidence, "[\(RuleID.evalFailed.rawValue)] the evals of \(id) \(version), run now, failed: \(evidence.summary)"
      )
    case .none where environment.requiresEvals:
      return (
        evidence,
        "[\(RuleID.evalMissing.rawValue)] \(environment.name) requires passing evals (promotion.environments: requires_evals), "
          + "and those of \(id) \(version) could not be run: \(evidence.summary)"
      )
    case .none:
      return (evidence, nil)
    }
  }
}
