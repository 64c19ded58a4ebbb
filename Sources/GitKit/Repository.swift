import CLibgit2
import Foundation

/// An open git repository: the one owner of a `git_repository*`.
///
/// Every other libgit2 object is created and freed inside one method and its data copied out, with
/// two exceptions held here for speed and freed with the repository: the index (one per
/// repository, possibly the hook's `GIT_INDEX_FILE`) and the root trees of the commits being read.
public final class Repository {
  let pointer: OpaquePointer
  private var indexPointer: OpaquePointer?
  private var indexFile: IndexFile?
  private let indexFileOverride: String?
  private var rootTrees: [ObjectID: OpaquePointer] = [:]
  /// Comparisons of two trees already made, by their ids and folder: trees never change, so the
  /// gate's eval rules reuse the version rules' comparison of the prompt folders instead of
  /// making it again inside their whole-tree one.
  var treeComparisons: [TreeComparisonKey: [PathChange]] = [:]

  /// The `.git` directory (for a linked worktree, its private git directory).
  public let gitDirectory: String
  /// The top of the working tree, or nil for a bare repository.
  public let workingDirectory: String?

  /// Counts blobs read, so tests can prove the change-based paths read only what changed.
  public private(set) var blobsRead = 0
  /// Counts the trees `changedFiles` opened, so tests can prove it skips unchanged folders.
  public internal(set) var treesCompared = 0
  /// Counts the trees listed entry by entry (`forEachEntry`): the walks a tree index saves.
  public internal(set) var treesListed = 0

  private init(pointer: OpaquePointer, indexFile: String?) {
    self.pointer = pointer
    self.indexFileOverride = indexFile
    gitDirectory = String(cString: git_repository_path(pointer))
    workingDirectory = git_repository_workdir(pointer).map { String(cString: $0) }
  }

  deinit {
    for tree in rootTrees.values { git_tree_free(tree) }
    if let indexPointer { git_index_free(indexPointer) }
    git_repository_free(pointer)
  }

  /// Opens the repository that contains `path`, searching upward as git does.
  ///
  /// Inside a git hook, git exports `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE`. libgit2's
  /// open-from-environment mode fails when `GIT_WORK_TREE` is set, so the variables are applied
  /// here one by one instead: the directory is opened without searching, the work tree set, and the
  /// index file (the temporary one under `git commit -a` or `git commit <paths>`) is the one read.
  public static func open(
    at path: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> Repository {
    Libgit2.ensureInitialized()
    let cwd = FileManager.default.currentDirectoryPath
    func absolute(_ value: String) -> String {
      value.hasPrefix("/")
        ? value : URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: cwd)).standardizedFileURL.path
    }
    var handle: OpaquePointer?
    if let gitDir = environment["GIT_DIR"], !gitDir.isEmpty {
      let dir = absolute(gitDir)
      try Libgit2.call("git_repository_open_ext", context: dir) {
        git_repository_open_ext(&handle, dir, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
      }
      if let workTree = environment["GIT_WORK_TREE"], !workTree.isEmpty, let handle {
        let tree = absolute(workTree)
        do {
          try Libgit2.call("git_repository_set_workdir", context: tree) {
            git_repository_set_workdir(handle, tree, 0)
          }
        } catch {
          git_repository_free(handle)
          throw error
        }
      }
    } else {
      let start = absolute(path)
      do {
        try Libgit2.call("git_repository_open_ext", context: start) {
          git_repository_open_ext(&handle, start, 0, nil)
        }
      } catch let error as GitError where error.kind == .notFound {
        // libgit2 1.5.1 reports a repository owned by another user, when safe.directory is not
        // set at all, as "config value 'safe.directory' was not found" (ENOTFOUND), not EOWNER.
        if let owned = foreignOwnedRepository(above: start) ?? (error.message.contains("safe.directory") ? start : nil)
        {
          throw GitError(
            kind: .ownership, function: error.function, code: error.code,
            message: "\(owned): the repository is owned by another user, so git and promptops refuse "
              + "to read it. If you trust it, mark it safe: git config --global --add safe.directory '\(owned)'")
        }
        throw GitError(
          kind: .notFound, function: error.function, code: error.code,
          message: "not a git repository (or any parent up to /): \(start)")
      }
    }
    guard let handle else {
      throw GitError(kind: .other, function: "git_repository_open_ext", message: "could not open \(path)")
    }
    // Git reads a relative GIT_INDEX_FILE (hooks get `.git/index`) after moving to the top of
    // the work tree, wherever the command was started: a hook that changes folder, or `-C`,
    // must still find the index being committed.
    let top = git_repository_workdir(handle).map { String(cString: $0) }
    let indexFile = environment["GIT_INDEX_FILE"].flatMap { value -> String? in
      guard !value.isEmpty else { return nil }
      if value.hasPrefix("/") { return value }
      guard let top else { return absolute(value) }
      return URL(fileURLWithPath: value, relativeTo: URL(fileURLWithPath: top, isDirectory: true)).standardizedFileURL
        .path
    }
    return Repository(pointer: handle, indexFile: indexFile)
  }

