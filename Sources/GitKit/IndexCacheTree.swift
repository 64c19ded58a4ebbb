/// The index's cache-tree extension (`TREE`): for each folder, how many index entries it holds
/// and, while still valid, the id of the tree those entries make.
///
/// This is what lets `git diff --cached` skip every folder the staged change did not touch;
/// libgit2 1.5 reads it but offers no way to ask for it, so `IndexFile` parses it. A malformed
/// extension yields nil and the comparison falls back to reading trees.
final class IndexCacheTree {
  /// The folder's own name (empty for the root).
  let name: String
  let entryCount: Int
  /// Nil when the folder was invalidated by a later `git add` (entry count -1 on disk).
  let id: ObjectID?
  private(set) var children: [String: IndexCacheTree] = [:]

  private init(name: String, entryCount: Int, id: ObjectID?) {
    self.name = name
    self.entryCount = entryCount
    self.id = id
  }

  /// Parses the body of a `TREE` extension; nil when it is malformed.
  static func parse(_ bytes: UnsafeRawBufferPointer) -> IndexCacheTree? {
    var cursor = 0
    return parseNode(bytes, &cursor, limit: bytes.count)
  }

  private static func parseNode(_ bytes: UnsafeRawBufferPointer, _ cursor: inout Int, limit: Int) -> IndexCacheTree? {
    let nameStart = cursor
    while cursor < limit && bytes[cursor] != 0 { cursor += 1 }
    guard cursor < limit else { return nil }
    let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[nameStart..<cursor]), as: UTF8.self)
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
    let node = IndexCacheTree(name: name, entryCount: entryCount, id: id)
    node.children.reserveCapacity(subtrees)
    for _ in 0..<subtrees {
      guard let child = parseNode(bytes, &cursor, limit: limit) else { return nil }
      node.children[child.name] = child
    }
    return node
  }
}
