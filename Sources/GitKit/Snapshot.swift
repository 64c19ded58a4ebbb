import CLibgit2

/// One side of a comparison: a commit's tree, the index about to be committed, or nothing at all
/// (the base of a first commit).
public enum Snapshot: Sendable, Hashable, CustomStringConvertible {
  case empty
  case commit(ObjectID)
  case index

  public var description: String {
    switch self {
    case .empty: return "empty tree"
    case .commit(let id): return id.hex
    case .index: return "index"
    }
  }
}

/// A file in a snapshot: its path and the blob that holds its content.
public struct FileEntry: Sendable, Hashable {
  public let path: String
  public let id: ObjectID
}

extension Repository {
  /// The blob at `path` in `snapshot`, or nil when there is no file there.
  public func blobID(at path: String, in snapshot: Snapshot) throws -> ObjectID? {
    switch snapshot {
    case .empty:
      return nil
    case .index:
      guard let entry = try index().entry(at: path), entry.mode != 0o160000, !entry.intentToAdd else { return nil }
      return entry.id
    case .commit(let commit):
      let tree = try rootTree(of: commit)
      var entry: OpaquePointer?
      git_error_clear()
      let code = git_tree_entry_bypath(&entry, tree, path)
      if code == GIT_ENOTFOUND.rawValue {
        git_error_clear()
        return nil
      }
      if code < 0 { throw GitError.fromLast(function: "git_tree_entry_bypath", code: code, context: path) }
      defer { git_tree_entry_free(entry) }
      guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
      return ObjectID(git_tree_entry_id(entry).pointee)
    }
  }

  /// The content of the file at `path` in `snapshot`, or nil when there is none.
  public func contents(at path: String, in snapshot: Snapshot) throws -> [UInt8]? {
    guard let id = try blobID(at: path, in: snapshot) else { return nil }
    return try blob(id)
  }

  /// Every file below the given folders (or exactly at the given paths), sorted by path.
  ///
  /// This walks whole subtrees: it is for `check --all`, never for the change-based paths.
  public func files(under prefixes: [String], in snapshot: Snapshot) throws -> [FileEntry] {
    var result: [FileEntry] = []
    for prefix in prefixes {
      let folder = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
      switch snapshot {
      case .empty:
        continue
      case .index:
        let index = try index()
        for entry in index.entries where entry.mode != 0o160000 && !entry.intentToAdd {
          let path = index.pathString(entry)
          if folder.isEmpty || path == folder || path.hasPrefix(folder + "/") {
            result.append(FileEntry(path: path, id: entry.id))
          }
        }
      case .commit(let commit):
        let root = try rootTree(of: commit)
        try walk(tree: root, folder: folder, into: &result)
      }
    }
    return result.sorted { $0.path < $1.path }
  }

  private func walk(tree root: OpaquePointer, folder: String, into result: inout [FileEntry]) throws {
    var subtree: OpaquePointer?
    var ownsSubtree = false
    if folder.isEmpty {
      subtree = root
    } else {
      var entry: OpaquePointer?
      git_error_clear()
      let code = git_tree_entry_bypath(&entry, root, folder)
      if code == GIT_ENOTFOUND.rawValue {
        git_error_clear()
        return
      }
      if code < 0 { throw GitError.fromLast(function: "git_tree_entry_bypath", code: code, context: folder) }
      defer { git_tree_entry_free(entry) }
      if git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
        result.append(FileEntry(path: folder, id: ObjectID(git_tree_entry_id(entry).pointee)))
        return
      }
      guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return }
      var object: OpaquePointer?
      try Libgit2.call("git_tree_entry_to_object", context: folder) {
        git_tree_entry_to_object(&object, pointer, entry)
      }
      subtree = object
      ownsSubtree = true
    }
    defer { if ownsSubtree { git_tree_free(subtree) } }
    final class Collector {
      var entries: [FileEntry] = []
      let base: String
      init(base: String) { self.base = base }
    }
    let collector = Collector(base: folder.isEmpty ? "" : folder + "/")
    let payload = Unmanaged.passUnretained(collector).toOpaque()
    try Libgit2.call("git_tree_walk", context: folder) {
      git_tree_walk(subtree, GIT_TREEWALK_PRE, { root, entry, payload in
        guard let entry, let payload, let root else { return 0 }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
        let collector = Unmanaged<Collector>.fromOpaque(payload).takeUnretainedValue()
        let path = collector.base + String(cString: root) + String(cString: git_tree_entry_name(entry))
        collector.entries.append(FileEntry(path: path, id: ObjectID(git_tree_entry_id(entry).pointee)))
        return 0
      }, payload)
    }
    result.append(contentsOf: collector.entries)
  }
}
