import CLibgit2

extension Repository {
  /// The author emails of commits reachable from `head` but not from `base` (git's
  /// `base..head`) that changed any of `paths`, lowercased.
  ///
  /// A commit changed a path when the file there differs from its first parent's (for a merge,
  /// from every parent's, so merging another branch is not authorship but resolving a conflict
  /// is). This is what "who wrote this change" means for a pull request's range.
  public func authorEmails(ofCommitsFrom base: ObjectID?, to head: ObjectID, touching paths: [String]) throws -> Set<String> {
    var emails: Set<String> = []
    for commit in try commits(reachableFrom: head, notFrom: base) {
      let parents = try parentIDs(of: commit)
      var touched = false
      for path in paths {
        let here = try blobID(at: path, in: .commit(commit))
        let before = try parents.map { try blobID(at: path, in: .commit($0)) }
        if before.isEmpty ? here != nil : before.allSatisfy({ $0 != here }) {
          touched = true
          break
        }
      }
      if touched { emails.insert(try commitInfo(commit).authorEmail.lowercased()) }
    }
    return emails
  }

  /// Every parent of a commit, first parent first.
  public func parentIDs(of id: ObjectID) throws -> [ObjectID] {
    var commit: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_commit_lookup", context: "commit \(id.hex)") { git_commit_lookup(&commit, pointer, &oid) }
    defer { git_commit_free(commit) }
    return (0..<git_commit_parentcount(commit)).map { ObjectID(git_commit_parent_id(commit, $0)) }
  }
}
