import CLibgit2

extension Repository {
  /// Every commit reachable from HEAD, newest first (empty on an unborn branch). A whole-history
  /// walk: for reports, never for the gate's hot path.
  public func commitsReachableFromHead() throws -> [ObjectID] {
    guard let head = try headCommit() else { return [] }
    return try commits(reachableFrom: head)
  }

  /// Every commit reachable from `start` and not from `hidden` (git's `hidden..start`), newest
  /// first in topological order. The one revision walk: history, reports and a pull request's
  /// authors all go through it.
  public func commits(reachableFrom start: ObjectID, notFrom hidden: ObjectID? = nil) throws -> [ObjectID] {
    var walk: OpaquePointer?
    try Libgit2.call("git_revwalk_new") { git_revwalk_new(&walk, pointer) }
    defer { git_revwalk_free(walk) }
    try Libgit2.call("git_revwalk_sorting") {
      git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue)
    }
    var startOID = start.raw
    try Libgit2.call("git_revwalk_push", context: "commit \(start.hex)") { git_revwalk_push(walk, &startOID) }
    if let hidden {
      var hiddenOID = hidden.raw
      try Libgit2.call("git_revwalk_hide", context: "commit \(hidden.hex)") { git_revwalk_hide(walk, &hiddenOID) }
    }
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
}
