import Foundation
import GitKit
import PromptModel

/// `promptops rollback`: re-pins an environment to the last known good version (or a chosen
/// one) after re-running its evals, and records who, when, why, from and to.
///
/// A rollback is a way into an environment, so it asks what `promote` asks (approvals where the
/// environment requires them, passing evals, the promotion order), and it goes only where the
/// environment has been before: a version pinned there in the lock file's committed history.
///
/// It writes as `Promoter` does (see there and `ReleaseWriter`): with `--restore` the restored
/// files first, then the audit event, flushed to disk, then the lock file, then the commit; a
/// step that fails undoes the ones before it. The same rollback (same prompt, environment and
/// reason, and the same `--to` if one was named) run again once it is in place changes nothing.
public struct Rollback {
  public let workspace: ReleaseWorkspace

  public init(workspace: ReleaseWorkspace) { self.workspace = workspace }

  public struct Request: Sendable {
    public var id: String
    public var environment: String
    /// Roll back to this version; nil means the last known good one.
    public var version: String?
    public var reason: String
    /// Also write the target's content back as a new version.
    public var restore = false
    public var commit = false

    public init(id: String, environment: String, version: String? = nil, reason: String) {
      self.id = id
      self.environment = environment
      self.version = version
      self.reason = reason
    }
  }

  public struct Outcome: Sendable {
    public let from: AuditLog.Event.Ref
    public let to: LockFile.Pin
    public let revalidation: EvalEvidence
    /// Versions passed over on the way to the target, with why.
    public let skipped: [String]
    /// With `--restore`: the new version written and the files changed.
    public let restored: RestoredVersion?
    /// Whether the pin was written now, completed for a run that was stopped, or already in place.
    public let result: ReleaseWriter.Result
    /// What the user should know but that does not decide (an eval note that was not recorded).
    public var warnings: [String] = []
  }

