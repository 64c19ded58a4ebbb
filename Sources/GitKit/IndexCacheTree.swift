import Foundation
/// The index's cache-tree extension (`TREE`): for each folder, how many index entries it holds
/// and, while still valid, the id of the tree those entries make.
///
/// This is what lets `git diff --cached` skip every folder the staged change did not touch;
/// libgit2 1.5 reads it but offers no way to ask for it, so `IndexFile` parses it. A malformed
/// extension yields nil and the comparison falls back to reading trees.
final class IndexCacheTree {
  /// The folder's own name (empty for the root).
  let name: [UInt8]
  let entryCount: Int
  /// Nil when the folder was invalidated by a later `git add` (entry count -1 on disk).
  let id: ObjectID?
  /// Subfolders in git order (by name followed by "/"), the order the index lists them in, so a
  /// walk over the index can step through them without hashing names.
  let children: [IndexCacheTree]

  private init(name: [UInt8], entryCount: Int, id: ObjectID?, children: [IndexCacheTree]) {
    self.name = name
    self.entryCount = entryCount
    self.id = id
    self.children = children
  }

  /// Parses the body of a `TREE` extension; nil when it is malformed.
  static func parse(_ bytes: UnsafeRawBufferPointer) -> IndexCacheTree? {
    var cursor = 0
    return parseNode(bytes, &cursor, limit: bytes.count, depth: 0)
  }

  /// Deeper than any real repository's folders; a corrupt extension stops here, not in a stack
  /// overflow.
  private static let maximumDepth = 1024

  private static func parseNode(_ bytes: UnsafeRawBufferPointer, _ cursor: inout Int, limit: Int, depth: Int) -> IndexCacheTree? {
    guard depth < maximumDepth else { return nil }
    let nameStart = cursor
    while cursor < limit && bytes[cursor] != 0 { cursor += 1 }
    guard cursor < limit else { return nil }
    let name = Array(UnsafeRawBufferPointer(rebasing: bytes[nameStart..<cursor]))
    cursor += 1
    func number(until terminator: UInt8) -> Int? {
      var negative = false
      var value = 0
      var digits = 0
      if cursor < limit && bytes[cursor] == 0x2D {
        negative = true
        cursor += 1
      }
      while cursor < limit && bytes[cursor] != terminator {
        let c = bytes[cursor]
        guard c >= 0x30 && c <= 0x39 else { return nil }
        value = value * 10 + Int(c - 0x30)
        digits += 1
        guard digits <= 10 else { return nil }
        cursor += 1
      }
      guard cursor < limit, digits > 0 else { return nil }
      cursor += 1
      return negative ? -value : value
    }
    guard let entryCount = number(until: 0x20), let subtrees = number(until: 0x0A), subtrees >= 0 else { return nil }
    var id: ObjectID?
    if entryCount >= 0 {
      guard cursor + 20 <= limit else { return nil }
      id = ObjectID(rawBytes: UnsafeRawBufferPointer(rebasing: bytes[cursor..<(cursor + 20)]))
      cursor += 20
    }
    // Most folders are leaves: they get the empty array, which allocates nothing.
    var children: [IndexCacheTree] = []
    if subtrees > 0 {
      // Each child takes at least 4 bytes ("\0" "0" " " "0" "\n" less its name), so the count
      // cannot exceed what is left.
      guard subtrees <= (limit - cursor) / 4 else { return nil }
      children.reserveCapacity(subtrees)
      for _ in 0..<subtrees {
        guard let child = parseNode(bytes, &cursor, limit: limit, depth: depth + 1) else { return nil }
        children.append(child)
      }
      // git writes them shortest name first; the index lists them in git order.
      children.sort { folderOrder($0.name, $1.name) < 0 }
    }
    return IndexCacheTree(name: name, entryCount: entryCount, id: id, children: children)
  }

  /// The subfolder with this name, if the cache knows it.
  func child(named name: String) -> IndexCacheTree? {
    let key = Array(name.utf8)
    return children.first { $0.name == key }
  }
}

/// Git order of two folder names: bytewise, each read as if followed by "/".
func folderOrder(_ a: [UInt8], _ b: [UInt8]) -> Int {
  a.withUnsafeBufferPointer { a in
    b.withUnsafeBufferPointer { b in gitOrder(a, true, b, true) }
  }
}
