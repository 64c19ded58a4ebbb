import Foundation
import GitKit

/// Eval inputs that a run takes from the working tree instead of from the evaluated snapshot:
/// the scripts behind `exec:` providers (run where they lie), and in external mode every file
/// the team's own command reads.
///
/// Results are cached and recorded under the snapshot's content hashes, so a working tree that
/// differs (an uncommitted edit, another branch checked out under `eval --rev`) would file one
/// content's verdict under another's. Such a run is refused instead, naming the files.
enum WorkingTreeInputs {
  /// The paths among `paths` whose working-tree copy is missing or would not be stored as the
  /// snapshot's blob, sorted. The working tree is compared as git would store it, so a checkout
  /// with converted line endings is not a difference.
  static func differing(_ paths: some Sequence<String>, in repository: Repository, snapshot: Snapshot) -> [String] {
    paths.sorted().filter { path in
      guard let stored = try? repository.blobID(at: path, in: snapshot) else { return true }
      return repository.workingTreeBlobID(at: path) != stored
    }
  }

  /// The problem to report for `paths`, or nil when there are none.
  static func problem(_ paths: [String], usedBy user: String) -> SuiteProblem? {
    guard let first = paths.first else { return nil }
    let named = paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? " and \(paths.count - 3) more" : "")
    return SuiteProblem(
      file: first, line: 1,
      message: "\(named) in the working tree \(paths.count == 1 ? "differs" : "differ") from the evaluated commit, "
        + "and \(user) the working tree's copy: commit or stash the change, or check out the commit being evaluated")
  }
}