  /// A second handle on the same repository, for reading objects on another thread: libgit2
  /// handles must not be used from two threads at once. It reads the same index file, and shares
  /// the already parsed index, which never changes once read.
  public func sibling() throws -> Repository {
    var handle: OpaquePointer?
    try Libgit2.call("git_repository_open_ext", context: gitDirectory) {
      git_repository_open_ext(&handle, gitDirectory, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
    }
    guard let handle else {
      throw GitError(kind: .other, function: "git_repository_open_ext", message: "could not open \(gitDirectory)")
    }
    let copy = Repository(pointer: handle, indexFile: indexFileOverride)
    copy.indexFile = indexFile
    return copy
  }

  /// Adds the blobs and trees a sibling read to this handle's counts.
  public func countReads(of sibling: Repository) {
    blobsRead += sibling.blobsRead
    treesCompared += sibling.treesCompared
    treesListed += sibling.treesListed
  }

  /// The nearest folder at or above `path` holding a `.git` that another user owns, if any.
  private static func foreignOwnedRepository(above path: String) -> String? {
    var url = URL(fileURLWithPath: path).standardizedFileURL
    while true {
      var info = stat()
      if stat(url.appendingPathComponent(".git").path, &info) == 0 {
        return info.st_uid == geteuid() ? nil : url.path
      }
      if url.path == "/" { return nil }
      url.deleteLastPathComponent()
    }
  }

  /// The directory shared by all worktrees (where `hooks/` lives); the git directory itself
  /// outside linked worktrees.
  public var commonDirectory: String { String(cString: git_repository_commondir(pointer)) }

  /// A configuration value as git reads it (repository, global and system files), or nil.
  public func configString(_ key: String) throws -> String? {
    var config: OpaquePointer?
    try Libgit2.call("git_repository_config_snapshot") { git_repository_config_snapshot(&config, pointer) }
    defer { git_config_free(config) }
    var value: UnsafePointer<CChar>?
    guard try Libgit2.lookup("git_config_get_string", context: key, { git_config_get_string(&value, config, key) })
    else {
      return nil
    }
    return value.map { String(cString: $0) }
  }

  /// True for a shallow clone, whose history stops at a graft libgit2 1.5 cannot walk past.
  public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

  /// The commit HEAD points to, or nil on an unborn branch (before the first commit).
  public func headCommit() throws -> ObjectID? {
    if git_repository_head_unborn(pointer) == 1 { return nil }
    var oid = git_oid()
    try Libgit2.call("git_reference_name_to_id", context: "HEAD") {
      git_reference_name_to_id(&oid, pointer, "HEAD")
    }
    return ObjectID(oid)
  }

  /// Resolves any revision git understands (`main`, `origin/main`, a tag, `HEAD~3`, a short SHA)
  /// to the commit it names.
  public func resolveCommit(_ revision: String) throws -> ObjectID {
    var object: OpaquePointer?
    do {
      try Libgit2.call("git_revparse_single", context: "revision '\(revision)'") {
        git_revparse_single(&object, pointer, revision)
      }
    } catch let error as GitError where error.kind == .notFound {
      throw GitError(
        kind: .missingHistory, function: error.function, code: error.code,
        message: "revision '\(revision)' is not in this repository"
          + (isShallow
            ? " (this is a shallow clone: fetch the full history, e.g. actions/checkout with fetch-depth: 0)"
            : "; fetch it first (in CI, check out with full history: fetch-depth: 0)"))
    }
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    try Libgit2.call("git_object_peel", context: "revision '\(revision)' is not a commit") {
      git_object_peel(&commit, object, GIT_OBJECT_COMMIT)
    }
    defer { git_object_free(commit) }
    return ObjectID(git_object_id(commit).pointee)
  }

  /// The best common ancestor of two commits, as `git merge-base` finds it; nil when the
  /// histories are unrelated.
  public func mergeBase(_ one: ObjectID, _ two: ObjectID) throws -> ObjectID? {
    var out = git_oid()
    var a = one.raw
    var b = two.raw
    git_error_clear()
    let code = git_merge_base(&out, pointer, &a, &b)
    if code == GIT_ENOTFOUND.rawValue {
      git_error_clear()
      return nil
    }
    if code < 0 { throw GitError.fromLast(function: "git_merge_base", code: code) }
    return ObjectID(out)
  }

  /// The first parent of a commit, or nil for a root commit.
  public func firstParent(of id: ObjectID) throws -> ObjectID? {
    var commit: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_commit_lookup", context: "commit \(id.hex)") { git_commit_lookup(&commit, pointer, &oid) }
    defer { git_commit_free(commit) }
    guard git_commit_parentcount(commit) > 0 else { return nil }
    return ObjectID(git_commit_parent_id(commit, 0))
  }

  /// Author, committer and message of one commit.
  public func commitInfo(_ id: ObjectID) throws -> CommitInfo {
    var commit: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_commit_lookup", context: "commit \(id.hex)") {
      git_commit_lookup(&commit, pointer, &oid)
    }
    defer { git_commit_free(commit) }
    let author = git_commit_author(commit).pointee
    return CommitInfo(
      id: id,
      authorName: String(cString: author.name),
      authorEmail: String(cString: author.email),
      time: Date(timeIntervalSince1970: TimeInterval(author.when.time)),
      summary: git_commit_summary(commit).map { String(cString: $0) } ?? "")
  }

