import Foundation
import GitKit
import PromptModel

/// `promptops promote`: checks a prompt version's preconditions (its evals run now where the
/// environment requires them, verified approvals, the promotion order), tags its commit and pins
/// it in an environment.
///
/// What is written, in this order: the release tag (before the promotion lock: a tag names a
/// version's content, true whatever becomes of the pin, and a retry finds it in place); then,
/// under the lock, the audit event, flushed to disk before the pin it records; then the lock file;
/// then, with `--commit`, the commit of both. A step that fails undoes the ones before it under
/// the lock (the lock file put back, the event taken back), so a promotion that reports failure
/// has released nothing; a process killed between them leaves at most an event without its pin,
/// which releases nothing either and which the next run of the same promotion completes. A
/// promotion already in place (pin and event) is not made again: a retry writes nothing, or only
/// the commit it lacked. See `ReleaseWriter`.
public struct Promoter {
  public let workspace: ReleaseWorkspace

  public init(workspace: ReleaseWorkspace) { self.workspace = workspace }

  public struct Request: Sendable {
    public var id: String
    public var environment: String
    /// Promote this version (found in the history of HEAD); nil means the version at `revision`.
    public var version: String?
    /// The revision to promote from (default HEAD).
    public var revision: String?
    public var sign = false
    public var signingKey: String?
    /// Commit the lock file and audit log afterwards.
    public var commit = false

    public init(id: String, environment: String, version: String? = nil, revision: String? = nil) {
      self.id = id
      self.environment = environment
      self.version = version
      self.revision = revision
    }
  }

  public struct Outcome: Sendable {
    public let pin: LockFile.Pin
    public let previous: LockFile.Pin?
    public let tag: String
    public let tagCreated: Bool
    /// The evals run at promotion (where the environment requires them), or why none ran.
    public let evals: EvalEvidence
    public let approvers: [String]
    /// What the user should know but that does not decide (a failure recorded in the notes).
    public let warnings: [String]
    /// Whether the pin was written now, completed for a run that was stopped, or already in place.
    public let result: ReleaseWriter.Result
  }

