import CLibgit2
import Foundation

/// One entry of a tree, copied out of libgit2.
struct TreeItem {
  let name: String
  let isTree: Bool
  let id: ObjectID
  let mode: FileMode
}

/// What a tree entry holds, by the mode libgit2 normalizes it to (its object type as a fallback).
func fileMode(of entry: OpaquePointer) -> FileMode {
  if let mode = FileMode(gitMode: git_tree_entry_filemode(entry).rawValue) { return mode }
  switch git_tree_entry_type(entry) {
  case GIT_OBJECT_TREE: return .tree
  case GIT_OBJECT_COMMIT: return .gitlink
  default: return .regular
  }
}

/// Blobs (files and links), subtrees and submodules: every entry a checkout writes something for.
private func isComparedEntry(_ entry: OpaquePointer) -> Bool {
  let type = git_tree_entry_type(entry)
  return type == GIT_OBJECT_BLOB || type == GIT_OBJECT_TREE || type == GIT_OBJECT_COMMIT
}

/// Orders names as git orders tree entries: bytewise, with a folder's name read as if it ended
/// in "/". Index paths sort the same way, which is what lets the two be walked side by side.
func gitOrder(_ a: String, _ aIsTree: Bool, _ b: String, _ bIsTree: Bool) -> Int {
  var a = a
  var b = b
  return a.withUTF8 { left in b.withUTF8 { right in gitOrder(left, aIsTree, right, bIsTree) } }
}

/// Git order of two entry names: bytewise, a folder's name read as if followed by "/", and a
/// name that runs out first sorting first.
func gitOrder(_ a: UnsafeBufferPointer<UInt8>, _ aIsTree: Bool, _ b: UnsafeBufferPointer<UInt8>, _ bIsTree: Bool) -> Int
{
  let common = min(a.count, b.count)
  if common > 0 {
    let result = memcmp(a.baseAddress!, b.baseAddress!, common)
    if result != 0 { return result < 0 ? -1 : 1 }
  }
  // Past the common part each name continues with its next byte, or "/" for a folder, or ends.
  let x: Int = a.count > common ? Int(a[common]) : (aIsTree ? 0x2F : -1)
  let y: Int = b.count > common ? Int(b[common]) : (bIsTree ? 0x2F : -1)
  if x != y { return x < y ? -1 : 1 }
  if x == -1 { return 0 }
  // Both continue with "/": one is a folder "name/" and the other a longer name with "/" at
  // this point, which entry names never hold; or both are the same folder.
  return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

/// A tree held open while it is compared: entries are read where libgit2 keeps them.
private final class OpenTree {
  let handle: OpaquePointer
  let count: Int

  init(_ repository: Repository, _ id: ObjectID) throws {
    var tree: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_tree_lookup", context: "tree \(id.hex)") { git_tree_lookup(&tree, repository.pointer, &oid) }
    repository.treesCompared += 1
    handle = tree!
    count = git_tree_entrycount(handle)
  }

  deinit { git_tree_free(handle) }

  private func entry(_ position: Int) -> OpaquePointer { git_tree_entry_byindex(handle, position)! }

  /// The first blob, subtree or submodule at or after `position`, or `count`.
  func next(from position: Int) -> Int {
    var position = position
    while position < count {
      if isComparedEntry(entry(position)) { return position }
      position += 1
    }
    return count
  }

  func name(_ position: Int) -> UnsafeBufferPointer<UInt8> {
    let name = git_tree_entry_name(entry(position))!
    return UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))
  }

  func nameString(_ position: Int, in folder: String) throws -> String { try PathText.name(name(position), in: folder) }
  func isTree(_ position: Int) -> Bool { git_tree_entry_type(entry(position)) == GIT_OBJECT_TREE }
  func id(_ position: Int) -> ObjectID { ObjectID(git_tree_entry_id(entry(position))) }
  func mode(_ position: Int) -> FileMode { fileMode(of: entry(position)) }
}

/// Two trees compared at a folder (whose path prefixes every result).
struct TreeComparisonKey: Hashable {
  let old: ObjectID
  let new: ObjectID
  let path: String
}

