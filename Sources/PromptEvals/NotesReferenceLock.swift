import Foundation
import GitKit
import PromptModel

/// The lock git and libgit2 take on `refs/notes/promptops` while they update it
/// (`refs/notes/promptops.lock`), and what to do with one a killed writer left behind.
///
/// The file carries no process id, so whose it is cannot be asked. But promptops writes the notes
/// only holding its own notes lock (`promptops/notes.lock`, an `flock` the kernel drops when its
/// holder dies), so a reference lock found while holding that lock is no promptops run's; and a
/// git updating the reference (`git notes`, `git fetch`) holds it for milliseconds. One that is
/// still there after `grace` seconds was left by a writer that was killed: it is removed, and the
/// removal reported.
enum NotesReferenceLock {
  /// Seconds a reference lock may stand before it counts as left behind.
  static let grace = 2.0

  /// Removes a left-behind lock on `ref`; call it holding the notes lock. Returns what was done
  /// (for the user) or nil when there was no lock; throws, naming the file and the command that
  /// removes it, when it cannot be removed.
  static func clearLeftBehind(ref: String, in repository: Repository) throws -> String? {
    let path = repository.referenceLockPath(ref)
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    // Give a live git the moment it needs to finish its update.
    let deadline = Date().addingTimeInterval(grace + 1)
    while true {
      guard lstat(path, &info) == 0 else { return nil }
      let age = Date().timeIntervalSince1970 - Double(info.st_mtim.tv_sec)
      if age >= grace || Date() >= deadline { break }
      usleep(50_000)
    }
    guard unlink(path) == 0 || errno == ENOENT else {
      throw PromptOpsError.io(
        path: path,
        message:
          "a lock on \(ref) left by a git or promptops process that was killed while writing it; it cannot be removed "
          + "(\(String(cString: strerror(errno)))): remove it with `rm '\(path)'` and run again")
    }
    return "removed \(path), left by a run that was killed while recording eval notes "
      + "(no promptops run was recording them, and no git holds a reference lock for seconds)"
  }

  /// The error for an update of `ref` that found it locked all the same (a git updating it at
  /// this very moment, or a lock that cannot be told apart from one).
  static func lockedError(ref: String, in repository: Repository, _ error: GitError) -> PromptOpsError {
    let path = repository.referenceLockPath(ref)
    return PromptOpsError.io(
      path: path,
      message:
        "\(ref) is locked by another writer (\(error.message)); run again in a moment, or, if no git process is running in this "
        + "repository, remove the lock with `rm '\(path)'`")
  }
}
