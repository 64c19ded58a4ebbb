import Crypto
import Foundation
import GitKit

/// Files of one kind below trees (the suites that may read outside their folder, the symbolic
/// links), found once per tree and kept by the tree's id in the git directory.
///
/// Finding them means a walk of every folder below the prompt roots, and that would make a
/// one-line change cost as much as the repository is large. So each tree's answer is kept by its
/// id (`promptops/<name>` in the git directory): trees never change, and a tree whose id is known
/// is not read again. After the first walk, a run reads only the folders that changed since, as
/// git's own diff does.
///
/// What an index answers decides what a change is judged on, so it is evidence like the eval
/// cache: the file carries an HMAC-SHA256 under a key derived from the cache's (kept outside the
/// repository, see `EvalCacheKey`), and a file that does not verify is not read (the trees are
/// walked again). Without a key there is no index: every run walks.
final class TreeIndex {
  /// A file found below a tree: its path relative to that tree (as git stores it, bytes), its
  /// blob, and what the index's `select` kept of it.
  struct Item: Equatable {
    let path: [UInt8]
    let id: ObjectID
    let data: [UInt8]

    /// The path as text, nil when it is not valid UTF-8.
    var pathText: String? { String(validating: path, as: UTF8.self) }
  }

  /// Whether a blob (a file or a link; never a folder or a submodule) below a tree is an item,
  /// and what to keep of it. The name is lent for the call only.
  typealias Select = (_ name: UnsafeBufferPointer<UInt8>, _ mode: FileMode, _ id: ObjectID) throws -> [UInt8]?

  let repository: Repository
  private let select: Select
  private let store: TreeIndexStore?
  private let known: TreeIndexStore.Contents
  /// Every tree this index answered in this run, to be kept for the next one (in the order first met).
  private var used: [(ObjectID, [Item])] = []
  private var answered: [ObjectID: [Item]] = [:]
  private var computedAny = false

  /// `name` is the file's name in `promptops/`; `parameters` are what the answers depend on
  /// besides the trees (a configured file name): an index made under others is not read.
  init(repository: Repository, name: String, parameters: String, key: SymmetricKey?, select: @escaping Select) {
    self.repository = repository
    self.select = select
    store = key.map { TreeIndexStore(path: Self.path(of: name, in: repository), name: name, parameters: parameters, key: $0) }
    known = store?.load() ?? TreeIndexStore.Contents()
  }

  static func path(of name: String, in repository: Repository) -> String {
    let common = repository.commonDirectory
    return (common.hasSuffix("/") ? common : common + "/") + "promptops/" + name
  }

  /// The items below `roots` in a commit, with paths from the top of the repository, sorted.
  func items(under roots: [String], inCommit commit: ObjectID) throws -> [Item] {
    var result: [Item] = []
    for root in roots {
      let folder = root.hasSuffix("/") ? String(root.dropLast()) : root
      guard let tree = try repository.treeID(at: folder, inCommit: commit) else { continue }
      let prefix: [UInt8] = folder.isEmpty ? [] : Array(folder.utf8) + [0x2F]
      result += try items(inTree: tree).map { Item(path: prefix + $0.path, id: $0.id, data: $0.data) }
    }
    return result.sorted { $0.path.lexicographicallyPrecedes($1.path) }
  }

  /// The items below one tree, with paths relative to it.
  func items(inTree tree: ObjectID) throws -> [Item] {
    if let answer = answered[tree] { return answer }
    let answer: [Item]
    if let stored = known.items(of: tree) {
      answer = stored
    } else {
      computedAny = true
      var found: [Item] = []
      try repository.forEachEntryWithMode(ofTree: tree) { name, mode, id in
        switch mode {
        case .tree:
          let inner = try items(inTree: id)
          if !inner.isEmpty {
            let folder = Array(name) + [0x2F]
            found += inner.map { Item(path: folder + $0.path, id: $0.id, data: $0.data) }
          }
        case .gitlink:
          break
        case .regular, .executable, .symlink:
          if let data = try select(name, mode, id) { found.append(Item(path: Array(name), id: id, data: data)) }
        }
      }
      answer = found
    }
    answered[tree] = answer
    used.append((tree, answer))
    return answer
  }

