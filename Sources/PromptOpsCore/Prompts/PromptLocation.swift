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

  public static func < (lhs: PromptLocation, rhs: PromptLocation) -> Bool { lhs.path < rhs.path }
}

/// Maps repository paths to prompt locations according to the configured layout.
public struct PromptLayout: Sendable {
  public let configuration: Configuration

  public init(_ configuration: Configuration) { self.configuration = configuration }

  /// The folders a diff is restricted to.
  public var roots: [String] { configuration.roots }

  /// The prompt a changed file belongs to, or nil when the file is not part of any prompt's
  /// text or card (e.g. an eval suite, a README).
  public func location(containing path: String) -> PromptLocation? {
    guard let root = roots.first(where: { $0.isEmpty || path.hasPrefix($0 + "/") }) else { return nil }
    let slash = path.lastIndex(of: "/")
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let folder = slash.map { String(path[..<$0]) } ?? ""
    if name == configuration.textFile || name == configuration.cardFile || name == configuration.changelogFile {
      // A prompt folder sits below a root, never at the root itself.
      guard !folder.isEmpty, folder != root else { return nil }
      return folderLocation(folder)
    }
    for suffix in configuration.singleFileSuffixes.sorted(by: { $0.count > $1.count }) where name.hasSuffix(suffix) && name.count > suffix.count {
      return PromptLocation(
        kind: .singleFile, path: path, textPath: path, cardPath: path, changelogPath: nil,
        expectedID: String(name.dropLast(suffix.count)))
    }
    return nil
  }

  /// The location of a folder prompt.
  public func folderLocation(_ folder: String) -> PromptLocation {
    let name = folder.split(separator: "/").last.map(String.init) ?? folder
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
          PromptLocation(kind: .singleFile, path: file, textPath: file, cardPath: file, changelogPath: nil, expectedID: id))
      }
    }
    return result
  }
}