extension Repository {
  /// The files that differ between `old` and `new` below the given folders, found the way git
  /// finds them: a subtree whose id is the same on both sides is skipped without being read, and
  /// on the index side, so is every folder whose cache-tree entry still matches the base. The
  /// cost follows the size of the change, not of the repository.
  ///
  /// As in `git diff`, a path whose mode changed is a change (a file that became a link to the
  /// same name has the same blob), and submodules take part (their id is a commit's).
  ///
  /// No rename detection: callers that track files by identity pair additions and deletions
  /// themselves. `changes(from:to:under:)` is libgit2's full diff, with renames.
  public func changedFiles(from old: Snapshot, to new: Snapshot, under prefixes: [String]) throws -> [PathChange] {
    let folders = prefixes.isEmpty ? [""] : prefixes.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    var result: [PathChange] = []
    for folder in folders {
      let oldTree: ObjectID?
      switch old {
      case .empty: oldTree = nil
      case .commit(let commit): oldTree = try treeID(at: folder, inCommit: commit)
      case .index:
        throw GitError(
          kind: .other, function: "changedFiles", message: "the index can only be the new side of a comparison")
      }
      let base = folder.isEmpty ? "" : folder + "/"
      switch new {
      case .empty:
        if let oldTree { try collectFiles(inTree: oldTree, path: base, status: .deleted, into: &result) }
      case .commit(let commit):
        let newTree = try treeID(at: folder, inCommit: commit)
        let start = result.count
        try compareTrees(oldTree, newTree, path: base, into: &result)
        if let oldTree, let newTree, oldTree != newTree {
          treeComparisons[TreeComparisonKey(old: oldTree, new: newTree, path: base)] = Array(result[start...])
        }
      case .index:
        try compareIndex(base: oldTree, folder: folder, into: &result)
      }
    }
    return result
  }

  /// The id of the tree at `folder` in a commit ("" for the root), or nil if there is none.
  public func treeID(at folder: String, inCommit commit: ObjectID) throws -> ObjectID? {
    if folder.isEmpty { return ObjectID(git_tree_id(try rootTree(of: commit))) }
    guard let item = try treeEntry(at: folder, inCommit: commit), item.isTree else { return nil }
    return item.id
  }

  /// The file, link, submodule or folder at `path` in a commit, or nil when there is none.
  func treeEntry(at path: String, inCommit commit: ObjectID) throws -> TreeItem? {
    let root = try rootTree(of: commit)
    var entry: OpaquePointer?
    guard try Libgit2.lookup("git_tree_entry_bypath", context: path, { git_tree_entry_bypath(&entry, root, path) })
    else {
      return nil
    }
    defer { git_tree_entry_free(entry) }
    guard let entry, isComparedEntry(entry) else { return nil }
    let mode = fileMode(of: entry)
    return TreeItem(
      name: String(cString: git_tree_entry_name(entry)), isTree: mode == .tree, id: ObjectID(git_tree_entry_id(entry)),
      mode: mode)
  }

  /// Calls `body` with the name, kind and id of each blob and subtree of a tree (submodules are
  /// left out). The name is lent for the call only: in a walk of thousands of folders, copying
  /// every name would cost more than reading the trees.
  public func forEachEntry(
    ofTree id: ObjectID, _ body: (_ name: UnsafeBufferPointer<UInt8>, _ isTree: Bool, _ id: ObjectID) throws -> Void
  ) throws {
    try forEachEntryWithMode(ofTree: id) { name, mode, id in
      if mode != .gitlink { try body(name, mode == .tree, id) }
    }
  }

