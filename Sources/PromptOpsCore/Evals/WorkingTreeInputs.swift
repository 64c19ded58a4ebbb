import Foundation

/// Eval inputs that a run takes from the working tree instead of from the evaluated snapshot:
/// the scripts behind `exec:` providers (run where they lie), and in external mode every file
/// the team's own command reads.
///
/// Results are cached and recorded under the snapshot's content hashes, so a working tree that
/// differs (an uncommitted edit, another branch checked out under `eval --rev`) would file one
/// content's verdict under another's. Such a run is refused instead, naming the files.
enum WorkingTreeInputs {
  /// The paths among `inputs` (path → SHA-256 of the snapshot's content) whose working-tree copy
  /// under `top` is missing or holds other content, sorted.
  static func differing(_ inputs: [String: String], under top: String) -> [String] {
    inputs.keys.sorted().filter { path in
      guard let data = FileManager.default.contents(atPath: top + "/" + path) else { return true }
      return Prompt.sha256(of: [UInt8](data)) != inputs[path]
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
