import CLibgit2

extension Repository {
  /// Every commit reachable from HEAD, newest first (empty on an unborn branch). A whole-history
  /// walk: for reports, never for the gate's hot path.
  public func commitsReachableFromHead() throws -> [ObjectID] {
    guard try headCommit() != nil else { return [] }
    var walk: OpaquePointer?
    try Libgit2.call("git_revwalk_new") { git_revwalk_new(&walk, pointer) }
    defer { git_revwalk_free(walk) }
    try Libgit2.call("git_revwalk_sorting") { git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue) }
    try Libgit2.call("git_revwalk_push_head") { git_revwalk_push_head(walk) }
    var commits: [ObjectID] = []
    var oid = git_oid()
    while true {
      git_error_clear()
      let code = git_revwalk_next(&oid, walk)
      if code == GIT_ITEROVER.rawValue {
        git_error_clear()
        return commits
      }
      if code < 0 { throw GitError.fromLast(function: "git_revwalk_next", code: code) }
      commits.append(ObjectID(oid))
    }
  }
}
