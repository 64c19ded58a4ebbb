import CLibgit2
import Foundation

/// One file that differs between two snapshots, as `git diff --name-status -M` would list it.
public struct PathChange: Sendable, Hashable {
  public enum Status: String, Sendable, Hashable {
    case added, deleted, modified, renamed
  }

  public let status: Status
  /// The path on the old side; nil for an added file.
  public let oldPath: String?
  /// The path on the new side; nil for a deleted file.
  public let newPath: String?
  public let oldID: ObjectID?
  public let newID: ObjectID?
  /// What each side holds (a file, a link, a submodule); nil on the side without the path. A
  /// regular file replaced by a link to the same name is a change, as in `git diff`.
  public let oldMode: FileMode?
  public let newMode: FileMode?
  /// Rename similarity in percent (100 for an exact rename), 0 otherwise.
  public let similarity: Int

  public init(
    status: Status, oldPath: String?, newPath: String?, oldID: ObjectID?, newID: ObjectID?,
    oldMode: FileMode?, newMode: FileMode?, similarity: Int = 0
  ) {
    self.status = status
    self.oldPath = oldPath
    self.newPath = newPath
    self.oldID = oldID
    self.newID = newID
    self.oldMode = oldMode
    self.newMode = newMode
    self.similarity = similarity
  }
}

extension Repository {
  /// The files that differ between `old` and `new` below the given folders, with renames found.
  ///
  /// Rename detection is switched on explicitly: left to its default, libgit2 follows the user's
  /// `diff.renames` setting, and a user who turned it off would see every moved prompt as a
  /// deletion plus an unrelated addition.
  public func changes(from old: Snapshot, to new: Snapshot, under prefixes: [String]) throws -> [PathChange] {
    var options = git_diff_options()
    try Libgit2.call("git_diff_options_init") { git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)) }
    // Pathspecs are folder prefixes, matched literally (no globbing of a folder that holds `*`).
    options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
    options.flags |= GIT_DIFF_SKIP_BINARY_CHECK.rawValue

    let cPaths: [UnsafeMutablePointer<CChar>?] = prefixes.filter { !$0.isEmpty }.map {
      strdup($0.hasSuffix("/") ? String($0.dropLast()) : $0)
    }
    defer { cPaths.forEach { free($0) } }
    var pathArray = cPaths

    let oldTree: OpaquePointer?
    switch old {
    case .empty: oldTree = nil
    case .commit(let id): oldTree = try rootTree(of: id)
    case .index:
      throw GitError(kind: .other, function: "changes", message: "the index can only be the new side of a comparison")
    }

    var diff: OpaquePointer?
    try pathArray.withUnsafeMutableBufferPointer { buffer in
      if !buffer.isEmpty {
        options.pathspec = git_strarray(strings: buffer.baseAddress, count: buffer.count)
      }
      switch new {
      case .empty:
        try Libgit2.call("git_diff_tree_to_tree") { git_diff_tree_to_tree(&diff, pointer, oldTree, nil, &options) }
      case .commit(let id):
        let newTree = try rootTree(of: id)
        try Libgit2.call("git_diff_tree_to_tree") { git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options) }
      case .index:
        let index = try libgit2Index()
        try Libgit2.call("git_diff_tree_to_index") { git_diff_tree_to_index(&diff, pointer, oldTree, index, &options) }
      }
    }
    defer { git_diff_free(diff) }

    var find = git_diff_find_options()
    try Libgit2.call("git_diff_find_options_init") {
      git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION))
    }
    find.flags = GIT_DIFF_FIND_RENAMES.rawValue
    try Libgit2.call("git_diff_find_similar") { git_diff_find_similar(diff, &find) }

    var result: [PathChange] = []
    let count = git_diff_num_deltas(diff)
    result.reserveCapacity(count)
    for position in 0..<count {
      guard let delta = git_diff_get_delta(diff, position)?.pointee else { continue }
      let oldPath = delta.old_file.path.map { String(cString: $0) }
      let newPath = delta.new_file.path.map { String(cString: $0) }
      let oldID = ObjectID(delta.old_file.id)
      let newID = ObjectID(delta.new_file.id)
      let oldMode = FileMode(gitMode: UInt32(delta.old_file.mode))
      let newMode = FileMode(gitMode: UInt32(delta.new_file.mode))
      switch delta.status {
      case GIT_DELTA_ADDED:
        result.append(
          PathChange(
            status: .added, oldPath: nil, newPath: newPath, oldID: nil, newID: newID, oldMode: nil, newMode: newMode))
      case GIT_DELTA_DELETED:
        result.append(
          PathChange(
            status: .deleted, oldPath: oldPath, newPath: nil, oldID: oldID, newID: nil, oldMode: oldMode, newMode: nil))
      case GIT_DELTA_MODIFIED, GIT_DELTA_TYPECHANGE:
        result.append(
          PathChange(
            status: .modified, oldPath: oldPath, newPath: newPath, oldID: oldID, newID: newID, oldMode: oldMode,
            newMode: newMode))
      case GIT_DELTA_RENAMED:
        result.append(
          PathChange(
            status: .renamed, oldPath: oldPath, newPath: newPath, oldID: oldID, newID: newID, oldMode: oldMode,
            newMode: newMode,
            similarity: Int(delta.similarity)))
      default:
        continue
      }
    }
    return result
  }
}