  /// The contents of a blob, read from the object database (never from the working tree).
  public func blob(_ id: ObjectID) throws -> [UInt8] {
    var blob: OpaquePointer?
    var oid = id.raw
    try Libgit2.call("git_blob_lookup", context: "blob \(id.hex)") {
      git_blob_lookup(&blob, pointer, &oid)
    }
    defer { git_blob_free(blob) }
    blobsRead += 1
    let size = Int(git_blob_rawsize(blob))
    guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
    return Array(UnsafeRawBufferPointer(start: raw, count: size))
  }

  // MARK: - Index

  /// Where the index being committed lives: the hook's `GIT_INDEX_FILE` when set, else the
  /// repository's own (for a linked worktree, its private one).
  var indexPath: String {
    indexFileOverride ?? (gitDirectory.hasSuffix("/") ? gitDirectory : gitDirectory + "/") + "index"
  }

  /// The index being committed, read by `IndexFile` (the fast path for the staged check).
  ///
  /// Conflicted entries mean the change cannot be gated yet, so they are an error there.
  func index() throws -> IndexFile {
    if let indexFile { return indexFile }
    // A repository's own index may not exist yet (nothing staged ever); one named by
    // GIT_INDEX_FILE must: reading it as empty would make every prompt look deleted.
    if let named = indexFileOverride, access(named, F_OK) != 0 {
      throw GitError(kind: .other, function: "index", message: "GIT_INDEX_FILE names \(named), which does not exist")
    }
    let file = try IndexFile(path: indexPath)
    indexFile = file
    return file
  }

  /// The same index opened by libgit2, for libgit2's own diff (`changes(from:to:under:)`).
  func libgit2Index() throws -> OpaquePointer {
    if let indexPointer { return indexPointer }
    _ = try index()  // the same checks first: conflicts, split index, unknown extensions
    var handle: OpaquePointer?
    if let file = indexFileOverride {
      try Libgit2.call("git_index_open", context: "index \(file)") { git_index_open(&handle, file) }
      do {
        try Libgit2.call("git_repository_set_index", context: "index \(file)") {
          git_repository_set_index(pointer, handle)
        }
      } catch {
        git_index_free(handle)
        throw error
      }
    } else {
      try Libgit2.call("git_repository_index", context: "index of \(gitDirectory)") {
        git_repository_index(&handle, pointer)
      }
    }
    guard let handle else {
      throw GitError(kind: .other, function: "git_repository_index", message: "no index in \(gitDirectory)")
    }
    indexPointer = handle
    return handle
  }

  // MARK: - Trees

  func rootTree(of commit: ObjectID) throws -> OpaquePointer {
    if let tree = rootTrees[commit] { return tree }
    var commitHandle: OpaquePointer?
    var oid = commit.raw
    try Libgit2.call("git_commit_lookup", context: "commit \(commit.hex)") {
      git_commit_lookup(&commitHandle, pointer, &oid)
    }
    defer { git_commit_free(commitHandle) }
    var tree: OpaquePointer?
    try Libgit2.call("git_commit_tree", context: "commit \(commit.hex)") { git_commit_tree(&tree, commitHandle) }
    guard let tree else {
      throw GitError(kind: .other, function: "git_commit_tree", message: "commit \(commit.hex) has no tree")
    }
    rootTrees[commit] = tree
    return tree
  }
}

/// Who made a commit, and when.
public struct CommitInfo: Sendable, Equatable {
  public let id: ObjectID
  public let authorName: String
  public let authorEmail: String
  public let time: Date
  public let summary: String
}