  public func rollback(_ request: Request) throws -> Outcome {
    let reason = request.reason.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(
      in: .whitespaces)
    guard !reason.isEmpty else { throw PromptOpsError.usage("--reason must say why (it goes into the audit log)") }
    let environment = try workspace.environment(request.environment)
    let repository = workspace.repository
    let lock = try workspace.lockStore.read()
    guard let current = lock.pin(request.id, in: environment.name) else {
      throw PromotionRefused(reasons: [
        "\(request.id) is not pinned in \(environment.name); there is nothing to roll back"
      ])
    }
    let writer = ReleaseWriter(workspace: workspace)
    if let done = try finishIfInPlace(
      request, reason: reason, environment: environment.name, current: current, writer: writer)
    {
      return done
    }
    let timeline = try PromptTimeline(
      id: request.id, repository: repository, layout: workspace.layout, from: workspace.head)

    // A version goes back in only on evals run now, past the cache: recorded notes are pushable
    // state anyone can write, and the question is whether it passes against today's models.
    let requirements = ReleaseRequirements(workspace: workspace, environment: environment, lock: lock)
    var warnings: [String] = []
    func revalidate(_ version: String, _ sha256: String, _ commit: ObjectID) throws -> (
      evidence: EvalEvidence, refusal: String?
    ) {
      let (run, refusal) = try requirements.evals(
        id: request.id, version: version, sha256: sha256, commit: commit, useCache: false)
      warnings += run.notices
      return (EvalEvidence(status: run.status, summary: "re-run now: " + run.summary), refusal)
    }
    // What promote would ask, bar the evals (run last: they call providers): the verified
    // approvers (for the tag and the audit event), or why the version may not go in.
    func approvalsAndOrder(_ version: String, _ sha256: String, _ commit: ObjectID) throws -> (
      approvers: [String], refusals: [String]
    ) {
      let (approvers, approvalRefusal) = try requirements.approvals(
        id: request.id, version: version, sha256: sha256, commit: commit)
      let orderRefusal = try requirements.order(id: request.id, version: version, sha256: sha256)
      return (approvers, [approvalRefusal, orderRefusal].compactMap { $0 })
    }
    // Retrying a rollback must not undo the one before it.
    let rolledBackFrom = current.rollback.map { (version: $0.fromVersion, sha256: $0.fromSha256) }
    let earlierPins = try requirements.lockHistory().pins(of: request.id, in: environment.name)

    var skipped: [String] = []
    let target: Target
    let revalidation: EvalEvidence
    let approvers: [String]
    if let wanted = request.version {
      guard let found = timeline.version(wanted) else {
        throw PromptOpsError.promptNotFound(
          id: request.id,
          detail:
            "at version \(wanted) in the history of HEAD (versions: \(timeline.versions.map(\.version).joined(separator: ", ")))"
        )
      }
      target = Target(
        version: found.version, sha256: found.sha256, commit: found.commit, path: found.prompt.location.textPath)
      if target.sha256 == current.sha256 {
        throw PromotionRefused(reasons: [
          "\(request.id) \(target.version) has the same content as the current pin \(current.version) in \(environment.name); nothing to roll back"
        ])
      }
      if let rolledBackFrom, rolledBackFrom.sha256 == target.sha256 {
        throw PromotionRefused(reasons: [
          "the current pin of \(request.id) in \(environment.name) rolled back from \(rolledBackFrom.version); a rollback does not re-pin it "
            + "(if it is good after all, promote it: `promptops promote \(request.id) --env \(environment.name) --version \(target.version)`)"
        ])
      }
      var reasons: [String] = []
      let pinnedBefore = earlierPins.contains {
        $0.sha256 == target.sha256 && PromptVersion($0.version) == PromptVersion(target.version)
      }
      if !pinnedBefore {
        reasons.append(
          "\(request.id) \(target.version) was never pinned in \(environment.name) (in the committed history of \(workspace.settings.lockFile)); "
            + "a rollback goes back only to a version the environment had, promote anything else: "
            + "`promptops promote \(request.id) --env \(environment.name) --version \(target.version)`")
      }
      let checked = try approvalsAndOrder(target.version, target.sha256, target.commit)
      reasons += checked.refusals
      guard reasons.isEmpty else { throw PromotionRefused(reasons: reasons) }
      let (evidence, refusal) = try revalidate(target.version, target.sha256, target.commit)
      if let refusal { throw PromotionRefused(reasons: [refusal]) }
      revalidation = evidence
      approvers = checked.approvers
    } else {
      var chosen: (target: Target, revalidation: EvalEvidence, approvers: [String])?
      for pin in earlierPins where pin.sha256 != current.sha256 {
        if let rolledBackFrom, rolledBackFrom.sha256 == pin.sha256 {
          skipped.append("\(pin.version): the current pin rolled back from it")
          continue
        }
        guard let commit = ObjectID(hex: pin.commit),
          try workspace.contentHash(path: pin.path, commit: commit) == pin.sha256,
          timeline.version(pin.version)?.sha256 == pin.sha256
        else {
          skipped.append(
            "\(pin.version): [\(RuleID.pinMismatch.rawValue)] its pinned content is not that version's in the history of HEAD"
          )
          continue
        }
        let checked = try approvalsAndOrder(pin.version, pin.sha256, commit)
        if !checked.refusals.isEmpty {
          skipped.append("\(pin.version): " + checked.refusals.joined(separator: "; "))
          continue
        }
        let (evidence, refusal) = try revalidate(pin.version, pin.sha256, commit)
        if let refusal {
          skipped.append("\(pin.version): \(refusal)")
          continue
        }
        chosen = (
          Target(version: pin.version, sha256: pin.sha256, commit: commit, path: pin.path), evidence, checked.approvers
        )
        break
      }
      guard let chosen else {
        throw PromotionRefused(reasons: [
          "no earlier pin of \(request.id) in \(environment.name) is known good in the committed history of \(workspace.settings.lockFile)"
            + (skipped.isEmpty
              ? " (commit the lock file after each promotion, or name a version with --to)"
              : ": " + skipped.joined(separator: "; "))
        ])
      }
      target = chosen.target
      revalidation = chosen.revalidation
      approvers = chosen.approvers
    }
    let revalidationText = "\(revalidation.status.rawValue): \(revalidation.summary)"

    let tagMessage = ReleaseTagMessage(
      id: request.id, version: target.version, sha256: target.sha256, path: target.path,
      evals: revalidationText, approvers: approvers)
    _ = try workspace.ensureTag(tagMessage, commit: target.commit, sign: false, signingKey: nil)

    let git = try workspace.git()
    let by = try git.committerIdentity()
    let at = ReleaseWorkspace.now()
    let pin = LockFile.Pin(
      version: target.version, sha256: target.sha256, commit: target.commit.hex, path: target.path, promotedBy: by,
      promotedAt: at,
      rollback: .init(
        fromVersion: current.version, fromSha256: current.sha256, reason: reason, revalidation: revalidationText))

    var event = AuditLog.Event(
      event: .rollback, at: at, by: by, environment: environment.name, promptID: request.id,
      from: .init(version: current.version, sha256: current.sha256, commit: current.commit),
      to: .init(version: pin.version, sha256: pin.sha256, commit: pin.commit))
    event.reason = reason
    event.revalidation = revalidationText
    if !approvers.isEmpty { event.approvers = approvers }

    let restorer = RestoreWriter(workspace: workspace)
    let restored =
      request.restore
      ? try restorer.restore(
        id: request.id, targetVersion: target.version, targetCommit: target.commit, reason: reason, author: by)
      : nil
    event.restoredAs = restored?.version
    let commit =
      request.commit
      ? ReleaseWriter.Commit(
        paths: [workspace.settings.lockFile, workspace.settings.auditLog] + (restored?.files ?? []),
        message:
          "Roll back \(request.id) in \(environment.name) from \(current.version) to \(target.version)\n\n\(reason)\n")
      : nil
    let result: ReleaseWriter.Result
    let placed: LockFile.Pin
    do {
      (result, placed) = try writer.apply(.init(pin: pin, event: event), commit: commit) { pinned in
        guard pinned == current else {
          throw PromotionRefused(reasons: [
            "the pin of \(request.id) in \(environment.name) changed while rolling back; run the rollback again"
          ])
        }
      }
    } catch {
      if let restored {
        do {
          try restorer.undo(restored)
        } catch let undoing {
          throw PromptOpsError.repository(
            "\(error)\nand the restored files could not be put back (\(undoing)): `git checkout -- \(restored.files.joined(separator: " "))`"
          )
        }
      }
      throw error
    }
    let from = AuditLog.Event.Ref(version: current.version, sha256: current.sha256, commit: current.commit)
    return Outcome(
      from: from, to: placed, revalidation: revalidation, skipped: skipped, restored: restored, result: result,
      warnings: warnings)
  }

