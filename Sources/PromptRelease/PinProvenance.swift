import Foundation
import GitKit

/// Whether a promotion made a pin: what `promote` and `rollback` leave behind, checked against
/// the lock file's word for it.
///
/// The lock file is pushable state anyone can edit by hand, so its pins are claims. Every
/// promotion also leaves its release tag on the version's commit (recording the content hash), an
/// event in the audit log and, where `enforce_order` applies, a pin of the same content in the
/// previous environment. A pin that lacks any of them was not made by a promotion. The tag, the
/// log and the lock's history are pushable too, but a forgery now has to agree in all of them.
final class PinProvenance {
  let workspace: ReleaseWorkspace
  /// The lock file as it stands (the previous environment may have the content there).
  let lock: LockFile
  private var history: LockHistory?
  private var workingEvents: [AuditLog.Event]?
  private var committedEvents: [AuditLog.Event]?

  init(workspace: ReleaseWorkspace, lock: LockFile) {
    self.workspace = workspace
    self.lock = lock
  }

  /// Why `pin` (of `id` in `environment`, on `commit`) was not made by a promotion; empty when
  /// everything a promotion leaves behind agrees with it. `tag` is its version's release tag.
  func problems(
    of pin: LockFile.Pin, id: String, environment: String, tag: AnnotatedTag?, tagName: String, commit: ObjectID
  ) throws -> [String] {
    var problems: [String] = []
    let notPromoted = "no promotion made this pin"
    if let tag {
      let recorded = ReleaseTagMessage.parse(tag.message)
      if tag.commit != commit {
        problems.append(
          "its release tag \(tagName) is on commit \(tag.commit.hex.prefix(12)), not the pinned commit; \(notPromoted)")
      } else if recorded?.id != id || recorded?.sha256 != pin.sha256 {
        problems.append(
          "its release tag \(tagName) records "
            + (recorded.map { "\($0.id) with sha256 \($0.sha256)" } ?? "no promptops release message")
            + ", not the pinned sha256; \(notPromoted)")
      }
    } else {
      problems.append(
        "it has no release tag \(tagName), which every promotion creates; \(notPromoted) (promote the version to pin it)"
      )
    }
    if let previous = workspace.settings.predecessor(of: environment) {
      let pinnedBefore =
        try lock.pin(id, in: previous.name)?.sha256 == pin.sha256
        || lockHistory().hasPinned(id, sha256: pin.sha256, in: previous.name)
      if !pinnedBefore {
        problems.append(
          "this content was never pinned in \(previous.name) (promotion.enforce_order), in \(workspace.settings.lockFile) or its "
            + "committed history; \(notPromoted)")
      }
    }
    if try !hasEvent(for: pin, id: id, environment: environment) {
      problems.append(
        "no promote or rollback event in \(workspace.settings.auditLog) pinned this content in \(environment); \(notPromoted)"
      )
    }
    return problems
  }

  /// The lock file's committed history, read once.
  private func lockHistory() throws -> LockHistory {
    if let history { return history }
    let read = try LockHistory(repository: workspace.repository, lockPath: workspace.settings.lockFile)
    history = read
    return read
  }

  /// An event that pinned this content here, in the working tree's audit log or else in HEAD's
  /// committed one: both are the same append-only record, and a working file that lost lines
  /// does not undo what HEAD holds.
  private func hasEvent(for pin: LockFile.Pin, id: String, environment: String) throws -> Bool {
    func matches(_ event: AuditLog.Event) -> Bool {
      event.environment == environment && event.promptID == id && event.to.sha256 == pin.sha256
    }
    if workingEvents == nil { workingEvents = try workspace.auditLog.read() }
    if workingEvents?.contains(where: matches) == true { return true }
    if committedEvents == nil {
      let path = workspace.settings.auditLog
      committedEvents =
        try workspace.repository.contents(at: path, in: .commit(workspace.head)).map {
          try AuditLog.events(in: Data($0), displayPath: "HEAD:\(path)")
        } ?? []
    }
    return committedEvents?.contains(where: matches) == true
  }
}
