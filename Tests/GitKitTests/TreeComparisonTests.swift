import Foundation
import GitKit
import TestSupport
import Testing

/// The change-following comparison (`changedFiles`) must find exactly the files libgit2's full
/// diff finds, for commits and for the index, on randomized histories.
@Suite("changedFiles agrees with libgit2's diff")
struct TreeComparisonTests {
  /// A rename is a deletion plus an addition for a comparison without rename detection.
  func flattened(_ changes: [PathChange]) -> Set<String> {
    var result = Set<String>()
    for change in changes {
      switch change.status {
      case .added: result.insert("A \(change.newPath!) \(change.newID!.hex)")
      case .deleted: result.insert("D \(change.oldPath!) \(change.oldID!.hex)")
      case .modified: result.insert("M \(change.newPath!) \(change.oldID!.hex) \(change.newID!.hex)")
      case .renamed:
        result.insert("D \(change.oldPath!) \(change.oldID!.hex)")
        result.insert("A \(change.newPath!) \(change.newID!.hex)")
      }
    }
    return result
  }

  func randomEdit(_ repo: TempRepo, _ random: inout some RandomNumberGenerator, round: Int) throws {
    // Folder names alike in their first bytes, as prompt folders often are. (A wrong cache-tree
    // order would only cost reads here, not change the result: `aStagedEditOpensOnly…` counts.)
    let folders = [
      "prompts", "prompts/team", "prompts/team/deep", "prompts/other", "src", "prompts/a.b", "prompts/a",
      "prompts/customer-support", "prompts/customer-support-v2", "prompts/customer-support.v2",
      "prompts/customer-supporter",
    ]
    for _ in 0..<Int.random(in: 1...5, using: &random) {
      let folder = folders.randomElement(using: &random)!
      let name = ["x.txt", "y.txt", "a", "a.txt", "b-c", "z"].randomElement(using: &random)!
      let path = folder + "/" + name
      let full = repo.path + "/" + path
      var isDirectory: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
      if exists && isDirectory.boolValue { continue }
      if exists && Bool.random(using: &random) {
        try FileManager.default.removeItem(atPath: full)
      } else {
        // Never create a file where a folder of the same name is planned to hold files.
        if folders.contains(path) { continue }
        try repo.write(path, "content \(round) \(Int.random(in: 0..<3, using: &random))\n")
      }
    }
  }