  /// The same rollback already in place (pin and event: a retry of one that succeeded, or that
  /// was stopped before its commit): finished without being made or judged again.
  private func finishIfInPlace(
    _ request: Request, reason: String, environment: String, current: LockFile.Pin, writer: ReleaseWriter
  ) throws -> Outcome? {
    guard let record = current.rollback, record.reason == reason,
      request.version.map({ PromptVersion($0) == PromptVersion(current.version) }) ?? true
    else { return nil }
    let to = AuditLog.Event.Ref(version: current.version, sha256: current.sha256, commit: current.commit)
    var event = AuditLog.Event(
      event: .rollback, at: current.promotedAt, by: current.promotedBy, environment: environment, promptID: request.id,
      from: nil, to: to)
    event.reason = reason
    var paths = [workspace.settings.lockFile, workspace.settings.auditLog]
    if request.restore,
      let prompt = try PromptFinder.find(
        request.id, in: .commit(workspace.head), repository: workspace.repository, layout: workspace.layout)
    {
      let location = prompt.location
      paths += ([location.textPath, location.cardPath] + (location.changelogPath.map { [$0] } ?? []))
        .filter { FileManager.default.fileExists(atPath: workspace.workingDirectory + "/" + $0) }
    }
    let commit =
      request.commit
      ? ReleaseWriter.Commit(
        paths: paths,
        message:
          "Roll back \(request.id) in \(environment) from \(record.fromVersion) to \(current.version)\n\n\(reason)\n")
      : nil
    guard let (done, pin) = try writer.finishIfInPlace(.init(pin: current, event: event), commit: commit) else {
      return nil
    }
    return Outcome(
      from: done.from ?? .init(version: record.fromVersion, sha256: record.fromSha256, commit: ""), to: pin,
      revalidation: EvalEvidence(status: .none, summary: "not run again: the rollback was already in place"),
      skipped: [],
      restored: done.restoredAs.map { RestoredVersion(version: $0, files: []) }, result: .alreadyInPlace(done))
  }

  /// The version a rollback re-pins: as the lock pins it.
  struct Target {
    var version: String
    var sha256: String
    var commit: ObjectID
    var path: String
  }
}
