import CLibgit2

extension Repository {
  /// Every commit reachable from `start`, newest first (topological order). A whole-history
  /// walk: for release commands and reports, never for the gate's hot path.
  public func commits(reachableFrom start: ObjectID) throws -> [ObjectID] {
    var walk: OpaquePointer?
    try Libgit2.call("git_revwalk_new") { git_revwalk_new(&walk, pointer) }
    defer { git_revwalk_free(walk) }
    try Libgit2.call("git_revwalk_sorting") { git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue) }
    var oid = start.raw
    try Libgit2.call("git_revwalk_push", context: "commit \(start.hex)") { git_revwalk_push(walk, &oid) }
    var commits: [ObjectID] = []
    var next = git_oid()
    while true {
      git_error_clear()
      let code = git_revwalk_next(&next, walk)
      if code == GIT_ITEROVER.rawValue {
        git_error_clear()
        return commits
      }
      if code < 0 { throw GitError.fromLast(function: "git_revwalk_next", code: code) }
      commits.append(ObjectID(next))
    }
  }

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