  /// Keeps the trees this run answered, when any had to be read. A failure to write only costs
  /// the next run its speed.
  func save() {
    if computedAny { store?.save(used) }
  }
}

/// An index file: a header line naming the index and its parameters; the trees with no item, as
/// a 32-bit count and their sorted 20-byte ids (searched in place, so a repository of thousands
/// of folders with no item costs no parsing); then per tree with items its 20-byte id, a 32-bit
/// count and that many items (20-byte blob id, 32-bit path length, path, 32-bit data length,
/// data); integers little-endian; then a 32-byte HMAC-SHA256 of everything before it. Any damage,
/// or a MAC that does not verify, makes it empty (the trees are read again); it is replaced
/// whole, never edited in place.
private struct TreeIndexStore {
  let path: String
  let name: String
  let parameters: String
  let key: SymmetricKey

  /// What a file holds.
  struct Contents {
    /// Trees with no item, sorted.
    var empty: [ObjectID] = []
    var full: [ObjectID: [TreeIndex.Item]] = [:]

    func items(of tree: ObjectID) -> [TreeIndex.Item]? {
      if let items = full[tree] { return items }
      var (low, high) = (0, empty.count)
      while low < high {
        let middle = (low + high) / 2
        if empty[middle] < tree { low = middle + 1 } else { high = middle }
      }
      return low < empty.count && empty[low] == tree ? [] : nil
    }
  }

  private var header: [UInt8] { Array("promptops-tree-index 1 \(name) \(parameters)\n".utf8) }

  /// The index's own key, derived from the cache's and named after the index, so a MAC of one
  /// file never verifies another.
  private var indexKey: SymmetricKey {
    SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("promptops tree index \(name)".utf8), using: key)))
  }

  func load() -> Contents {
    guard let file = FileManager.default.contents(atPath: path), file.count >= 32 else { return Contents() }
    let data = file.prefix(file.count - 32)
    guard HMAC<SHA256>.isValidAuthenticationCode(file.suffix(32), authenticating: data, using: indexKey) else { return Contents() }
    let header = self.header
    return data.withUnsafeBytes { raw -> Contents in
      guard raw.starts(with: header) else { return Contents() }
      var offset = header.count
      func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, raw.count - offset >= count else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
      }
      func number() -> Int? { take(4).map { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) } }
      func id() -> ObjectID? { take(20).map(ObjectID.init(rawBytes:)) }
      var contents = Contents()
      guard let emptyCount = number(), let ids = take(emptyCount * 20) else { return Contents() }
      contents.empty = (0..<emptyCount).map { ObjectID(rawBytes: UnsafeRawBufferPointer(rebasing: ids[($0 * 20)..<($0 * 20 + 20)])) }
      while offset < raw.count {
        guard let tree = id(), let count = number() else { return Contents() }
        var items: [TreeIndex.Item] = []
        for _ in 0..<count {
          guard let blob = id(), let pathLength = number(), let path = take(pathLength), let dataLength = number(), let data = take(dataLength)
          else { return Contents() }
          items.append(TreeIndex.Item(path: Array(path), id: blob, data: Array(data)))
        }
        contents.full[tree] = items
      }
      return contents
    }
  }

  func save(_ trees: [(ObjectID, [TreeIndex.Item])]) {
    var bytes = header
    func append(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 } }
    let empty = Set(trees.filter { $0.1.isEmpty }.map(\.0)).sorted()
    append(empty.count)
    for tree in empty { bytes += tree.bytes }
    var written = Set<ObjectID>()
    for (tree, items) in trees where !items.isEmpty && written.insert(tree).inserted {
      bytes += tree.bytes
      append(items.count)
      for item in items {
        bytes += item.id.bytes
        append(item.path.count)
        bytes += item.path
        append(item.data.count)
        bytes += item.data
      }
    }
    bytes += HMAC<SHA256>.authenticationCode(for: bytes, using: indexKey)
    try? AtomicFile.write(Data(bytes), to: path, replacing: true)
  }
}
