import CLibgit2

/// Git notes: text attached to a commit under a notes ref, without changing the commit.
///
/// promptops keeps one JSON object per line in its notes, so notes written by several machines
/// merge line by line (`git notes merge -s cat_sort_uniq`) and appending never rewrites a record.
extension Repository {
  /// The note on `commit` under `ref` (e.g. `refs/notes/promptops`), or nil when there is none.
  public func note(on commit: ObjectID, ref: String) throws -> String? {
    var note: OpaquePointer?
    var oid = commit.raw
    guard
      try Libgit2.lookup(
        "git_note_read", context: "note on \(commit.hex)", { git_note_read(&note, pointer, ref, &oid) })
    else {
      return nil
    }
    defer { git_note_free(note) }
    return git_note_message(note).map { String(cString: $0) }
  }

  /// Appends lines to the note on `commit` in one note commit, creating the note when there is
  /// none; nothing is written when `lines` is empty.
  ///
  /// The author is the repository's configured identity (`user.name`, `user.email`), or
  /// `promptops <promptops@localhost>` on machines with none, such as CI runners.
  public func appendNoteLines(_ lines: [String], on commit: ObjectID, ref: String) throws {
    guard !lines.isEmpty else { return }
    var text = try note(on: commit, ref: ref) ?? ""
    if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
    for line in lines { text += line.hasSuffix("\n") ? line : line + "\n" }
    var signature: UnsafeMutablePointer<git_signature>?
    git_error_clear()
    if git_signature_default(&signature, pointer) < 0 {
      git_error_clear()
      try Libgit2.call("git_signature_now") { git_signature_now(&signature, "promptops", "promptops@localhost") }
    }
    defer { git_signature_free(signature) }
    var target = commit.raw
    var noteID = git_oid()
    try Libgit2.call("git_note_create", context: "note on \(commit.hex)") {
      git_note_create(&noteID, pointer, ref, signature, signature, &target, text, 1)
    }
  }

  /// The lock file git and libgit2 create beside a loose reference while they update it
  /// (`refs/notes/promptops.lock` in the common git directory); one a killed writer left behind
  /// refuses every later update of the reference.
  public func referenceLockPath(_ ref: String) -> String {
    (commonDirectory.hasSuffix("/") ? commonDirectory : commonDirectory + "/") + ref + ".lock"
  }

  /// Every commit that carries a note under `ref`, with the note's text.
  public func notes(ref: String) throws -> [(commit: ObjectID, text: String)] {
    var iterator: OpaquePointer?
    guard try Libgit2.lookup("git_note_iterator_new", context: ref, { git_note_iterator_new(&iterator, pointer, ref) })
    else {
      return []
    }
    defer { git_note_iterator_free(iterator) }
    var result: [(ObjectID, String)] = []
    while true {
      var noteID = git_oid()
      var annotated = git_oid()
      git_error_clear()
      let code = git_note_next(&noteID, &annotated, iterator)
      if code == GIT_ITEROVER.rawValue {
        git_error_clear()
        break
      }
      if code < 0 { throw GitError.fromLast(function: "git_note_next", code: code, context: ref) }
      let commit = ObjectID(annotated)
      if let text = try note(on: commit, ref: ref) { result.append((commit, text)) }
    }
    return result
  }
}
