import Foundation
import GitKit
import PromptModel

/// Writes one change to what is released, a pin and the audit event that accounts for it, so
/// that no failure changes what is released without its account, and no command that reports a
/// failure changes it at all.
///
/// The order, under the promotion lock (`LockFileStore.withExclusiveLock`):
/// 1. the audit event is appended and flushed to disk (`AuditLog.append`);
/// 2. the lock file is replaced atomically (`LockFileStore.write`);
/// 3. with `--commit`, both are committed (`GitCommandLine.commit`).
///
/// A step that fails undoes the steps before it, latest first (the lock file's previous bytes
/// put back, then the event taken back), and the command exits 2 with what is released as it
/// was. A process killed between two steps runs no undo and leaves a prefix of them: an event
/// whose pin never reached the lock file (what is released did not change; `verify` checks each
/// pin against its own event), or pin and event without their commit. The next run of the same
/// change finishes it: the pin as the event records it, or the commit, never a second event.
/// A change that is wholly in place is not made again.
public struct ReleaseWriter {
  let workspace: ReleaseWorkspace

  /// One change: the pin for `event.environment` → `event.promptID`, and its event.
  struct Change {
    var pin: LockFile.Pin
    var event: AuditLog.Event
  }

  /// What to commit afterwards (`--commit`).
  struct Commit {
    var paths: [String]
    var message: String
  }

  /// How a change went.
  public enum Result: Sendable, Equatable {
    /// Event and pin written now.
    case written
    /// An earlier run of the same change wrote its event and was stopped before its pin: the
    /// pin was written now, as that event records it.
    case completed(AuditLog.Event)
    /// The change was already in place (event and pin): nothing was written again.
    case alreadyInPlace(AuditLog.Event)
  }

  /// Where the same change stands, from the pin in place and the newest event for its prompt
  /// and environment.
  enum Standing {
    case new
    case interrupted(AuditLog.Event)
    case inPlace(AuditLog.Event)
  }

  /// Whether `event` records the same change as `change`: the same kind of event to the same
  /// content, and for a rollback the same reason (a rollback with another reason is another
  /// decision, one that goes further back).
  static func records(_ event: AuditLog.Event, sameAs change: Change) -> Bool {
    event.event == change.event.event && event.to == change.event.to
      && (event.event == .promote || event.reason == change.event.reason)
  }

  /// Where `change` stands, given the pin in place and the audit log's events.
  static func standing(of change: Change, current: LockFile.Pin?, events: [AuditLog.Event]) -> Standing {
    let newest = events.last { $0.environment == change.event.environment && $0.promptID == change.event.promptID }
    guard let newest, records(newest, sameAs: change) else { return .new }
    let currentRef = current.map { AuditLog.Event.Ref(version: $0.version, sha256: $0.sha256, commit: $0.commit) }
    let pinMatches: Bool
    switch change.event.event {
    case .promote: pinMatches = current?.rollback == nil
    case .rollback: pinMatches = current?.rollback?.reason == newest.reason
    }
    if currentRef == newest.to && pinMatches { return .inPlace(newest) }
    if currentRef == newest.from { return .interrupted(newest) }
    return .new
  }

  /// Finishes `change` when it is already in place (committing it, when asked, if that is what
  /// is missing) and returns the event and the pin in place; nil when it is not in place, having
  /// written nothing.
  func finishIfInPlace(_ change: Change, commit: Commit?) throws -> (event: AuditLog.Event, pin: LockFile.Pin)? {
    try workspace.lockStore.withExclusiveLock {
      let current = try workspace.lockStore.read().pin(change.event.promptID, in: change.event.environment)
      guard let current,
        case .inPlace(let event) = Self.standing(of: change, current: current, events: try workspace.auditLog.read())
      else {
        return nil
      }
      try commitIfPending(commit)
      return (event, current)
    }
  }

  /// Makes `change` (see the type's documentation for the order), after `check` accepted the pin
  /// in place under the lock; the event's `from` is that pin. Returns how it went and the pin now
  /// in place.
  func apply(_ change: Change, commit: Commit?, check: (LockFile.Pin?) throws -> Void = { _ in }) throws -> (
    Result, LockFile.Pin
  ) {
    let store = workspace.lockStore
    let environment = change.event.environment
    let id = change.event.promptID
    return try store.withExclusiveLock {
      var lock = try store.read()
      let current = lock.pin(id, in: environment)
      try check(current)
      var change = change
      change.event.from = current.map { .init(version: $0.version, sha256: $0.sha256, commit: $0.commit) }
      switch Self.standing(of: change, current: current, events: try workspace.auditLog.read()) {
      case .inPlace(let event):
        try commitIfPending(commit)
        return (.alreadyInPlace(event), current ?? change.pin)
      case .interrupted(let event):
        // The decision was made and recorded; the pin says what the event says.
        var pin = change.pin
        pin.promotedBy = event.by
        pin.promotedAt = event.at
        if let revalidation = event.revalidation { pin.rollback?.revalidation = revalidation }
        if let reason = event.reason { pin.rollback?.reason = reason }
        let before = try store.bytes()
        lock.environments[environment, default: [:]][id] = pin
        try store.write(lock)
        do {
          try commitIfPending(commit)
        } catch {
          throw undoing(error, lock: before, event: nil)
        }
        return (.completed(event), pin)
      case .new:
        let before = try store.bytes()
        let appended: AuditLog.Appended
        do {
          appended = try workspace.auditLog.append(change.event)
        } catch {
          throw undoing(error, lock: nil, event: nil)
        }
        lock.environments[environment, default: [:]][id] = change.pin
        do {
          try store.write(lock)
        } catch {
          throw undoing(error, lock: nil, event: appended)
        }
        do {
          try commit.map { try workspace.git().commit(paths: $0.paths, message: $0.message) }
        } catch {
          throw undoing(error, lock: .some(before), event: appended)
        }
        return (.written, change.pin)
      }
    }
  }

  private func commitIfPending(_ commit: Commit?) throws {
    guard let commit else { return }
    let git = try workspace.git()
    if try git.hasChanges(paths: commit.paths) { try git.commit(paths: commit.paths, message: commit.message) }
  }

  /// Undoes the steps made before `failure`, latest first: the lock file's earlier bytes (the
  /// outer optional: whether the lock was written), then the event. Returns the error to
  /// report: `failure` and that nothing changed, or, when the undo failed too, what is left and
  /// how to repair it. An event is never taken back while the pin it accounts for may stand.
  private func undoing(_ failure: Error, lock before: Data??, event appended: AuditLog.Appended?) -> Error {
    if let before {
      do {
        try workspace.lockStore.restore(before)
      } catch {
        return PromptOpsError.io(
          path: workspace.settings.lockFile,
          message:
            "\(failure); and the lock file could not be put back (\(error)): it holds the new pin and the audit log its "
            + "event; restore both with `git checkout -- \(workspace.settings.lockFile) \(workspace.settings.auditLog)` "
            + "if they were committed before")
      }
    }
    if let appended {
      do {
        try workspace.auditLog.takeBack(appended)
      } catch {
        return PromptOpsError.io(
          path: workspace.settings.auditLog,
          message:
            "\(failure); the lock file is as it was, but the event just appended could not be taken back (\(error)); "
            + "it records a change that did not happen: remove its last line")
      }
    }
    return PromptOpsError.repository(
      "\(failure)\nnothing was released: \(workspace.settings.lockFile) and \(workspace.settings.auditLog) are as they were"
    )
  }
}
