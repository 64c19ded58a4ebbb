import GitKit

/// A symbolic link or a submodule where a prompt's text, card or folder belongs.
///
/// promptops versions and hashes a prompt's files as git stores them. For a link, git stores the
/// name of its target, so an edit of the target (outside the prompt roots, or anywhere) changes
/// what a checkout loads while nothing under the roots changes; a submodule is a commit of
/// another repository, whose files are not in this one at all. Neither can be gated.
public struct NonRegularEntry: Sendable, Hashable {
  public enum Kind: Sendable, Hashable {
    case symlink
    case submodule
  }

  /// Which part of a prompt the entry stands in for.
  public enum Place: Sendable, Hashable {
    case text, card
    /// A single-file prompt (text and card in one file).
    case singleFile
    /// A prompt folder, or a folder that may hold prompts (a link to a folder, or to something
    /// promptops cannot see; a submodule).
    case folder
  }

  public let path: String
  public let kind: Kind
  public let place: Place
  /// The link's target as git stores it, or the submodule's commit id.
  public let target: String
  /// The prompt the entry belongs to: its card's id where one is read, or the id its place gives.
  public let promptID: String
  /// A link's blob as git stores it (the target's name, which need not be UTF-8); empty for a
  /// submodule.
  let linkBlob: [UInt8]
  /// For a link the change leaves alone, where it leads whose content the change alters (see
  /// `ChangedLinkTargets`); nil for an entry the change adds or alters itself.
  public let changedDestination: String?

  package init(
    path: String, kind: Kind, place: Place, target: String, promptID: String, linkBlob: [UInt8],
    changedDestination: String? = nil
  ) {
    self.path = path
    self.kind = kind
    self.place = place
    self.target = target
    self.promptID = promptID
    self.linkBlob = linkBlob
    self.changedDestination = changedDestination
  }

  /// The entry at a prompt's text, card or single file, when it is a link or a submodule; for a
  /// link, reads its target's name (one small blob).
  package static func at(_ entry: FileEntry, place: Place, promptID: String, reader: SnapshotReader) throws
    -> NonRegularEntry?
  {
    switch entry.mode {
    case .symlink:
      let blob = try reader.blob(entry.id)
      return NonRegularEntry(
        path: entry.path, kind: .symlink, place: place, target: String(decoding: blob, as: UTF8.self),
        promptID: promptID, linkBlob: blob)
    case .gitlink:
      return NonRegularEntry(
        path: entry.path, kind: .submodule, place: place, target: entry.id.hex, promptID: promptID, linkBlob: [])
    case .regular, .executable, .tree:
      return nil
    }
  }

  /// A link or submodule below a prompt root that is at no prompt's text or card: whether it is,
  /// or may be, a folder where prompts belong.
  ///
  /// A submodule is always a folder. A link is one unless its target, followed inside the
  /// snapshot, is a regular file (a link to a README is no prompt's business); a target that
  /// leaves the repository, is missing, or is itself a link cannot be told apart from a folder
  /// and counts as one. `replacing` is the prompt the other side of the comparison had at this
  /// path, if any: its folder was replaced, whatever the target is.
  package static func atFolderPlace(
    _ entry: FileEntry, replacing: Prompt?, reader: SnapshotReader, layout: PromptLayout
  ) throws
    -> NonRegularEntry?
  {
    guard entry.mode == .symlink || entry.mode == .gitlink else { return nil }
    let promptID = replacing?.id ?? layout.folderLocation(entry.path).expectedID
    guard let found = try at(entry, place: .folder, promptID: promptID, reader: reader) else { return nil }
    if replacing != nil || entry.mode == .gitlink { return found }
    guard let target = resolve(found.target, from: entry.path), !target.isEmpty,
      let resolved = try reader.fileEntry(at: target)
    else {
      return found
    }
    return resolved.mode.isRegularFile ? nil : found
  }

  /// The repository path a link at `linkPath` names, or nil when it leaves the repository (an
  /// absolute target, or more `..` than folders above the link).
  static func resolve(_ target: String, from linkPath: String) -> String? {
    guard !target.hasPrefix("/") else { return nil }
    var parts = linkPath.split(separator: "/", omittingEmptySubsequences: true).dropLast()
    for component in target.split(separator: "/", omittingEmptySubsequences: true) {
      switch component {
      case ".": continue
      case "..":
        guard !parts.isEmpty else { return nil }
        parts.removeLast()
      default: parts.append(component)
      }
    }
    return parts.joined(separator: "/")
  }
}
