import Crypto
import Foundation
import GitKit
import PromptModel

/// Turns file-level differences into prompt-level changes.
///
/// A prompt is tracked by id, not by path: a folder that moved (with or without edits) is one
/// renamed prompt, never a deletion plus an addition.
package struct ChangeSetBuilder {
  let repository: Repository
  let configuration: Configuration
  let layout: PromptLayout
  let variables: VariableScanner
  /// Threads that may read prompts at once (each with its own repository handle).
  let readingThreads: Int
  /// Where the key of the link index comes from (`EvalCacheKey`).
  let environment: [String: String]

  package init(
    repository: Repository, configuration: Configuration, readingThreads: Int = 1,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.repository = repository
    self.configuration = configuration
    self.readingThreads = max(1, readingThreads)
    self.environment = environment
    layout = PromptLayout(configuration)
    variables = VariableScanner(pattern: configuration.variablePattern)
  }

  package func changes(from base: Snapshot, to head: Snapshot, timer: inout PhaseTimer) throws -> (ChangeSet, Int) {
    let pathChanges = try repository.changedFiles(from: base, to: head, under: layout.roots)
    timer.mark("compare trees")
    var locations = Set<PromptLocation>()
    // By bytes: paths git keeps apart stay apart (see `PromptLocation`).
    var changedPaths = Set<BytePath>()
    for change in pathChanges {
      if let path = change.oldPath { changedPaths.insert(BytePath(path)) }
      if let path = change.newPath { changedPaths.insert(BytePath(path)) }
      if let location = change.oldPath.flatMap(layout.location(containing:)) { locations.insert(location) }
      // A modified file has one path: its location is already known.
      if change.newPath.map(BytePath.init) != change.oldPath.map(BytePath.init),
        let location = change.newPath.flatMap(layout.location(containing:))
      {
        locations.insert(location)
      }
    }

    let sortedLocations = locations.sorted()
    let sides = try readBothSides(of: sortedLocations, base: base, head: head)
    let nonRegularFolders = try nonRegularFolders(among: pathChanges, in: head) { folder in
      sortedLocations.firstIndex(of: folder).flatMap { sides[$0].old }
    }
    var modified: [PromptChange] = []
    var deleted: [Prompt] = []
    var added: [Prompt] = []
    for (location, (old, new)) in zip(sortedLocations, sides) {
      switch (old, new) {
      case (let old?, let new?):
        modified.append(PromptChange(status: .modified, old: old, new: new, variables: variables))
      case (let old?, nil): deleted.append(old)
      case (nil, let new?): added.append(new)
      case (nil, nil):
        // Only a file beside a prompt changed (a CHANGELOG.md in a folder that is no prompt).
        guard changedPaths.contains(BytePath(location.textPath)) || changedPaths.contains(BytePath(location.cardPath))
        else { continue }
        // The change names this prompt's files, yet neither side can be read back (the walks
        // refuse names that are not UTF-8 before this point; this stays as the last guard).
        // Never pass what could not be checked.
        throw PromptOpsError.repository(
          "cannot read the prompt files at '\(location.path)' (a file name that is not valid UTF-8?); rename them to check this change"
        )
      }
    }

    // Pair deletions with additions by id (the card's, or where a card cannot be read, the one its
    // folder or file name gives), then what is left by the id folded to lower case: a folder
    // renamed only in case is one prompt, held to its old version. Git's own rename pairing is
    // not used: templated cards look alike, and git happily pairs two different prompts.
    var changes = modified
    var unmatchedAdded = added
    var unmatchedDeleted: [Prompt] = []
    for old in deleted {
      if let index = unmatchedAdded.firstIndex(where: { $0.id == old.id }) {
        changes.append(
          PromptChange(status: .renamed, old: old, new: unmatchedAdded.remove(at: index), variables: variables))
      } else {
        unmatchedDeleted.append(old)
      }
    }
    for old in unmatchedDeleted {
      let folded = PromptIDCase.folded(old.id)
      if let index = unmatchedAdded.firstIndex(where: { PromptIDCase.folded($0.id) == folded }) {
        changes.append(
          PromptChange(status: .renamed, old: old, new: unmatchedAdded.remove(at: index), variables: variables))
      } else {
        changes.append(PromptChange(status: .deleted, old: old, new: nil, variables: variables))
      }
    }
    changes += unmatchedAdded.map { PromptChange(status: .added, old: nil, new: $0, variables: variables) }
    changes.sort { ($0.id, $0.location.path) < ($1.id, $1.location.path) }

    let others = try otherLocations(of: changes, in: head)
    let attributeChanges = try AttributeChangeFinder(repository: repository, layout: layout).changes(
      from: base, to: head, pathChanges: pathChanges)
    timer.mark("read prompts")
    let linksWithChangedDestinations = try ChangedLinkTargets(
      repository: repository, layout: layout, key: indexKey(for: base)
    )
    .entries(from: base, to: head, changedPaths: changedPaths)
    timer.mark("follow links")
    return (
      ChangeSet(
        changes: changes, configuration: configuration, otherLocationsByID: others,
        nonRegularFolders: nonRegularFolders,
        linksWithChangedDestinations: linksWithChangedDestinations, attributeChanges: attributeChanges),
      pathChanges.count
    )
  }

  /// The key the link index is kept under, when there is a base commit to index and a key. With
  /// none, the links are found by a walk on every run: slower, never another verdict.
  private func indexKey(for base: Snapshot) -> SymmetricKey? {
    guard case .commit = base, case .success(let key) = EvalCacheKey.resolve(environment: environment) else {
      return nil
    }
    return key
  }

  /// The links and submodules in the head that stand where a prompt folder belongs (see
  /// `NonRegularEntry.atFolderPlace`): among the changed paths, the ones below a root that are at
  /// no prompt's text or card (those are the reader's), and the roots themselves and the folders
  /// above them, a handful of lookups. `replaced` gives the base's prompt at a folder, if any.
  private func nonRegularFolders(
    among pathChanges: [PathChange], in head: Snapshot, replaced: (PromptLocation) -> Prompt?
  ) throws -> [NonRegularEntry] {
    let reader = SnapshotReader(repository: repository, snapshot: head)
    var result = try nonRegularRoots(in: reader)
    for change in pathChanges {
      guard let path = change.newPath, let mode = change.newMode, mode == .symlink || mode == .gitlink,
        let id = change.newID,
        layout.location(containing: path) == nil, isBelowARoot(path)
      else { continue }
      if let entry = try NonRegularEntry.atFolderPlace(
        FileEntry(path: path, id: id, mode: mode), replacing: replaced(layout.folderLocation(path)), reader: reader,
        layout: layout)
      {
        result.append(entry)
      }
    }
    return result
  }

  /// A root, or a folder above one, that git stores as a link or a submodule: every prompt
  /// below it is out of promptops' sight.
  private func nonRegularRoots(in reader: SnapshotReader) throws -> [NonRegularEntry] {
    var result: [NonRegularEntry] = []
    var looked = Set<BytePath>()
    for root in layout.roots where !root.isEmpty {
      var folder = ""
      for component in root.split(separator: "/") {
        folder += (folder.isEmpty ? "" : "/") + component
        guard looked.insert(BytePath(folder)).inserted, let entry = try reader.fileEntry(at: folder),
          let found = try NonRegularEntry.at(entry, place: .folder, promptID: String(component), reader: reader)
        else { continue }
        result.append(found)
      }
    }
    return result
  }

  /// Strictly below a prompt root: where a prompt folder can sit.
  private func isBelowARoot(_ path: String) -> Bool {
    layout.roots.contains { root in
      root.isEmpty || (path.utf8.count > root.utf8.count + 1 && path.utf8.starts(with: (root + "/").utf8))
    }
  }

  /// Reads each location on both sides. Past a few dozen prompts (a long range, a large merge)
  /// the reading and card parsing is split over the machine's cores, each part with its own
  /// repository handle; the results keep the order of `locations`.
  private func readBothSides(
    of locations: [PromptLocation], base: Snapshot, head: Snapshot
  ) throws -> [(old: Prompt?, new: Prompt?)] {
    let workers = min(readingThreads, locations.count / Self.promptsPerWorker)
    guard workers > 1 else { return try read(locations[...], base: base, head: head, with: repository) }

    let handles = [repository] + (try (1..<workers).map { _ in try repository.sibling() })
    let chunk = (locations.count + workers - 1) / workers
    let results = ParallelResults<[(old: Prompt?, new: Prompt?)]>(count: workers)
    let job = UncheckedSendable((self, handles, locations, base, head))
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let (builder, handles, locations, base, head) = job.value
      let slice = locations[(worker * chunk)..<min(locations.count, (worker + 1) * chunk)]
      results.store(worker, Result { try builder.read(slice, base: base, head: head, with: handles[worker]) })
    }
    for sibling in handles.dropFirst() { repository.countReads(of: sibling) }
    return try results.collect().flatMap { $0 }
  }

  private func read(
    _ slice: ArraySlice<PromptLocation>, base: Snapshot, head: Snapshot, with repository: Repository
  ) throws -> [(old: Prompt?, new: Prompt?)] {
    let baseReader = PromptReader(repository: SnapshotReader(repository: repository, snapshot: base), layout: layout)
    let headReader = PromptReader(repository: SnapshotReader(repository: repository, snapshot: head), layout: layout)
    return try slice.map { (try baseReader.read($0), try headReader.read($0)) }
  }

  /// Below this many prompts per core, a second repository handle costs more than it saves.
  package static let promptsPerWorker = 24

  /// Where else, in the head snapshot, a prompt with each changed prompt's id would sit in the
  /// reference layout, keyed by the folded id (`PromptIDCase`). Probing those few paths finds
  /// duplicates without walking the tree.
  ///
  /// A new id (an added or renamed prompt) is also looked for in a different case: the names in
  /// its own folder and in each root (one tree each, or one search per name in the index) are
  /// compared with it folded. A prompt modified in place reads nothing more: its id is not new,
  /// so a twin in another case was reported when one of the two was added.
  private func otherLocations(of changes: [PromptChange], in head: Snapshot) throws -> [String: [PromptLocation]] {
    let reader = SnapshotReader(repository: repository, snapshot: head)
    let changedPaths = Set(
      changes.flatMap { [$0.old?.location.path, $0.new?.location.path].compactMap { $0.map(BytePath.init) } })
    var result: [String: [PromptLocation]] = [:]
    func add(_ candidate: PromptLocation, to key: String) throws {
      guard !changedPaths.contains(BytePath(candidate.path)), !(result[key] ?? []).contains(candidate) else { return }
      if try reader.exists(candidate.cardPath) || (candidate.kind == .folder && reader.exists(candidate.textPath)) {
        result[key, default: []].append(candidate)
      }
    }
    var probed = Set<String>()
    var wanted: [BytePath: Set<String>] = [:]
    for change in changes where change.status != .deleted {
      guard let new = change.new, let id = new.card?.id else { continue }
      let key = PromptIDCase.folded(id)
      result[key] = result[key] ?? []
      if probed.insert(id).inserted {
        for candidate in layout.canonicalLocations(for: id) { try add(candidate, to: key) }
      }
      if change.status == .added || change.status == .renamed {
        let path = Array(new.location.path.utf8)
        let ownFolder = String(decoding: path[..<(path.lastIndex(of: 0x2F) ?? 0)], as: UTF8.self)
        for folder in [ownFolder] + layout.roots { wanted[BytePath(folder), default: []].insert(key) }
      }
    }
    for (folder, keys) in wanted {
      for (key, candidate) in try caseVariants(of: keys, in: folder.path, of: head) { try add(candidate, to: key) }
    }
    return result
  }

  /// The places in one folder of a snapshot where a prompt whose id folds to one of `keys` could
  /// sit: subfolders by their name, single files by their name less a prompt suffix. Names are
  /// compared as bytes first: an ASCII name whose length fits no key is passed over without
  /// being copied, so a folder of thousands of prompts costs one pass over its listing.
  private func caseVariants(of keys: Set<String>, in folder: String, of snapshot: Snapshot) throws -> [(
    String, PromptLocation
  )] {
    let base = folder.isEmpty ? "" : folder + "/"
    let suffixes = configuration.singleFileSuffixes.sorted { $0.utf8.count > $1.utf8.count }.map { Array($0.utf8) }
    let lengths = Set(keys.map(\.utf8.count))
    let anyNonASCII = keys.contains { $0.utf8.contains { $0 >= 0x80 } }
    var found: [(String, PromptLocation)] = []
    try repository.forEachName(inFolder: folder, in: snapshot) { name, isFolder in
      var idLength = name.count
      if !isFolder {
        guard let suffix = suffixes.first(where: { name.count > $0.count && name.suffix($0.count).elementsEqual($0) })
        else { return }
        idLength -= suffix.count
      }
      // Lowercasing ASCII keeps the length; other letters may not.
      guard lengths.contains(idLength) || anyNonASCII || name.contains(where: { $0 >= 0x80 }) else { return }
      guard let text = String(validating: name, as: UTF8.self) else { return }
      let key = PromptIDCase.folded(String(decoding: name.prefix(idLength), as: UTF8.self))
      guard keys.contains(key) else { return }
      if isFolder {
        found.append((key, layout.folderLocation(base + text)))
      } else if let file = layout.location(containing: base + text), file.kind == .singleFile {
        found.append((key, file))
      }
    }
    return found
  }

  /// Every prompt in a snapshot, for `check --all`, with every link and submodule below a root
  /// that stands where a prompt folder belongs.
  package func wholeTree(_ snapshot: Snapshot) throws -> ChangeSet {
    let files = try repository.files(under: layout.roots, in: snapshot, includingSubmodules: true)
    let locations = Set(files.compactMap { layout.location(containing: $0.path) })
    let snapshotReader = SnapshotReader(repository: repository, snapshot: snapshot)
    let reader = PromptReader(repository: snapshotReader, layout: layout)
    var changes: [PromptChange] = []
    for location in locations.sorted() {
      if let prompt = try reader.read(location) {
        changes.append(PromptChange(status: .unchanged, old: nil, new: prompt, variables: variables))
      }
    }
    changes.sort { ($0.id, $0.location.path) < ($1.id, $1.location.path) }
    var nonRegularFolders = try nonRegularRoots(in: snapshotReader)
    for file in files where file.mode == .symlink || file.mode == .gitlink {
      guard layout.location(containing: file.path) == nil, isBelowARoot(file.path),
        let entry = try NonRegularEntry.atFolderPlace(file, replacing: nil, reader: snapshotReader, layout: layout)
      else { continue }
      nonRegularFolders.append(entry)
    }
    return ChangeSet(
      changes: changes, configuration: configuration, otherLocationsByID: [:], nonRegularFolders: nonRegularFolders,
      linksWithChangedDestinations: [], attributeChanges: [])
  }
}