  public func promote(_ request: Request) throws -> Outcome {
    let environment = try workspace.environment(request.environment)
    let repository = workspace.repository
    let start = try request.revision.map { try repository.resolveCommit($0) } ?? workspace.head
    let timeline = try PromptTimeline(id: request.id, repository: repository, layout: workspace.layout, from: start)

    let target: PromptTimeline.Version
    if let wanted = request.version {
      guard let found = timeline.version(wanted) else {
        let known = timeline.versions.map(\.version)
        throw PromptOpsError.promptNotFound(
          id: request.id,
          detail: "at version \(wanted) in the history of \(request.revision ?? "HEAD")"
            + (known.isEmpty ? "" : " (versions: \(known.joined(separator: ", ")))"))
      }
      target = found
    } else {
      guard
        let prompt = try PromptFinder.find(
          request.id, in: .commit(start), repository: repository, layout: workspace.layout)
      else {
        throw PromptOpsError.promptNotFound(
          id: request.id,
          detail: "at \(request.revision ?? "HEAD") (looked in \(workspace.layout.roots.joined(separator: ", ")))")
      }
      try Self.requireValidCard(prompt)
      guard let version = prompt.card?.version.text, let found = timeline.version(version) else {
        throw PromptOpsError.repository("cannot find the commit that introduced \(request.id)'s current version")
      }
      if found.sha256 != prompt.sha256 {
        throw PromotionRefused(reasons: [
          "\(request.id) \(version) was introduced at commit \(found.commit.hex.prefix(12)) with sha256 \(found.sha256.prefix(12))…, "
            + "but its text changed later without a version bump (now \(prompt.sha256?.prefix(12) ?? "?")…); "
            + "bump the version and promote the new one"
        ])
      }
      target = found
    }
    try Self.requireValidCard(target.prompt)

    let git = try workspace.git()
    let by = try git.committerIdentity()
    let at = ReleaseWorkspace.now()
    let tagName = workspace.settings.tagName(id: request.id, version: target.version)
    var pin = LockFile.Pin(
      version: target.version, sha256: target.sha256, commit: target.commit.hex, path: target.prompt.location.textPath,
      promotedBy: by, promotedAt: at)
    var event = AuditLog.Event(
      event: .promote, at: at, by: by, environment: environment.name, promptID: request.id, from: nil,
      to: .init(version: pin.version, sha256: pin.sha256, commit: pin.commit))
    let commit =
      request.commit
      ? ReleaseWriter.Commit(
        paths: [workspace.settings.lockFile, workspace.settings.auditLog],
        message:
          "Promote \(request.id) \(target.version) to \(environment.name)\n\nsha256: \(target.sha256)\ntag: \(tagName)\n"
      )
      : nil
    let writer = ReleaseWriter(workspace: workspace)

    // A promotion already in place (a retry of one that succeeded, or that was stopped before
    // its commit) is not made again, nor judged again.
    if let (done, current) = try writer.finishIfInPlace(.init(pin: pin, event: event), commit: commit) {
      return Outcome(
        pin: current, previous: nil, tag: tagName, tagCreated: false,
        evals: EvalEvidence(
          status: .none,
          summary: "not run again: \(request.id) \(target.version) was already pinned in \(environment.name)"),
        approvers: done.approvers ?? [], warnings: [], result: .alreadyInPlace(done))
    }

    // Notes and the lock are pushable state anyone can write: where the environment requires
    // evals they are run now, as the version's commit has them, and that run decides.
    let requirements = ReleaseRequirements(
      workspace: workspace, environment: environment, lock: try workspace.lockStore.read())
    var refusals: [String] = []
    var warnings: [String] = []
    let evals: EvalEvidence
    if environment.requiresEvals {
      let (run, refusal) = try requirements.evals(
        id: request.id, version: target.version, sha256: target.sha256, commit: target.commit, useCache: true)
      evals = EvalEvidence(status: run.status, summary: "run at promotion: " + run.summary)
      warnings += run.notices
      if let refusal { refusals.append(refusal) }
    } else {
      evals = EvalEvidence(status: .none, summary: "not run at promotion (\(environment.name) does not require evals)")
      let recorded = try workspace.evidence.recordedEvals(promptID: request.id, sha256: target.sha256)
      if recorded.status == .failed {
        warnings.append(
          "the newest eval result recorded for \(request.id) \(target.version) failed (\(recorded.summary)); recorded notes are not "
            + "verified and \(environment.name) does not require evals, so it does not decide: run `promptops eval \(request.id)` to see"
        )
      }
    }
    let (approvers, approvalRefusal) = try requirements.approvals(
      id: request.id, version: target.version, sha256: target.sha256, commit: target.commit)
    if let approvalRefusal { refusals.append(approvalRefusal) }
    if let orderRefusal = try requirements.order(id: request.id, version: target.version, sha256: target.sha256) {
      refusals.append(orderRefusal)
    }
    guard refusals.isEmpty else { throw PromotionRefused(reasons: refusals) }

    let message = ReleaseTagMessage(
      id: request.id, version: target.version, sha256: target.sha256, path: target.prompt.location.textPath,
      evals: evals.summary, approvers: approvers)
    let tag = try workspace.ensureTag(
      message, commit: target.commit, sign: request.sign, signingKey: request.signingKey)

    // Stamped when pinned, not when the checks (evals may take minutes) began.
    pin.promotedAt = ReleaseWorkspace.now()
    event.at = pin.promotedAt
    event.evals = evals.summary
    event.approvers = approvers
    var previous: LockFile.Pin?
    let (result, placed) = try writer.apply(.init(pin: pin, event: event), commit: commit) { previous = $0 }
    return Outcome(
      pin: placed, previous: previous, tag: tag.name, tagCreated: tag.created, evals: evals, approvers: approvers,
      warnings: warnings,
      result: result)
  }

  /// A version whose card cannot be read is not released.
  static func requireValidCard(_ prompt: Prompt) throws {
    guard prompt.card == nil || !prompt.problems.isEmpty else { return }
    let problems = prompt.problems.map { "[\(RuleID.cardInvalid.rawValue)] \($0.file):\($0.line): \($0.message)" }
    throw PromotionRefused(
      reasons: problems.isEmpty
        ? ["[\(RuleID.cardInvalid.rawValue)] \(prompt.location.cardPath): no readable card"] : problems)
  }
}
