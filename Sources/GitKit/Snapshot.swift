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

/// A file in a snapshot: its path, the blob that holds its content (for a link, the target's
/// name; for a submodule, the commit it records) and its mode.
public struct FileEntry: Sendable, Hashable {
  public let path: String
  public let id: ObjectID
  public let mode: FileMode

  public init(path: String, id: ObjectID, mode: FileMode = .regular) {
    self.path = path
    self.id = id
    self.mode = mode
  }
}

extension Repository {
  /// The blob at `path` in `snapshot`, or nil when there is no file there (a link's blob is
  /// its target's name; a submodule has none).
  public func blobID(at path: String, in snapshot: Snapshot) throws -> ObjectID? {
    guard let entry = try fileEntry(at: path, in: snapshot), entry.mode != .gitlink else { return nil }
    return entry.id
  }

  /// The file, link or submodule at `path` in `snapshot`, or nil when there is none (or a folder).
  public func fileEntry(at path: String, in snapshot: Snapshot) throws -> FileEntry? {
    switch snapshot {
    case .empty:
      return nil
    case .index:
      guard let entry = try index().entry(at: path), !entry.intentToAdd, entry.mode != .tree else { return nil }
      return FileEntry(path: path, id: entry.id, mode: entry.mode)
    case .commit(let commit):
      guard let item = try treeEntry(at: path, inCommit: commit), !item.isTree else { return nil }
      return FileEntry(path: path, id: item.id, mode: item.mode)
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

  /// Every file below the tree `id`, which sits at `folder` (for the paths), sorted by path;
  /// submodules are left out (they hold no blob here).
  public func files(inTree id: ObjectID, at folder: String) throws -> [FileEntry] {
    var result: [FileEntry] = []
    try forEachFile(inTree: id, path: folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/") {
      path, blob, mode in
      if mode != .gitlink { result.append(FileEntry(path: path, id: blob, mode: mode)) }
    }
    return result.sorted { $0.path < $1.path }
  }

  /// Every file below the given folders (or exactly at the given paths), sorted by path; links
  /// are files (their blob is the target's name), submodules are left out unless asked for.
  ///
  /// This walks whole subtrees: it is for `check --all`, never for the change-based paths.
  public func files(under prefixes: [String], in snapshot: Snapshot, includingSubmodules: Bool = false) throws
    -> [FileEntry]
  {
    var result: [FileEntry] = []
    for prefix in prefixes {
      let folder = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
      switch snapshot {
      case .empty:
        continue
      case .index:
        let index = try index()
        for entry in index.entries where (includingSubmodules || entry.mode != .gitlink) && !entry.intentToAdd {
          let path = try index.validPathString(entry)
          if folder.isEmpty || path == folder || path.hasPrefix(folder + "/") {
            result.append(FileEntry(path: path, id: entry.id, mode: entry.mode))
          }
        }
      case .commit(let commit):
        func add(_ path: String, _ id: ObjectID, _ mode: FileMode) {
          if includingSubmodules || mode != .gitlink { result.append(FileEntry(path: path, id: id, mode: mode)) }
        }
        if folder.isEmpty {
          try forEachFile(inTree: ObjectID(git_tree_id(try rootTree(of: commit))), path: "", add)
        } else if let item = try treeEntry(at: folder, inCommit: commit) {
          if item.isTree {
            try forEachFile(inTree: item.id, path: folder + "/", add)
          } else {
            add(folder, item.id, item.mode)
          }
        }
      }
    }
    return result.sorted { $0.path < $1.path }
  }
}

extension Repository {
  /// Calls `body` with each name directly inside `folder` ("" for the top) in a snapshot, and
  /// whether it is a folder; nothing when there is no such folder. Submodules are left out. The
  /// name is lent for the call only: listing a folder of 10,000 prompt folders copies no name.
  ///
  /// One tree for a commit. The index has no folders, only paths: each subfolder's name is
  /// taken from its first path and the rest of its paths are skipped by a galloping search (a
  /// prompt folder's few files cost two or three comparisons), so the cost follows the number
  /// of names in the folder, not of the files below it.
  public func forEachName(
    inFolder folder: String, in snapshot: Snapshot,
    _ body: (_ name: UnsafeBufferPointer<UInt8>, _ isFolder: Bool) throws -> Void
  ) throws {
    switch snapshot {
    case .empty:
      break
    case .commit(let commit):
      guard let tree = try treeID(at: folder, inCommit: commit) else { break }
      try forEachEntry(ofTree: tree) { name, isTree, _ in try body(name, isTree) }
    case .index:
      let index = try index()
      let prefix = folder.isEmpty ? [] : Array((folder + "/").utf8)
      var position = prefix.isEmpty ? 0 : index.lowerBound(prefix)
      while position < index.entries.count, index.hasPrefix(position, prefix) {
        let entry = index.entries[position]
        let rest = UnsafeBufferPointer(
          rebasing: index.pathBytes[(Int(entry.pathStart) + prefix.count)..<entry.pathRange.upperBound])
        if let slash = rest.firstIndex(of: 0x2F) {
          try body(UnsafeBufferPointer(rebasing: rest[..<slash]), true)
          position = index.end(ofPathsSharing: prefix.count + slash + 1, with: position)
        } else {
          if entry.mode != .gitlink, !entry.intentToAdd { try body(rest, false) }
          position += 1
        }
      }
    }
  }
}