  /// Calls `body` with the name, mode and id of each blob, subtree and submodule of a tree: what
  /// a walk needs to tell a link or a submodule from a file. The name is lent for the call only.
  public func forEachEntryWithMode(
    ofTree id: ObjectID, _ body: (_ name: UnsafeBufferPointer<UInt8>, _ mode: FileMode, _ id: ObjectID) throws -> Void
  ) throws {
    var tree: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_tree_lookup", context: "tree \(id.hex)") { git_tree_lookup(&tree, pointer, &oid) }
    defer { git_tree_free(tree) }
    treesListed += 1
    for position in 0..<git_tree_entrycount(tree) {
      guard let entry = git_tree_entry_byindex(tree, position), isComparedEntry(entry),
        let name = git_tree_entry_name(entry)
      else { continue }
      try body(
        UnsafeBufferPointer(start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name)),
        fileMode(of: entry), ObjectID(git_tree_entry_id(entry)))
    }
  }

  /// The blobs, subtrees and submodules of one tree.
  func treeItems(_ id: ObjectID, path: String = "") throws -> [TreeItem] {
    var tree: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_tree_lookup", context: "tree \(id.hex)") { git_tree_lookup(&tree, pointer, &oid) }
    defer { git_tree_free(tree) }
    let count = git_tree_entrycount(tree)
    var items: [TreeItem] = []
    items.reserveCapacity(count)
    for position in 0..<count {
      guard let entry = git_tree_entry_byindex(tree, position), isComparedEntry(entry) else { continue }
      let mode = fileMode(of: entry)
      items.append(
        TreeItem(
          name: try PathText.name(git_tree_entry_name(entry), in: path), isTree: mode == .tree,
          id: ObjectID(git_tree_entry_id(entry)), mode: mode))
    }
    return items
  }

  /// Calls `body` with the path, id and mode of every file, link and submodule below a tree, in
  /// git order.
  func forEachFile(inTree id: ObjectID, path: String, _ body: (String, ObjectID, FileMode) -> Void) throws {
    for item in try treeItems(id, path: path) {
      if item.isTree {
        try forEachFile(inTree: item.id, path: path + item.name + "/", body)
      } else {
        body(path + item.name, item.id, item.mode)
      }
    }
  }

  private func collectFiles(
    inTree id: ObjectID, path: String, status: PathChange.Status, into result: inout [PathChange]
  ) throws {
    try forEachFile(inTree: id, path: path) { file, blob, mode in
      result.append(
        status == .added
          ? PathChange(
            status: .added, oldPath: nil, newPath: file, oldID: nil, newID: blob, oldMode: nil, newMode: mode)
          : PathChange(
            status: .deleted, oldPath: file, newPath: nil, oldID: blob, newID: nil, oldMode: mode, newMode: nil))
    }
  }

  private func compareTrees(_ old: ObjectID?, _ new: ObjectID?, path: String, into result: inout [PathChange]) throws {
    if old == new { return }
    guard let old else {
      if let new { try collectFiles(inTree: new, path: path, status: .added, into: &result) }
      return
    }
    guard let new else {
      try collectFiles(inTree: old, path: path, status: .deleted, into: &result)
      return
    }
    if let known = treeComparisons[TreeComparisonKey(old: old, new: new, path: path)] {
      result += known
      return
    }
    // Both trees are walked in place: in a folder of thousands of prompts, copying every entry
    // name costs more than the comparison, and only the entries that differ need a path.
    let left = try OpenTree(self, old)
    let right = try OpenTree(self, new)
    var i = left.next(from: 0)
    var j = right.next(from: 0)
    while i < left.count || j < right.count {
      let order: Int
      if i == left.count {
        order = 1
      } else if j == right.count {
        order = -1
      } else {
        order = gitOrder(left.name(i), left.isTree(i), right.name(j), right.isTree(j))
      }
      if order == 0 {
        let (a, b) = (left.id(i), right.id(j))
        if left.isTree(i) {
          if a != b { try compareTrees(a, b, path: path + (try left.nameString(i, in: path)) + "/", into: &result) }
        } else {
          let (oldMode, newMode) = (left.mode(i), right.mode(j))
          if a != b || oldMode != newMode {
            let file = path + (try left.nameString(i, in: path))
            result.append(
              PathChange(
                status: .modified, oldPath: file, newPath: file, oldID: a, newID: b, oldMode: oldMode, newMode: newMode)
            )
          }
        }
        i = left.next(from: i + 1)
        j = right.next(from: j + 1)
      } else if order < 0 {
        if left.isTree(i) {
          try collectFiles(
            inTree: left.id(i), path: path + (try left.nameString(i, in: path)) + "/", status: .deleted, into: &result)
        } else {
          result.append(
            PathChange(
              status: .deleted, oldPath: path + (try left.nameString(i, in: path)), newPath: nil, oldID: left.id(i),
              newID: nil,
              oldMode: left.mode(i), newMode: nil))
        }
        i = left.next(from: i + 1)
      } else {
        if right.isTree(j) {
          try collectFiles(
            inTree: right.id(j), path: path + (try right.nameString(j, in: path)) + "/", status: .added, into: &result)
        } else {
          result.append(
            PathChange(
              status: .added, oldPath: nil, newPath: path + (try right.nameString(j, in: path)), oldID: nil,
              newID: right.id(j),
              oldMode: nil, newMode: right.mode(j)))
        }
        j = right.next(from: j + 1)
      }
    }
  }

  // MARK: - Index against a tree

  private func compareIndex(base: ObjectID?, folder: String, into result: inout [PathChange]) throws {
    let index = try index()
    let cache = index.cacheTree
    var cached = cache?.root
    var prefix: [UInt8] = []
    if !folder.isEmpty {
      for component in folder.split(separator: "/") {
        cached = cached.flatMap { cache?.child(of: $0, named: String(component)) }
      }
      prefix = Array((folder + "/").utf8)
    }
    let lower = prefix.isEmpty ? 0 : index.lowerBound(prefix)
    // "0" follows "/": the first path past the folder's entries.
    let upper = prefix.isEmpty ? index.entries.count : index.lowerBound(Array(prefix.dropLast()) + [0x30])
    try compareIndexFolder(
      index, base: base, cache: cached, path: folder.isEmpty ? "" : folder + "/", prefixLength: prefix.count,
      range: lower..<upper,
      into: &result)
  }

  /// Walks one folder of the index against the same folder of the base tree, both in git order,
  /// skipping every subfolder whose cache-tree entry still equals the base. Names are compared
  /// as bytes in place (index paths, libgit2's entry names); strings are made only for results.
  /// `prefixLength` is the folder's length in bytes as the index spells it: `path` is for
  /// results only, and a name that is not UTF-8 comes out longer as a Swift string.
  private func compareIndexFolder(
    _ index: IndexFile, base: ObjectID?, cache folder: IndexCacheTree.Folder?, path: String, prefixLength: Int,
    range: Range<Int>,
    into result: inout [PathChange]
  ) throws {
    let cache = index.cacheTree
    if let base, let folder, let cache, cache.id(folder) == base, cache.entryCount(folder) == range.count { return }
    var tree: OpaquePointer?
    if let base {
      var oid = base.raw
      try Libgit2.call("git_tree_lookup", context: "tree \(base.hex)") { git_tree_lookup(&tree, pointer, &oid) }
      treesCompared += 1
    }
    defer { if let tree { git_tree_free(tree) } }
    let treeCount = tree.map { git_tree_entrycount($0) } ?? 0
    let childCount = folder.map { cache?.childCount($0) ?? 0 } ?? 0
    var childCursor = 0

    let paths = index.pathBytes.baseAddress!
    var t = 0
    var position = range.lowerBound
    while position < range.upperBound || t < treeCount {
      // The tree's next entry (blobs, subtrees and submodules).
      var treeEntry: OpaquePointer?
      var treeIsFolder = false
      while t < treeCount {
        let candidate = git_tree_entry_byindex(tree, t)!
        if isComparedEntry(candidate) {
          treeEntry = candidate
          treeIsFolder = git_tree_entry_type(candidate) == GIT_OBJECT_TREE
          break
        }
        t += 1
      }
      // The index's next item: a file directly here, or a whole subfolder.
      var itemName = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
      var itemIsFolder = false
      var itemEnd = position
      var itemChild: IndexCacheTree.Folder?
      if position < range.upperBound {
        let entry = index.entries[position]
        let restStart = Int(entry.pathStart) + prefixLength
        let restEnd = entry.pathRange.upperBound
        let rest = UnsafeBufferPointer(start: paths + restStart, count: restEnd - restStart)
        if let slash = rest.firstIndex(of: 0x2F) {
          itemIsFolder = true
          itemName = UnsafeBufferPointer(rebasing: rest[..<slash])
          let folderPrefix = UnsafeBufferPointer(start: paths + Int(entry.pathStart), count: prefixLength + slash + 1)
          func below(_ p: Int) -> Bool {
            guard p < range.upperBound else { return false }
            let other = index.entries[p]
            return Int(other.pathLength) >= folderPrefix.count
              && memcmp(paths + Int(other.pathStart), folderPrefix.baseAddress!, folderPrefix.count) == 0
          }
          if let cache, let folder {
            while childCursor < childCount,
              gitOrder(cache.name(cache.child(folder, at: childCursor)), true, itemName, true) < 0
            {
              childCursor += 1
            }
            if childCursor < childCount {
              let candidate = cache.child(folder, at: childCursor)
              let name = cache.name(candidate)
              if name.count == itemName.count, memcmp(name.baseAddress!, itemName.baseAddress!, name.count) == 0 {
                itemChild = candidate
              }
            }
          }
          itemEnd = position + 1
          if let count = itemChild.flatMap({ cache?.entryCount($0) }), count > 0, position + count <= range.upperBound,
            below(position + count - 1),
            !below(position + count)
          {
            itemEnd = position + count
          } else {
            while below(itemEnd) { itemEnd += 1 }
          }
        } else {
          itemName = rest
          itemEnd = position + 1
          // Entries added with `git add -N` (no content yet) take no part, as in git diff --cached.
          if entry.intentToAdd {
            position = itemEnd
            continue
          }
        }
      }
      let haveItem = position < range.upperBound
      let order: Int
      if let treeEntry, haveItem {
        let name = git_tree_entry_name(treeEntry)!
        let treeName = UnsafeBufferPointer(
          start: UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self), count: strlen(name))
        order = gitOrder(treeName, treeIsFolder, itemName, itemIsFolder)
      } else {
        order = treeEntry == nil ? 1 : -1
      }
      func treeEntryName() throws -> String { try PathText.name(git_tree_entry_name(treeEntry!), in: path) }
      if order == 0, let treeEntry {
        let treeID = ObjectID(git_tree_entry_id(treeEntry))
        if itemIsFolder {
          // The common case at scale: an untouched folder whose cache-tree entry still names
          // the base's tree. Skipped here, before its path string is even built.
          if let cache, let itemChild, cache.id(itemChild) == treeID, cache.entryCount(itemChild) == itemEnd - position
          {
            t += 1
            position = itemEnd
            continue
          }
          try compareIndexFolder(
            index, base: treeID, cache: itemChild, path: path + (try treeEntryName()) + "/",
            prefixLength: prefixLength + itemName.count + 1,
            range: position..<itemEnd, into: &result)
        } else {
          let entry = index.entries[position]
          let treeMode = fileMode(of: treeEntry)
          if entry.id != treeID || entry.mode != treeMode {
            let name = path + (try treeEntryName())
            result.append(
              PathChange(
                status: .modified, oldPath: name, newPath: name, oldID: treeID, newID: entry.id, oldMode: treeMode,
                newMode: entry.mode))
          }
        }
        t += 1
        position = itemEnd
      } else if order < 0, let treeEntry {
        let treeID = ObjectID(git_tree_entry_id(treeEntry))
        if treeIsFolder {
          try collectFiles(inTree: treeID, path: path + (try treeEntryName()) + "/", status: .deleted, into: &result)
        } else {
          result.append(
            PathChange(
              status: .deleted, oldPath: path + (try treeEntryName()), newPath: nil, oldID: treeID, newID: nil,
              oldMode: fileMode(of: treeEntry),
              newMode: nil))
        }
        t += 1
      } else {
        for p in position..<itemEnd {
          let entry = index.entries[p]
          guard !entry.intentToAdd else { continue }
          result.append(
            PathChange(
              status: .added, oldPath: nil, newPath: try index.validPathString(entry), oldID: nil, newID: entry.id,
              oldMode: nil, newMode: entry.mode))
        }
        position = itemEnd
      }
    }
  }
}
