import CLibgit2

/// An annotated tag as stored: its name, the commit it finally points to, and its message.
public struct AnnotatedTag: Sendable, Equatable {
  /// The short name (`prompt/a/v1.0.0`), without `refs/tags/`.
  public let name: String
  /// The tag object's id; nil for a lightweight tag (a ref straight to a commit).
  public let tagObject: ObjectID?
  /// The commit the tag peels to.
  public let commit: ObjectID
  /// The annotation's message (empty for a lightweight tag).
  public let message: String
  public let taggerName: String?
  public let taggerEmail: String?
}

extension Repository {
  /// Names of the tags that start with `prefix` (e.g. `prompt/`), sorted.
  public func tagNames(withPrefix prefix: String) throws -> [String] {
    var names = git_strarray()
    let pattern = prefix + "*"
    try Libgit2.call("git_tag_list_match", context: "tags \(pattern)") { git_tag_list_match(&names, pattern, pointer) }
    defer { git_strarray_dispose(&names) }
    var result: [String] = []
    for index in 0..<names.count {
      if let name = names.strings[index] { result.append(String(cString: name)) }
    }
    return result.sorted()
  }

  /// The tag `name` (without `refs/tags/`), peeled to its commit, or nil when there is none.
  public func tag(named name: String) throws -> AnnotatedTag? {
    var object: OpaquePointer?
    let spec = "refs/tags/" + name
    guard
      try Libgit2.lookup("git_revparse_single", context: "tag \(name)", { git_revparse_single(&object, pointer, spec) })
    else {
      return nil
    }
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    try Libgit2.call("git_object_peel", context: "tag \(name) does not point to a commit") {
      git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
    }
    defer { git_object_free(commit) }
    let commitID = ObjectID(git_object_id(commit).pointee)
    guard git_object_type(object) == GIT_OBJECT_TAG else {
      return AnnotatedTag(name: name, tagObject: nil, commit: commitID, message: "", taggerName: nil, taggerEmail: nil)
    }
    // A tag object: git_object_t is the same handle as git_tag_t for tag objects.
    let message = git_tag_message(object).map { String(cString: $0) } ?? ""
    let tagger = git_tag_tagger(object)
    return AnnotatedTag(
      name: name, tagObject: ObjectID(git_object_id(object).pointee), commit: commitID, message: message,
      taggerName: tagger.map { String(cString: $0.pointee.name) },
      taggerEmail: tagger.map { String(cString: $0.pointee.email) })
  }
}
