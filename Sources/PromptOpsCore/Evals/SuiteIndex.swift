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
struct SuiteIndex {
  let repository: Repository
  /// The suite file name (`evalsuite.yml`); `<id>.evalsuite.yml` beside a single-file prompt counts too.
  let suiteFile: String

  /// Suites below `roots` in a commit that may read outside their folder, with their blobs.
  func suitesReadingOutside(under roots: [String], inCommit commit: ObjectID) throws -> [FileEntry] {
    let store = SuiteIndexStore(path: Self.path(in: repository), suiteFile: suiteFile)
    let walk = Walk(repository: repository, suiteName: Array(suiteFile.utf8), known: store.load())
    var result: [FileEntry] = []
    for root in roots {
      let folder = root.hasSuffix("/") ? String(root.dropLast()) : root
      guard let tree = try repository.treeID(at: folder, inCommit: commit) else { continue }
      let prefix = folder.isEmpty ? "" : folder + "/"
      result += try walk.suites(in: tree).map { FileEntry(path: prefix + $0.path, id: $0.id) }
    }
    if walk.computedAny { store.save(walk.used) }
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

/// The index file: a header naming the suite file name it was made for, then per tree a line
/// `<tree id> <count>` and `count` lines `<blob id> <path>`. Any damage makes it empty (the walk
/// reads the trees again); it is replaced whole, never edited in place.
private struct SuiteIndexStore {
  let path: String
  let suiteFile: String

  private var header: String { "promptops-suite-index 1 \(suiteFile)" }

  func load() -> [ObjectID: [SuiteIndex.Suite]] {
    guard let data = FileManager.default.contents(atPath: path) else { return [:] }
    var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)[...]
    guard let first = lines.popFirst(), String(decoding: first, as: UTF8.self) == header else { return [:] }
    var index: [ObjectID: [SuiteIndex.Suite]] = [:]
    while let line = lines.popFirst(), !line.isEmpty {
      guard line.count > 41, line[line.startIndex + 40] == 0x20,
        let tree = ObjectID(hex: String(decoding: line.prefix(40), as: UTF8.self)),
        let count = Int(String(decoding: line.dropFirst(41), as: UTF8.self)), count >= 0, count <= lines.count
      else { return [:] }
      var suites: [SuiteIndex.Suite] = []
      for _ in 0..<count {
        guard let entry = lines.popFirst(), entry.count > 41, entry[entry.startIndex + 40] == 0x20,
          let blob = ObjectID(hex: String(decoding: entry.prefix(40), as: UTF8.self))
        else { return [:] }
        suites.append(SuiteIndex.Suite(path: String(decoding: entry.dropFirst(41), as: UTF8.self), id: blob))
      }
      index[tree] = suites
    }
    return index
  }

  /// Keeps the trees of the last walk. A failure to write only costs the next walk its speed.
  func save(_ trees: [(ObjectID, [SuiteIndex.Suite])]) {
    var text = header + "\n"
    for (tree, suites) in trees {
      // A path with a line break cannot be written in this format; its tree is read each time.
      guard !suites.contains(where: { $0.path.utf8.contains(0x0A) || $0.path.utf8.contains(0x0D) }) else { continue }
      text += "\(tree.hex) \(suites.count)\n"
      for suite in suites { text += "\(suite.id.hex) \(suite.path)\n" }
    }
    try? AtomicFile.write(Data(text.utf8), to: path, replacing: true)
  }
}
