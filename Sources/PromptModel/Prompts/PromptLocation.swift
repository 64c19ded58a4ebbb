/// Where one prompt lives: a folder (text + card + optional changelog file) or a single file
/// with front matter.
public struct PromptLocation: Sendable, Hashable, Comparable {
  public enum Kind: Sendable, Hashable { case folder, singleFile }

  public let kind: Kind
  /// The folder, or the single file: the prompt's address in the repository.
  public let path: String
  /// The file holding the prompt text.
  public let textPath: String
  /// The file holding the card.
  public let cardPath: String
  /// The Keep-a-Changelog file beside a folder prompt, if the layout names one.
  public let changelogPath: String?
  /// The id the card must carry: the folder's name, or the file's name without its suffix.
  public let expectedID: String

  /// Locations are told apart by their bytes, as git tells paths apart. Swift's own string
  /// equality holds canonically equivalent spellings equal (`café` composed and decomposed):
  /// two folders git keeps apart would become one prompt, and an unbumped edit of one could
  /// pass by reading the other.
  public static func == (lhs: PromptLocation, rhs: PromptLocation) -> Bool {
    lhs.kind == rhs.kind && BytePath.equal(lhs.path, rhs.path) && BytePath.equal(lhs.textPath, rhs.textPath)
      && BytePath.equal(lhs.cardPath, rhs.cardPath)
      && lhs.changelogPath.map(BytePath.init) == rhs.changelogPath.map(BytePath.init)
      && BytePath.equal(lhs.expectedID, rhs.expectedID)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(kind)
    BytePath.hash(path, into: &hasher)
  }

  /// Byte order, as git sorts paths.
  public static func < (lhs: PromptLocation, rhs: PromptLocation) -> Bool { BytePath.order(lhs.path, rhs.path) < 0 }
}

/// Maps repository paths to prompt locations according to the configured layout.
public struct PromptLayout: Sendable {
  public let configuration: Configuration

  public init(_ configuration: Configuration) { self.configuration = configuration }

  /// The folders a diff is restricted to.
  public var roots: [String] { configuration.roots }

  /// Whether both layouts find and read every prompt identically (the same folders, file
  /// names and variable pattern), so a prompt read under one stands for the other.
  public func readsPromptsLike(_ other: PromptLayout) -> Bool {
    let (a, b) = (configuration, other.configuration)
    return a.roots == b.roots && a.textFile == b.textFile && a.cardFile == b.cardFile
      && a.changelogFile == b.changelogFile
      && a.singleFileSuffixes == b.singleFileSuffixes && a.variablePattern == b.variablePattern
  }

  /// The prompt a changed file belongs to, or nil when the file is not part of any prompt's
  /// text or card (e.g. an eval suite, a README).
  public func location(containing path: String) -> PromptLocation? {
    // Paths are compared as bytes: as Characters, "/" followed by a combining mark is not a "/".
    let bytes = Array(path.utf8)
    guard let root = roots.first(where: { $0.isEmpty || bytes.starts(with: Array(($0 + "/").utf8)) }) else {
      return nil
    }
    let slash = bytes.lastIndex(of: 0x2F)
    let name = String(decoding: slash.map { bytes[($0 + 1)...] } ?? bytes[...], as: UTF8.self)
    let folder = String(decoding: slash.map { bytes[..<$0] } ?? [], as: UTF8.self)
    if name == configuration.textFile || name == configuration.cardFile || name == configuration.changelogFile {
      // A prompt folder sits below a root, never at the root itself.
      guard !folder.isEmpty, folder != root else { return nil }
      return folderLocation(folder)
    }
    for suffix in configuration.singleFileSuffixes.sorted(by: { $0.utf8.count > $1.utf8.count })
    where name.utf8.count > suffix.utf8.count && Array(name.utf8).suffix(suffix.utf8.count).elementsEqual(suffix.utf8) {
      return PromptLocation(
        kind: .singleFile, path: path, textPath: path, cardPath: path, changelogPath: nil,
        expectedID: String(decoding: Array(name.utf8).dropLast(suffix.utf8.count), as: UTF8.self))
    }
    return nil
  }

  /// The location of a folder prompt.
  public func folderLocation(_ folder: String) -> PromptLocation {
    let name = String(decoding: Array(folder.utf8).split(separator: 0x2F).last ?? [], as: UTF8.self)
    return PromptLocation(
      kind: .folder, path: folder, textPath: folder + "/" + configuration.textFile,
      cardPath: folder + "/" + configuration.cardFile,
      changelogPath: configuration.changelogFile.isEmpty ? nil : folder + "/" + configuration.changelogFile,
      expectedID: name)
  }

  /// Every place a prompt with this id would sit in the reference layout, in every root: used to
  /// find duplicate ids without walking the tree.
  public func canonicalLocations(for id: String) -> [PromptLocation] {
    var result: [PromptLocation] = []
    for root in roots {
      let base = root.isEmpty ? "" : root + "/"
      result.append(folderLocation(base + id))
      for suffix in configuration.singleFileSuffixes {
        let file = base + id + suffix
        result.append(
          PromptLocation(
            kind: .singleFile, path: file, textPath: file, cardPath: file, changelogPath: nil, expectedID: id))
      }
    }
    return result
  }
}