  /// Index formats 2 (git's default), 3 (extended flags) and 4 (prefix-compressed paths).
  @Test(arguments: [(UInt64(3), 2), (99, 4), (7, 3)])
  func commitsAndTheIndexAgree(seed: UInt64, indexVersion: Int) throws {
    var random = SplitMix64(state: seed)
    let repo = try TempRepo("treeComparison\(seed)")
    try repo.git("config", "index.version", "\(indexVersion)")
    try repo.write("prompts/seed.txt", "seed\n")
    var commits = [try repo.commit()]
    let repository = { try Repository.open(at: repo.path, environment: repo.environment) }
    for round in 0..<40 {
      try randomEdit(repo, &random, round: round)
      try repo.stage()
      if indexVersion == 3 && round % 5 == 0 {
        // An intent-to-add entry carries extended flags (format 3) and no content yet.
        try repo.write("prompts/intent\(round).txt", "later\n")
        try repo.git("add", "-N", "prompts/intent\(round).txt")
      }
      // The staged state, against HEAD, before committing it.
      let open = try repository()
      let head = try #require(try open.headCommit())
      for prefixes in [["prompts"], [""], ["prompts/team", "src"]] {
        let ours = try open.changedFiles(from: .commit(head), to: .index, under: prefixes)
        let libgit2 = try open.changes(from: .commit(head), to: .index, under: prefixes)
        // git leaves intent-to-add entries out of diff --cached and out of the commit; libgit2
        // 1.5 lists them as added empty files.
        let expected = flattened(libgit2).filter { !$0.contains("/intent") }
        #expect(flattened(ours) == expected, "seed \(seed) round \(round) staged \(prefixes)")
      }
      commits.append(try repo.commit("round \(round)"))
    }
    let open = try repository()
    for _ in 0..<30 {
      let a = try #require(ObjectID(hex: commits.randomElement(using: &random)!))
      let b = try #require(ObjectID(hex: commits.randomElement(using: &random)!))
      for prefixes in [["prompts"], [""]] {
        let ours = try open.changedFiles(from: .commit(a), to: .commit(b), under: prefixes)
        let libgit2 = try open.changes(from: .commit(a), to: .commit(b), under: prefixes)
        #expect(flattened(ours) == flattened(libgit2), "seed \(seed) \(a)..\(b) \(prefixes)")
      }
    }
    let first = try #require(ObjectID(hex: commits.last!))
    #expect(
      flattened(try open.changedFiles(from: .empty, to: .commit(first), under: ["prompts"]))
        == flattened(try open.changes(from: .empty, to: .commit(first), under: ["prompts"])))
  }

  @Test func aTruncatedIndexIsAClearError() throws {
    let repo = try TempRepo()
    for index in 0..<5 { try repo.write("prompts/p\(index).txt", "\(index)\n") }
    try repo.commit()
    let indexPath = repo.path + "/.git/index"
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: indexPath)))
    try Data(bytes.prefix(100) + bytes.suffix(20)).write(to: URL(fileURLWithPath: indexPath))
    let open = try Repository.open(at: repo.path, environment: repo.environment)
    #expect {
      _ = try open.changedFiles(from: .empty, to: .index, under: ["prompts"])
    } throws: { error in
      guard let error = error as? GitError else { return false }
      return error.kind == .unsupportedFormat && error.message.contains("cannot be read")
        && error.message.contains(indexPath)
    }
  }

  /// A format-4 index whose paths each keep the whole path before them and add a byte stands
  /// for n²/2 bytes of paths (650 KB here for 50 MB): refused once the paths pass 64 times the
  /// file's size, never rebuilt. Found by reasoning beside the `FuzzIndexFile` fuzz target,
  /// whose inputs are too small to reach it.
  @Test(.timeLimit(.minutes(5))) func formatFourPathsThatGrowQuadraticallyAreRefused() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a.txt", "a\n")
    try repo.commit()
    let indexPath = repo.path + "/.git/index"
    let count = 10_000
    var bytes = Array("DIRC".utf8) + [0, 0, 0, 4] + withUnsafeBytes(of: UInt32(count).bigEndian, Array.init)
    for _ in 0..<count {
      // ctime, mtime, dev, ino; mode 100644; uid, gid, size; an id; flags; strip 0, "a", NUL.
      bytes += [UInt8](repeating: 0, count: 24) + [0, 0, 0x81, 0xA4] + [UInt8](repeating: 0, count: 12)
      bytes += [UInt8](repeating: 0x11, count: 20) + [0x0F, 0xFF] + [0x00, UInt8(ascii: "a"), 0x00]
    }
    bytes += [UInt8](repeating: 0, count: 20)
    try Data(bytes).write(to: URL(fileURLWithPath: indexPath))
    let open = try Repository.open(at: repo.path, environment: repo.environment)
    #expect {
      _ = try open.changedFiles(from: .empty, to: .index, under: ["prompts"])
    } throws: { error in
      guard let error = error as? GitError else { return false }
      return error.kind == .unsupportedFormat && error.message.contains(indexPath)
        && error.message.hasSuffix("cannot be read: its format-4 paths expand past 64 times the size of the file")
    }
  }

  /// Corrupt indexes end in a clear error (or, for the cache-tree, in ignoring it), never in a
  /// crash and never in a pass on an index read as empty. A header that claims four billion
  /// entries and a v4 path varint that overflows are refused (exit 2, naming the index), as git
  /// refuses them. A cache-tree with absurd numbers is only a cache: it is ignored and the
  /// entries are read, so the staged change is what git sees (the deletion of `prompts/a.txt`,
  /// the one file HEAD holds and the index no longer does).
  @Test(.timeLimit(.minutes(5))) func corruptIndexesNeverCrash() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a.txt", "a\n")
    try repo.commit()
    let indexPath = repo.path + "/.git/index"
    func header(version: UInt8, count: [UInt8]) -> [UInt8] { Array("DIRC".utf8) + [0, 0, 0, version] + count }
    let refused: [[UInt8]] = [
      header(version: 2, count: [0xFF, 0xFF, 0xFF, 0xFF]) + [UInt8](repeating: 0, count: 20),
      header(version: 4, count: [0, 0, 0, 1]) + [UInt8](repeating: 0, count: 62) + [
        0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFF, 0x00,
      ]
        + [UInt8](repeating: 0, count: 20),
    ]
    let ignoredCacheTrees: [[UInt8]] = [
      header(version: 2, count: [0, 0, 0, 0]) + Array("TREE".utf8) + [0, 0, 0, 26] + [0]
        + Array("99999999999999999999 0\n".utf8)
        + [0, 0] + [UInt8](repeating: 0, count: 20),
      header(version: 2, count: [0, 0, 0, 0]) + Array("TREE".utf8) + [0, 0, 0, 18] + [0]
        + Array("-1 999999999999\n".utf8)
        + [0] + [UInt8](repeating: 0, count: 20),
    ]
    /// git's own reading of the index: its staged changes, or nil when it refuses the index.
    func gitStatus() -> String? { try? repo.git("status", "--porcelain", "--untracked-files=no") }
    for (number, bytes) in refused.enumerated() {
      try Data(bytes).write(to: URL(fileURLWithPath: indexPath))
      let result = try repo.promptops("check")
      #expect(result.status == 2, "case \(number): status \(result.status): \(result.stdout)\(result.stderr)")
      #expect(
        result.stderr.contains("promptops: error: the index \(indexPath) cannot be read: "),
        "case \(number): \(result.stderr)")
      #expect(result.stdout.isEmpty, "case \(number): no verdict on an index that cannot be read: \(result.stdout)")
      #expect(gitStatus() == nil, "case \(number): git refuses this index too")
    }
    for (number, bytes) in ignoredCacheTrees.enumerated() {
      try Data(bytes).write(to: URL(fileURLWithPath: indexPath))
      let result = try repo.promptops("check", "--verbose")
      #expect(result.status == 0, "cache-tree case \(number): status \(result.status): \(result.stderr)")
      #expect(result.stderr.contains("promptops: 1 changed paths, "), "cache-tree case \(number): \(result.stderr)")
    }
    // Where git reads the same index (the first cache-tree), it sees that one change too.
    try Data(ignoredCacheTrees[0]).write(to: URL(fileURLWithPath: indexPath))
    #expect(gitStatus() == "D  prompts/a.txt\n")
  }

  /// Modes travel with the changed paths, as `git diff --raw` shows them: a file that became a
  /// link to the same name (the same blob), the executable bit, and submodules (gitlinks), in
  /// the index and between commits.
  @Test func modesAgreeWithGitDiffRaw() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "../../shared/a.txt")
    try repo.write("prompts/b/prompt.txt", "b\n")
    try repo.write("prompts/c/prompt.txt", "c\n")
    try repo.write("prompts/d/prompt.txt", "d\n")
    let first = try repo.commit()
    // Same content, now a link: only the mode differs.
    try FileManager.default.removeItem(atPath: repo.path + "/prompts/a/prompt.txt")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/prompts/a/prompt.txt", withDestinationPath: "../../shared/a.txt")
    try repo.stage()
    try repo.git("update-index", "--chmod=+x", "prompts/b/prompt.txt")
    try repo.git("rm", "-rq", "--cached", "prompts/c")
    try repo.git("update-index", "--add", "--cacheinfo", "160000,\(first),prompts/c")
    try repo.git("update-index", "--add", "--cacheinfo", "160000,\(first),prompts/e")
    try repo.git("update-index", "--add", "--cacheinfo", "160000,\(first),prompts/d/sub")

    /// `:old new oldid newid status path` lines, with "modified" for a type change as ours has.
    func raw(_ arguments: [String]) throws -> Set<String> {
      let output = try repo.git(
        ["diff", "--raw", "--no-renames", "--no-abbrev", "-z"] + arguments + ["--", "prompts"])
      let fields = output.split(separator: "\0", omittingEmptySubsequences: true)
      var result = Set<String>()
      for index in stride(from: 0, to: fields.count, by: 2) {
        let parts = fields[index].dropFirst().split(separator: " ")
        result.insert("\(parts[0]) \(parts[1]) \(parts[2]) \(parts[3]) \(fields[index + 1])")
      }
      return result
    }
    func ours(_ changes: [PathChange]) -> Set<String> {
      func mode(_ mode: FileMode?) -> String {
        switch mode {
        case nil: return "000000"
        case .regular?: return "100644"
        case .executable?: return "100755"
        case .symlink?: return "120000"
        case .gitlink?: return "160000"
        case .tree?: return "040000"
        }
      }
      let zero = String(repeating: "0", count: 40)
      return Set(
        changes.map { change in
          "\(mode(change.oldMode)) \(mode(change.newMode)) \(change.oldID?.hex ?? zero) \(change.newID?.hex ?? zero) "
            + (change.newPath ?? change.oldPath!)
        })
    }
    let open = try Repository.open(at: repo.path, environment: repo.environment)
    let staged = ours(
      try open.changedFiles(from: .commit(try #require(ObjectID(hex: first))), to: .index, under: ["prompts"]))
    #expect(staged == (try raw(["--cached"])))
    #expect(staged.count == 6, "\(staged)")
    let second = try repo.commit("modes", stageAll: false)
    let reopened = try Repository.open(at: repo.path, environment: repo.environment)
    let (a, b) = (try #require(ObjectID(hex: first)), try #require(ObjectID(hex: second)))
    #expect(
      ours(try reopened.changedFiles(from: .commit(a), to: .commit(b), under: ["prompts"]))
        == (try raw([first, second])))
    #expect(
      ours(try reopened.changedFiles(from: .commit(b), to: .commit(a), under: ["prompts"]))
        == (try raw([second, first])))
  }

  /// An index without a cache-tree (or with an invalidated one) is compared entry by entry.
  @Test func worksWithoutACacheTree() throws {
    let repo = try TempRepo()
    for index in 0..<20 { try repo.write("prompts/p\(index)/prompt.txt", "\(index)\n") }
    try repo.commit()
    try repo.write("prompts/p7/prompt.txt", "changed\n")
    try repo.write("prompts/p21/prompt.txt", "new\n")
    try FileManager.default.removeItem(atPath: repo.path + "/prompts/p3/prompt.txt")
    // read-tree writes no cache-tree for a fresh index; add then leaves parts of it invalid.
    try repo.git("read-tree", "HEAD")
    try repo.stage()
    let open = try Repository.open(at: repo.path, environment: repo.environment)
    let head = try #require(try open.headCommit())
    let ours = try open.changedFiles(from: .commit(head), to: .index, under: ["prompts"])
    #expect(flattened(ours) == flattened(try open.changes(from: .commit(head), to: .index, under: ["prompts"])))
    #expect(ours.count == 3)
  }

  /// A staged edit opens only the trees on its own path: every other folder is skipped on its
  /// cache-tree entry. The cache lists subfolders shortest name first; these names (alike in
  /// their first bytes, differing in the byte git compares with "/") must still be matched to
  /// the index's order, or each sibling's tree would be read.
  @Test func aStagedEditOpensOnlyTheTreesOnItsPath() throws {
    let repo = try TempRepo()
    let names =
      (0..<40).flatMap { index in
        [
          "customer-support-\(index)", "customer-support.\(index)", "customer-support\(index)x",
          "customer-supporter\(index)",
        ]
      } + ["customer-support", "c", "c-1", "c.1", "customer"]
    // Files written in the second the index is written are "racily clean": git add hashes them
    // again and invalidates their folders, as it must. Older files keep the cache tree valid.
    func write(_ path: String, _ text: String) throws {
      try repo.write(path, text)
      try FileManager.default.setAttributes(
        [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: repo.path + "/" + path)
    }
    for name in names { try write("prompts/\(name)/prompt.txt", "\(name)\n") }
    try write("src/main.txt", "main\n")
    try repo.commit()
    for edited in ["customer-support", "customer-support.7", "c"] {
      try write("prompts/\(edited)/prompt.txt", "edited \(edited)\n")
      try repo.stage()
      let open = try Repository.open(at: repo.path, environment: repo.environment)
      let head = try #require(try open.headCommit())
      let ours = try open.changedFiles(from: .commit(head), to: .index, under: [""])
      #expect(flattened(ours) == flattened(try open.changes(from: .commit(head), to: .index, under: [""])))
      #expect(ours.map(\.newPath) == ["prompts/\(edited)/prompt.txt"])
      // The root, prompts/ and the edited folder.
      #expect(open.treesCompared == 3, "editing \(edited)")
      try repo.commit("edit \(edited)")
    }
  }
}
