import CLibgit2
import Foundation

extension Repository {
  /// The emails, lowercased, of everyone who had a hand in the commits among `commits` that
  /// changed any of `paths`: each one's author, its committer, and the people its message names
  /// in `Co-authored-by:` trailers (see `CommitTrailers`).
  ///
  /// The committer counts: whoever rebased, amended, cherry-picked or applied a commit wrote the
  /// tree it records and may have edited the file while doing so, which git cannot tell apart
  /// from carrying it over. A `Co-authored-by:` value names its person by the email in its last
  /// `<…>` (`Name <email>`), or, without angle brackets, by the whole value when it holds an `@`.
  /// These identities are what the commits declare; nothing here checks them (unsigned commits
  /// can name anyone).
  ///
  /// A commit changed a path when the file there differs from its first parent's (for a merge,
  /// from every parent's, so merging another branch is not authorship but resolving a conflict
  /// is). This is what "who wrote this change" means for a pull request's range.
  public func changeIdentities(of commits: [ObjectID], touching paths: [String]) throws -> Set<String> {
    var emails: Set<String> = []
    for commit in commits {
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
      if touched { emails.formUnion(try identities(ofCommit: commit)) }
    }
    return emails
  }

  /// A commit's author, committer and `Co-authored-by:` emails, lowercased.
  func identities(ofCommit id: ObjectID) throws -> Set<String> {
    var commit: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_commit_lookup", context: "commit \(id.hex)") { git_commit_lookup(&commit, pointer, &oid) }
    defer { git_commit_free(commit) }
    var emails: Set<String> = [
      String(cString: git_commit_author(commit).pointee.email).lowercased(),
      String(cString: git_commit_committer(commit).pointee.email).lowercased(),
    ]
    // The message without the leading blank lines, as `git log` hands it to the trailer parser.
    if let message = git_commit_message(commit) {
      let bytes = Array(
        UnsafeBufferPointer(
          start: UnsafeRawPointer(message).assumingMemoryBound(to: UInt8.self), count: strlen(message)))
      for value in CommitTrailers.values(of: "Co-authored-by", in: bytes) {
        if let email = Self.email(inTrailerValue: value) { emails.insert(email) }
      }
    }
    return emails
  }

  /// The email a `Name <email>` trailer value names, lowercased; nil when it names none.
  static func email(inTrailerValue value: String) -> String? {
    if let open = value.lastIndex(of: "<") {
      let rest = value[value.index(after: open)...]
      guard let close = rest.firstIndex(of: ">") else { return nil }
      let email = rest[..<close].trimmingCharacters(in: .whitespaces).lowercased()
      return email.isEmpty ? nil : email
    }
    let bare = value.trimmingCharacters(in: .whitespaces).lowercased()
    return bare.contains("@") && !bare.contains(" ") ? bare : nil
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
