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

  public init(path: String, id: ObjectID) {
    self.path = path
    self.id = id
  }
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
      guard let item = try treeEntry(at: path, inCommit: commit), !item.isTree else { return nil }
      return item.id
    }
  }

  /// The blob id the working tree's file at `path` would be stored as if it were added now
  /// (after git's line-ending conversion and the other filters libgit2 applies), or nil when
  /// there is no working tree or no such file.
  public func workingTreeBlobID(at path: String) -> ObjectID? {
    guard workingDirectory != nil else { return nil }
    var oid = git_oid()
    git_error_clear()
    guard git_repository_hashfile(&oid, pointer, path, GIT_OBJECT_BLOB, nil) == 0 else {
      git_error_clear()
      return nil
    }
    return ObjectID(oid)
  }

  /// The content of the file at `path` in `snapshot`, or nil when there is none.
  public func contents(at path: String, in snapshot: Snapshot) throws -> [UInt8]? {
    guard let id = try blobID(at: path, in: snapshot) else { return nil }
    return try blob(id)
  }

  /// Every file below the tree `id`, which sits at `folder` (for the paths), sorted by path.
  public func files(inTree id: ObjectID, at folder: String) throws -> [FileEntry] {
    var result: [FileEntry] = []
    try forEachFile(inTree: id, path: folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/") {
      result.append(FileEntry(path: $0, id: $1))
    }
    return result.sorted { $0.path < $1.path }
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
          let path = try index.validPathString(entry)
          if folder.isEmpty || path == folder || path.hasPrefix(folder + "/") {
            result.append(FileEntry(path: path, id: entry.id))
          }
        }
      case .commit(let commit):
        if folder.isEmpty {
          try forEachFile(inTree: ObjectID(git_tree_id(try rootTree(of: commit))), path: "") {
            result.append(FileEntry(path: $0, id: $1))
          }
        } else if let item = try treeEntry(at: folder, inCommit: commit) {
          if item.isTree {
            try forEachFile(inTree: item.id, path: folder + "/") { result.append(FileEntry(path: $0, id: $1)) }
          } else {
            result.append(FileEntry(path: folder, id: item.id))
          }
        }
      }
    }
    return result.sorted { $0.path < $1.path }
  }
}
