import CLibgit2

extension Repository {
  /// The commits reachable from `start` (newest first) at which any of `paths` differs from the
  /// commit's first parent: the history of those files, as `git log --first-parent -- paths`
  /// would list it over every reachable commit. Blob ids are compared, never contents.
  public func commitsChanging(_ paths: [String], from start: ObjectID) throws -> [ObjectID] {
    var result: [ObjectID] = []
    for commit in try commits(reachableFrom: start) {
      let parent = try firstParent(of: commit)
      for path in paths {
        let now = try blobID(at: path, in: .commit(commit))
        let before = try parent.flatMap { try blobID(at: path, in: .commit($0)) }
        if now != before {
          result.append(commit)
          break
        }
      }
    }
    return result
  }

  /// True when `id` names a commit in this repository.
  public func commitExists(_ id: ObjectID) -> Bool {
    var commit: OpaquePointer?
    var oid = id.raw
    Libgit2.ensureInitialized()
    let code = git_commit_lookup(&commit, pointer, &oid)
    git_error_clear()
    if code == 0 { git_commit_free(commit) }
    return code == 0
  }
}
