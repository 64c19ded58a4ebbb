import Crypto
import Foundation
import GitKit
import PromptModel

/// Files of one kind below trees (the suites that may read outside their folder, the symbolic
/// links), found once per tree and kept by the tree's id in the git directory.
///
/// Finding them means a walk of every folder below the prompt roots, and that would make a
/// one-line change cost as much as the repository is large. So each tree's answer is kept by its
/// id (`promptops/<name>` in the git directory): trees never change, and a tree whose id is known
/// is not read again. After the first walk, a run reads only the folders that changed since, as
/// git's own diff does; a run whose trees were all asked before (the same base again) reads only
/// the answers for those trees, a few bytes, however many folders the repository holds.
///
/// What an index answers decides what a change is judged on, so it is evidence like the eval
/// cache: the file carries HMAC-SHA256s under a key derived from the cache's (kept outside the
/// repository, see `EvalCacheKey`), and a part that does not verify is not read (the trees are
/// walked again). Without a key there is no index: every run walks.
package final class TreeIndex {
  /// A file found below a tree: its path relative to that tree (as git stores it, bytes), its
  /// blob, and what the index's `select` kept of it.
  package struct Item: Equatable {
    package let path: [UInt8]
    package let id: ObjectID
    let data: [UInt8]

    /// The path as text, nil when it is not valid UTF-8.
    var pathText: String? { String(validating: path, as: UTF8.self) }
  }

  /// Whether a blob (a file or a link; never a folder or a submodule) below a tree is an item,
  /// and what to keep of it. The name is lent for the call only.
  package typealias Select = (_ name: UnsafeBufferPointer<UInt8>, _ mode: FileMode, _ id: ObjectID) throws -> [UInt8]?

  let repository: Repository
  private let select: Select
  private let store: TreeIndexStore?
  private let known: TreeIndexStore.Known
  /// Every tree answered in this run, and the ones asked for from outside (roots, folders), in
  /// the order first asked.
  private var answered: [ObjectID: [Item]] = [:]
  private var asked: [ObjectID] = []
  private var computedAny = false

  /// `name` is the file's name in `promptops/`; `parameters` are what the answers depend on
  /// besides the trees (a configured file name): an index made under others is not read.
  package init(repository: Repository, name: String, parameters: String, key: SymmetricKey?, select: @escaping Select) {
    self.repository = repository
    self.select = select
    store = key.map {
      TreeIndexStore(path: Self.path(of: name, in: repository), name: name, parameters: parameters, key: $0)
    }
    known = store?.load() ?? TreeIndexStore.Known()
  }

  static func path(of name: String, in repository: Repository) -> String {
    let common = repository.commonDirectory
    return (common.hasSuffix("/") ? common : common + "/") + "promptops/" + name
  }

  /// The items below `roots` in a commit, with paths from the top of the repository, sorted.
  package func items(under roots: [String], inCommit commit: ObjectID) throws -> [Item] {
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
    if !asked.contains(tree) { asked.append(tree) }
    return try answer(tree)
  }

  private func answer(_ tree: ObjectID) throws -> [Item] {
    if let done = answered[tree] { return done }
    let result: [Item]
    if let stored = known.items(of: tree) {
      result = stored
    } else {
      computedAny = true
      var found: [Item] = []
      try repository.forEachEntryWithMode(ofTree: tree) { name, mode, id in
        switch mode {
        case .tree:
          let inner = try answer(id)
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
      result = found
    }
    answered[tree] = result
    return result
  }

  /// Keeps this run's answers for the next runs, when any tree had to be read or a tree asked
  /// for was not among the last ones asked. A failure to write only costs the next run its speed.
  package func save() {
    guard let store, computedAny || known.readRest else { return }
    store.save(
      asked: asked.map { ($0, answered[$0] ?? []) }, answered: answered, previous: known, computed: computedAny)
  }
}

/// An index file, in two parts, each followed by an HMAC-SHA256 of everything before it:
///
/// - the header line, then the trees asked for from outside in the last runs (the roots of the
///   bases checked lately) with their items: small, read on every run;
/// - the generation (the number of runs that read trees), then every other tree kept, each with
///   the generation that last needed it: read only when a tree asked for is not in the first
///   part. Trees no run needed for `retainedGenerations` generations are dropped, so the file
///   follows the repository's current trees, not its history.
///
/// A tree is its 20-byte id, a 32-bit count and that many items (20-byte blob id, 32-bit path
/// length, path, 32-bit data length, data); integers are little-endian. Any damage, or a MAC
/// that does not verify, makes that part empty (the trees are read again); the file is replaced
/// whole, never edited in place.
private struct TreeIndexStore {
  let path: String
  let name: String
  let parameters: String
  let key: SymmetricKey

  /// Trees asked for from outside, kept in the first part.
  static let askedKept = 16
  /// Runs that read trees before a tree none of them needed is dropped.
  static let retainedGenerations: UInt32 = 32

  /// What a file holds; its second part is read on the first tree the first part does not know.
  final class Known {
    fileprivate var asked: [(ObjectID, [TreeIndex.Item])] = []
    fileprivate var askedByID: [ObjectID: [TreeIndex.Item]] = [:]
    private let rest: (() -> (UInt32, [ObjectID: (UInt32, [TreeIndex.Item])]))?
    fileprivate private(set) var generation: UInt32 = 0
    fileprivate private(set) var others: [ObjectID: (UInt32, [TreeIndex.Item])] = [:]
    /// Whether the second part had to be read.
    private(set) var readRest = false

    init() { rest = nil }

    fileprivate init(
      asked: [(ObjectID, [TreeIndex.Item])], rest: @escaping () -> (UInt32, [ObjectID: (UInt32, [TreeIndex.Item])])
    ) {
      self.asked = asked
      askedByID = Dictionary(asked, uniquingKeysWith: { first, _ in first })
      self.rest = rest
    }

    func items(of tree: ObjectID) -> [TreeIndex.Item]? {
      if let items = askedByID[tree] { return items }
      if !readRest {
        readRest = true
        if let rest { (generation, others) = rest() }
      }
      return others[tree]?.1
    }
  }

  private var header: [UInt8] { Array("promptops-tree-index 2 \(name) \(parameters)\n".utf8) }

  /// The index's own key, derived from the cache's and named after the index, so a MAC of one
  /// file never verifies another.
  private var indexKey: SymmetricKey {
    SymmetricKey(
      data: Data(HMAC<SHA256>.authenticationCode(for: Data("promptops tree index \(name)".utf8), using: key)))
  }

  /// Bytes read at first: the first part, unless it holds unusually many links. The second part
  /// is read from the same open file only when needed, so a run whose trees were asked before
  /// reads about as much whatever the size of the repository.
  static let firstRead = 1 << 14

  func load() -> Known {
    guard let handle = FileHandle(forReadingAtPath: path) else { return Known() }
    var bytes = [UInt8](handle.readData(ofLength: Self.firstRead))
    var complete = bytes.count < Self.firstRead
    let header = self.header
    guard bytes.starts(with: header) else { return Known() }
    var reader = Reader(bytes: bytes, offset: header.count)
    var asked = reader.trees()
    if asked == nil || reader.offset + 32 > bytes.count, !complete {
      bytes += handle.readDataToEndOfFile()
      complete = true
      reader = Reader(bytes: bytes, offset: header.count)
      asked = reader.trees()
    }
    guard let asked, reader.offset + 32 <= bytes.count else { return Known() }
    let firstEnd = reader.offset
    let indexKey = self.indexKey
    guard
      HMAC<SHA256>.isValidAuthenticationCode(
        bytes[firstEnd..<(firstEnd + 32)], authenticating: bytes[..<firstEnd], using: indexKey)
    else {
      return Known()
    }
    return Known(asked: asked) {
      // The same file, even if another run has replaced it since.
      if !complete { bytes += handle.readDataToEndOfFile() }
      try? handle.close()
      guard bytes.count >= firstEnd + 64,
        HMAC<SHA256>.isValidAuthenticationCode(bytes.suffix(32), authenticating: bytes.dropLast(32), using: indexKey)
      else { return (0, [:]) }
      var reader = Reader(bytes: Array(bytes[(firstEnd + 32)..<(bytes.count - 32)]), offset: 0)
      guard let generation = reader.number(), let count = reader.number() else { return (0, [:]) }
      var others: [ObjectID: (UInt32, [TreeIndex.Item])] = [:]
      others.reserveCapacity(min(Int(count), reader.bytes.count / 28))
      for _ in 0..<count {
        guard let kept = reader.number(), let (tree, items) = reader.tree() else { return (0, [:]) }
        others[tree] = (kept, items)
      }
      guard reader.offset == reader.bytes.count else { return (0, [:]) }
      return (generation, others)
    }
  }

  /// Writes the trees asked for in this run first (then the ones asked before, up to
  /// `askedKept`), and every tree answered in this run or kept by a recent generation.
  func save(
    asked: [(ObjectID, [TreeIndex.Item])], answered: [ObjectID: [TreeIndex.Item]], previous: Known, computed: Bool
  ) {
    var first = asked
    for (tree, items) in previous.asked where first.count < Self.askedKept && !first.contains(where: { $0.0 == tree }) {
      first.append((tree, items))
    }
    let generation = previous.generation &+ (computed ? 1 : 0)
    var others = previous.others.filter { generation &- $0.value.0 < Self.retainedGenerations }
    for (tree, items) in answered { others[tree] = (generation, items) }

    var writer = Writer(bytes: header)
    writer.number(UInt32(first.count))
    for (tree, items) in first { writer.tree(tree, items) }
    writer.bytes += HMAC<SHA256>.authenticationCode(for: writer.bytes, using: indexKey)
    writer.number(generation)
    writer.number(UInt32(others.count))
    for (tree, (kept, items)) in others {
      writer.number(kept)
      writer.tree(tree, items)
    }
    writer.bytes += HMAC<SHA256>.authenticationCode(for: writer.bytes, using: indexKey)
    try? AtomicFile.write(Data(writer.bytes), to: path, replacing: true)
  }

  private struct Reader {
    let bytes: [UInt8]
    var offset: Int

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
      guard count >= 0, bytes.count - offset >= count else { return nil }
      defer { offset += count }
      return bytes[offset..<(offset + count)]
    }

    mutating func number() -> UInt32? {
      take(4).map { $0.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }

    mutating func id() -> ObjectID? {
      take(20).map { slice in slice.withUnsafeBytes { ObjectID(rawBytes: $0) } }
    }

    mutating func tree() -> (ObjectID, [TreeIndex.Item])? {
      guard let tree = id(), let count = number() else { return nil }
      var items: [TreeIndex.Item] = []
      for _ in 0..<count {
        guard let blob = id(), let pathLength = number(), let path = take(Int(pathLength)), let dataLength = number(),
          let data = take(Int(dataLength))
        else { return nil }
        items.append(TreeIndex.Item(path: Array(path), id: blob, data: Array(data)))
      }
      return (tree, items)
    }

    mutating func trees() -> [(ObjectID, [TreeIndex.Item])]? {
      guard let count = number() else { return nil }
      var trees: [(ObjectID, [TreeIndex.Item])] = []
      for _ in 0..<count {
        guard let tree = tree() else { return nil }
        trees.append(tree)
      }
      return trees
    }
  }

  private struct Writer {
    var bytes: [UInt8]

    mutating func number(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }

    mutating func tree(_ tree: ObjectID, _ items: [TreeIndex.Item]) {
      bytes += tree.bytes
      number(UInt32(items.count))
      for item in items {
        bytes += item.id.bytes
        number(UInt32(item.path.count))
        bytes += item.path
        number(UInt32(item.data.count))
        bytes += item.data
      }
    }
  }
}
