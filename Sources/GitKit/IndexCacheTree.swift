import Foundation

/// The index's cache-tree extension (`TREE`): for each folder, how many index entries it holds
/// and, while still valid, the id of the tree those entries make.
///
/// This is what lets `git diff --cached` skip every folder the staged change did not touch;
/// libgit2 1.5 reads it but offers no way to ask for it, so `IndexFile` parses it. A malformed
/// extension yields nil and the comparison falls back to reading trees.
///
/// A repository with 10,000 prompts has over 10,000 folders here, and the staged check reads
/// this on every commit: the folders live in one flat table of plain values (names point into
/// one copy of the extension's bytes), so parsing allocates three buffers, not one object and one
/// name per folder.
final class IndexCacheTree {
  /// A folder: an index into the table.
  typealias Folder = Int32

  private struct Node {
    var nameStart: Int32
    var nameLength: Int32
    /// -1 when the folder was invalidated by a later `git add`.
    var entryCount: Int32
    var childStart: Int32
    var childCount: Int32
    var id: ObjectID
  }

  private let bytes: UnsafeMutableBufferPointer<UInt8>
  private let nodes: [Node]
  /// Each folder's subfolders, contiguous per folder and in git order (by name followed by
  /// "/"), the order the index lists them in.
  private let children: [Folder]

  /// The top folder.
  let root: Folder = 0

  /// Parses the body of a `TREE` extension; nil when it is malformed.
  static func parse(_ body: UnsafeRawBufferPointer) -> IndexCacheTree? {
    let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(body.count, 1))
    _ = bytes.initialize(from: body)
    var table = Table(bytes: UnsafeBufferPointer(bytes))
    guard table.parseNode(depth: 0) != nil else {
      bytes.deallocate()
      return nil
    }
    return IndexCacheTree(bytes: bytes, nodes: table.nodes, children: table.children)
  }

  private init(bytes: UnsafeMutableBufferPointer<UInt8>, nodes: [Node], children: [Folder]) {
    self.bytes = bytes
    self.nodes = nodes
    self.children = children
  }

  deinit { bytes.deallocate() }

  func entryCount(_ folder: Folder) -> Int { Int(nodes[Int(folder)].entryCount) }

  /// The folder's tree id; nil when the folder was invalidated by a later `git add`.
  func id(_ folder: Folder) -> ObjectID? {
    let node = nodes[Int(folder)]
    return node.entryCount >= 0 ? node.id : nil
  }

  func childCount(_ folder: Folder) -> Int { Int(nodes[Int(folder)].childCount) }

  /// The folder's `position`th subfolder in git order.
  func child(_ folder: Folder, at position: Int) -> Folder { children[Int(nodes[Int(folder)].childStart) + position] }

  func name(_ folder: Folder) -> UnsafeBufferPointer<UInt8> {
    let node = nodes[Int(folder)]
    return UnsafeBufferPointer(start: bytes.baseAddress! + Int(node.nameStart), count: Int(node.nameLength))
  }

  /// The subfolder with this name, if the cache knows it.
  func child(of folder: Folder, named name: String) -> Folder? {
    var name = name
    return name.withUTF8 { key in
      (0..<childCount(folder)).lazy.map { self.child(folder, at: $0) }.first { self.name($0).elementsEqual(key) }
    }
  }

  /// The table while it is being read: a value, so the parse runs without the run-time
  /// exclusivity checks a class's stored arrays would cost per access.
  private struct Table {
    let bytes: UnsafeBufferPointer<UInt8>
    var cursor = 0
    var nodes: [Node] = []
    var children: [Folder] = []

    /// Deeper than any real repository's folders; a corrupt extension stops here, not in a
    /// stack overflow.
    static let maximumDepth = 1024

    init(bytes: UnsafeBufferPointer<UInt8>) {
      self.bytes = bytes
      // Each folder takes at least 4 bytes ("\0" "0" " " "0" "\n" less its name).
      nodes.reserveCapacity(bytes.count / 24 + 1)
      children.reserveCapacity(bytes.count / 24 + 1)
    }

    func name(_ folder: Folder) -> UnsafeBufferPointer<UInt8> {
      let node = nodes[Int(folder)]
      return UnsafeBufferPointer(rebasing: bytes[Int(node.nameStart)..<Int(node.nameStart + node.nameLength)])
    }

    /// The first eight bytes of a folder's name as git orders it (the name followed by "/"),
    /// big-endian, zero-padded: a smaller key is an earlier folder, an equal key decides nothing.
    static func sortKey(_ name: UnsafeBufferPointer<UInt8>) -> UInt64 {
      var key: UInt64 = 0
      for position in 0..<8 {
        let byte: UInt8 = position < name.count ? name[position] : (position == name.count ? 0x2F : 0)
        key = key << 8 | UInt64(byte)
      }
      return key
    }

    /// A decimal number up to `terminator`, which is consumed.
    mutating func number(until terminator: UInt8) -> Int? {
      let limit = bytes.count
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
        guard digits <= 9 else { return nil }
        cursor += 1
      }
      guard cursor < limit, digits > 0 else { return nil }
      cursor += 1
      return negative ? -value : value
    }

    /// Reads one folder and, depth first, its subfolders; returns its index in the table.
    mutating func parseNode(depth: Int) -> Folder? {
      let limit = bytes.count
      guard depth < Self.maximumDepth, nodes.count < Int(Int32.max) else { return nil }
      let nameStart = cursor
      while cursor < limit && bytes[cursor] != 0 { cursor += 1 }
      guard cursor < limit else { return nil }
      let nameLength = cursor - nameStart
      cursor += 1
      guard let entryCount = number(until: 0x20), entryCount >= -1, let subtrees = number(until: 0x0A), subtrees >= 0
      else { return nil }
      var id = ObjectID.zero
      if entryCount >= 0 {
        guard cursor + 20 <= limit else { return nil }
        id = ObjectID(rawBytes: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[cursor..<(cursor + 20)]))
        cursor += 20
      }
      guard subtrees <= (limit - cursor) / 4 else { return nil }
      let folder = Folder(nodes.count)
      nodes.append(
        Node(
          nameStart: Int32(nameStart), nameLength: Int32(nameLength), entryCount: Int32(entryCount), childStart: 0,
          childCount: Int32(subtrees), id: id))
      guard subtrees > 0 else { return folder }
      var mine: [Folder] = []
      mine.reserveCapacity(subtrees)
      for _ in 0..<subtrees {
        guard let child = parseNode(depth: depth + 1) else { return nil }
        mine.append(child)
      }
      // git writes them shortest name first; the index lists them in git order. Most names
      // differ in their first eight bytes, so those, packed into one integer, decide most
      // comparisons of a sort over thousands of folders.
      var keyed = mine.map { (key: Self.sortKey(name($0)), folder: $0) }
      keyed.sort { $0.key != $1.key ? $0.key < $1.key : gitOrder(name($0.folder), true, name($1.folder), true) < 0 }
      nodes[Int(folder)].childStart = Int32(children.count)
      for entry in keyed { children.append(entry.folder) }
      return folder
    }
  }
}
