import Crypto
import Foundation
import GitKit

/// The suites below the prompt roots whose text may name files outside their own folder: the
/// only suites a change to a file outside every prompt folder can feed.
///
/// Finding them means looking at every suite, a walk of every prompt folder, and that would make
/// a one-line change to a README cost as much as the repository is large. So each tree's finding
/// is kept by the tree's id in the git directory (`promptops/suite-index`): trees never change,
/// and a tree whose id is known is not read again. After the first walk, a gate reads only the
/// folders its change touched, as git's own diff does.
///
/// The index decides which prompts a change feeds, so it is evidence like the eval cache: the
/// file carries an HMAC-SHA256 under the cache's key (kept outside the repository, see
/// `EvalCacheKey`), and a file that does not verify is not read (the trees are walked again).
/// Without a key there is no index: every gate walks.
struct SuiteIndex {
  let repository: Repository
  /// The suite file name (`evalsuite.yml`); `<id>.evalsuite.yml` beside a single-file prompt counts too.
  let suiteFile: String
  /// The key the index file is authenticated with; nil keeps no index.
  let key: SymmetricKey?

  /// Suites below `roots` in a commit that may read outside their folder, with their blobs.
  func suitesReadingOutside(under roots: [String], inCommit commit: ObjectID) throws -> [FileEntry] {
    let store = key.map { SuiteIndexStore(path: Self.path(in: repository), suiteFile: suiteFile, key: $0) }
    let walk = Walk(repository: repository, suiteName: Array(suiteFile.utf8), known: store?.load() ?? [:])
    var result: [FileEntry] = []
    for root in roots {
      let folder = root.hasSuffix("/") ? String(root.dropLast()) : root
      guard let tree = try repository.treeID(at: folder, inCommit: commit) else { continue }
      let prefix = folder.isEmpty ? "" : folder + "/"
      result += try walk.suites(in: tree).map { FileEntry(path: prefix + $0.path, id: $0.id) }
    }
    if walk.computedAny { store?.save(walk.used) }
    return result.sorted { $0.path < $1.path }
  }

  static func path(in repository: Repository) -> String {
    let common = repository.commonDirectory
    return (common.hasSuffix("/") ? common : common + "/") + "promptops/suite-index"
  }

  /// A suite found below a tree: its path relative to that tree, and its blob.
  struct Suite: Equatable {
    let path: String
    let id: ObjectID
  }

  /// One walk: trees already known are answered from the index, the others are read.
  private final class Walk {
    let repository: Repository
    let suiteName: [UInt8]
    let known: [ObjectID: [Suite]]
    /// Every tree this walk answered, to be kept for the next one (in the order first met).
    private(set) var used: [(ObjectID, [Suite])] = []
    private var answered: [ObjectID: [Suite]] = [:]
    private(set) var computedAny = false

    init(repository: Repository, suiteName: [UInt8], known: [ObjectID: [Suite]]) {
      self.repository = repository
      self.suiteName = suiteName
      self.known = known
    }

    func suites(in tree: ObjectID) throws -> [Suite] {
      if let answer = answered[tree] { return answer }
      let answer: [Suite]
      if let stored = known[tree] {
        answer = stored
      } else {
        computedAny = true
        var found: [Suite] = []
        try repository.forEachEntry(ofTree: tree) { name, isTree, id in
          if isTree {
            let inner = try suites(in: id)
            if !inner.isEmpty {
              let folder = String(decoding: name, as: UTF8.self) + "/"
              found += inner.map { Suite(path: folder + $0.path, id: $0.id) }
            }
          } else if isSuite(name), SuiteLoader.mayReadOutsideItsFolder(try repository.blob(id)) {
            found.append(Suite(path: String(decoding: name, as: UTF8.self), id: id))
          }
        }
        answer = found
      }
      answered[tree] = answer
      used.append((tree, answer))
      return answer
    }

    /// `evalsuite.yml`, or `<id>.evalsuite.yml` beside a single-file prompt.
    private func isSuite(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
      guard name.count >= suiteName.count, name.suffix(suiteName.count).elementsEqual(suiteName) else { return false }
      return name.count == suiteName.count || name[name.count - suiteName.count - 1] == UInt8(ascii: ".")
    }
  }
}

/// The index file: a header line naming the suite file name it was made for, then per tree its
/// 20-byte id, a 32-bit count and that many suites (20-byte blob id, 32-bit path length, path),
/// integers little-endian, then a 32-byte HMAC-SHA256 of everything before it. Any damage, or a
/// MAC that does not verify, makes it empty (the walk reads the trees again); it is replaced
/// whole, never edited in place.
private struct SuiteIndexStore {
  let path: String
  let suiteFile: String
  let key: SymmetricKey

  private var header: [UInt8] { Array("promptops-suite-index 3 \(suiteFile)\n".utf8) }

  /// The index's own key, derived from the cache's, so a MAC of one file never verifies another.
  private var indexKey: SymmetricKey {
    SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("promptops suite index".utf8), using: key)))
  }

  func load() -> [ObjectID: [SuiteIndex.Suite]] {
    guard let file = FileManager.default.contents(atPath: path), file.count >= 32 else { return [:] }
    let data = file.prefix(file.count - 32)
    guard HMAC<SHA256>.isValidAuthenticationCode(file.suffix(32), authenticating: data, using: indexKey) else { return [:] }
    let header = self.header
    return data.withUnsafeBytes { raw -> [ObjectID: [SuiteIndex.Suite]] in
      guard raw.starts(with: header) else { return [:] }
      var offset = header.count
      func take(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, raw.count - offset >= count else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
      }
      func number() -> Int? { take(4).map { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) } }
      var index: [ObjectID: [SuiteIndex.Suite]] = [:]
      while offset < raw.count {
        guard let tree = take(20).map(ObjectID.init(rawBytes:)), let count = number() else { return [:] }
        var suites: [SuiteIndex.Suite] = []
        for _ in 0..<count {
          guard let blob = take(20).map(ObjectID.init(rawBytes:)), let length = number(), let name = take(length) else { return [:] }
          suites.append(SuiteIndex.Suite(path: String(decoding: name, as: UTF8.self), id: blob))
        }
        index[tree] = suites
      }
      return index
    }
  }

  /// Keeps the trees of the last walk. A failure to write only costs the next walk its speed.
  func save(_ trees: [(ObjectID, [SuiteIndex.Suite])]) {
    var bytes = header
    func append(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { bytes += $0 } }
    for (tree, suites) in trees {
      bytes += tree.bytes
      append(suites.count)
      for suite in suites {
        bytes += suite.id.bytes
        append(suite.path.utf8.count)
        bytes += suite.path.utf8
      }
    }
    bytes += HMAC<SHA256>.authenticationCode(for: bytes, using: indexKey)
    try? AtomicFile.write(Data(bytes), to: path, replacing: true)
  }
}
