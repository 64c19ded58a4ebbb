import Crypto
import GitKit
import PromptModel

/// The links already in the base at a prompt's text, card, single file or folder whose
/// destination the change alters: the edit of a file outside the prompt roots that changes what
/// a checkout loads as a prompt, while no path under the roots changes.
///
/// A link that enters, changes or leaves is a changed path, read with its prompt; this finds the
/// ones the change leaves alone. They are the links below the roots in the base, known from a
/// `TreeIndex` (`promptops/link-index` in the git directory, authenticated under the eval cache's
/// key, with each link's target kept beside it) so that after the first walk a run reads only
/// the folders that changed, and a repository with no link costs a lookup per root. Each link
/// is followed on both sides (`LinkDestination`): a few lookups per link. The head need not be a
/// commit: for the staged check the head is the index, and a link there is either the base's,
/// unchanged, or a changed path.
///
/// A link whose destination the change leaves alone is not reported here: the change cannot have
/// altered what it loads, and `check --all` reports every link.
struct ChangedLinkTargets {
  let repository: Repository
  let layout: PromptLayout
  /// The key the index file is authenticated with; nil keeps no index (every run walks).
  let key: SymmetricKey?

  static let indexFileName = "link-index"

  /// The links below the roots in `base` at a prompt's place whose destination differs in
  /// `head`, leaving out `changedPaths` (the paths below the roots the change touches).
  func entries(from base: Snapshot, to head: Snapshot, changedPaths: Set<BytePath>) throws -> [NonRegularEntry] {
    guard case .commit(let baseCommit) = base else { return [] }
    let repository = self.repository
    let index = TreeIndex(repository: repository, name: Self.indexFileName, parameters: "", key: key) { _, mode, id in
      mode == .symlink ? try repository.blob(id) : nil
    }
    let destinations = Destinations(repository: repository, index: index, base: baseCommit, head: head)
    var result: [NonRegularEntry] = []
    var seen = Set<[UInt8]>()
    for link in try index.items(under: layout.roots, inCommit: baseCommit) where seen.insert(link.path).inserted {
      // A name that is not UTF-8 is looked at anyway: it cannot be followed, so it counts as changed.
      let path = String(decoding: link.path, as: UTF8.self)
      guard !changedPaths.contains(BytePath(path)), let (place, promptID) = place(of: path) else { continue }
      let (before, after) = try destinations.compare(link.path, target: link.data)
      guard try destinations.differ(before, after) else { continue }
      // A link in a root to a file, at no prompt's text or card (a README), is no prompt's business.
      if place == .folder && before.isFile && after.isFile { continue }
      result.append(
        NonRegularEntry(
          path: path, kind: .symlink, place: place, target: String(decoding: link.data, as: UTF8.self),
          promptID: promptID,
          linkBlob: link.data, changedDestination: after.description))
    }
    index.save()
    return result
  }

  /// Which part of a prompt a link at `path` stands in for, and that prompt's id by its place;
  /// nil for a file of a prompt folder that is no text or card (a changelog).
  private func place(of path: String) -> (NonRegularEntry.Place, String)? {
    guard let location = layout.location(containing: path) else {
      return (.folder, layout.folderLocation(path).expectedID)
    }
    switch location.kind {
    case .singleFile: return (.singleFile, location.expectedID)
    case .folder:
      if BytePath.equal(path, location.textPath) { return (.text, location.expectedID) }
      if BytePath.equal(path, location.cardPath) { return (.card, location.expectedID) }
      return nil
    }
  }

  /// Follows links in the base and the head, and compares what they lead to.
  private final class Destinations {
    let repository: Repository
    let index: TreeIndex
    let base: ObjectID
    let head: Snapshot
    /// Folders compared so far; a folder being compared counts as unchanged to the links below
    /// it that lead back to it (what else changes below it is found anyway).
    private var folders: [BytePath: Bool] = [:]

    init(repository: Repository, index: TreeIndex, base: ObjectID, head: Snapshot) {
      self.repository = repository
      self.index = index
      self.base = base
      self.head = head
    }

    func compare(_ linkPath: [UInt8], target: [UInt8]) throws -> (LinkDestination, LinkDestination) {
      (
        try LinkDestination.of(linkAt: linkPath, target: target, in: .commit(base), repository: repository),
        try LinkDestination.of(linkAt: linkPath, target: target, in: head, repository: repository)
      )
    }

    /// Whether a checkout of the head finds other content there than one of the base. What
    /// cannot be followed differs (it cannot be shown to be the same).
    func differ(_ before: LinkDestination, _ after: LinkDestination) throws -> Bool {
      switch (before, after) {
      case (.file(_, let old), .file(_, let new)): return old != new
      case (.folder(let old), .folder(let new)) where BytePath.equal(old, new): return try folderChanged(old)
      case (.throughFile, .throughFile): return false
      case (.submodule(let oldPath, let old), .submodule(let newPath, let new)):
        return old != new || !BytePath.equal(oldPath, newPath)
      case (.outside(let old), .outside(let new)): return !BytePath.equal(old, new)
      default: return true
      }
    }

    /// Whether anything below a folder (or where none is) differs: a changed path, or a link
    /// below it, unchanged itself, whose destination differs.
    private func folderChanged(_ folder: String) throws -> Bool {
      if let known = folders[BytePath(folder)] { return known }
      folders[BytePath(folder)] = false
      var changed = try !repository.changedFiles(from: .commit(base), to: head, under: [folder]).isEmpty
      if !changed, let tree = try repository.treeID(at: folder, inCommit: base) {
        let prefix: [UInt8] = folder.isEmpty ? [] : Array(folder.utf8) + [0x2F]
        for link in try index.items(inTree: tree) {
          let (before, after) = try compare(prefix + link.path, target: link.data)
          if try differ(before, after) {
            changed = true
            break
          }
        }
      }
      folders[BytePath(folder)] = changed
      return changed
    }
  }
}
