import GitKit

/// One line of a changed `.gitattributes` file that sets, changes or drops an attribute that
/// alters the bytes git checks out or stores (`eol`, `text`, `crlf`, `ident`, `filter`,
/// `working-tree-encoding`), for a pattern that may match prompt files.
///
/// Such a change alters what an application loads from a checkout, or what `git add` stores,
/// for prompts whose blobs, versions and hashes did not change.
public struct AttributeChange: Sendable {
  public enum Kind: Sendable, Equatable {
    /// A line the base did not have (`was` holds the base's settings for the same pattern, if any).
    case sets(was: [String]?)
    /// A line of the base's file that the head no longer has.
    case removes
  }

  /// The `.gitattributes` file.
  public let file: String
  /// The line in the head's file, or for a removed line, in the base's.
  public let line: Int
  public let kind: Kind
  /// The pattern; nil for a macro definition.
  package let pattern: AttributePattern?
  /// The macro a changed `[attr]` line defines.
  public let macro: String?
  /// The settings that alter bytes, macros expanded, as written (`eol=crlf`, `-text`).
  public let settings: [String]

  /// The attributes that change the bytes a checkout writes or git stores. `diff`, `merge` and
  /// the rest change only how git shows or merges a file.
  static let byteAltering: Set<String> = ["eol", "text", "crlf", "ident", "filter", "working-tree-encoding"]

  static let fileName = ".gitattributes"
}

/// Finds the changed `.gitattributes` lines of a comparison that matter to prompt files, reading
/// only what changed: the comparison restricted to the roots already lists the files inside them;
/// above each root, the file at the top and in each folder on the way down is compared by blob id
/// between the two sides (a handful of lookups). Only changed files are read (both sides), and
/// then the top file of each side, for the macros.
package struct AttributeChangeFinder {
  let repository: Repository
  let layout: PromptLayout

  package init(repository: Repository, layout: PromptLayout) {
    self.repository = repository
    self.layout = layout
  }

  package func changes(from base: Snapshot, to head: Snapshot, pathChanges: [PathChange]) throws -> [AttributeChange] {
    var files: [String] = []
    var seen = Set<BytePath>()
    func add(_ path: String) {
      if seen.insert(BytePath(path)).inserted { files.append(path) }
    }
    for change in pathChanges {
      for path in [change.oldPath, change.newPath].compactMap({ $0 }) where Self.isAttributesFile(path) { add(path) }
    }
    for root in layout.roots where !root.isEmpty {
      // The top folder and each folder above the root (the root's own file is inside it).
      var folders = [""]
      for component in root.split(separator: "/").dropLast() {
        folders.append(folders.last!.isEmpty ? String(component) : folders.last! + "/" + component)
      }
      for folder in folders {
        let path = folder.isEmpty ? AttributeChange.fileName : folder + "/" + AttributeChange.fileName
        if !seen.contains(BytePath(path)),
          try repository.blobID(at: path, in: base) != repository.blobID(at: path, in: head)
        {
          add(path)
        }
      }
    }
    guard !files.isEmpty else { return [] }

    let baseMacros = try macros(in: base)
    let headMacros = try macros(in: head)
    var result: [AttributeChange] = []
    for path in files.sorted(by: { BytePath($0) < BytePath($1) }) {
      let isTop = path == AttributeChange.fileName
      let old = GitAttributesFile(
        path: path, bytes: try repository.contents(at: path, in: base) ?? [], isTopLevel: isTop)
      let new = GitAttributesFile(
        path: path, bytes: try repository.contents(at: path, in: head) ?? [], isTopLevel: isTop)
      result += compare(old, baseMacros, new, headMacros)
    }
    return result
  }

  static func isAttributesFile(_ path: String) -> Bool {
    path == AttributeChange.fileName || path.hasSuffix("/" + AttributeChange.fileName)
  }

  /// The macros `[attr]` lines define in a snapshot's top `.gitattributes`, after git's own.
  private func macros(in snapshot: Snapshot) throws -> [String: GitAttributesFile.States] {
    var result: [String: GitAttributesFile.States] = [
      "binary": [("diff", .unset), ("merge", .unset), ("text", .unset)]
    ]
    guard let bytes = try repository.contents(at: AttributeChange.fileName, in: snapshot) else { return result }
    for line in GitAttributesFile(path: AttributeChange.fileName, bytes: bytes, isTopLevel: true).lines {
      if let macro = line.macro { result[macro] = line.states }
    }
    return result
  }

  /// The byte-altering settings a line makes, macros expanded where they stand on the line (a
  /// later setting wins, as in git), sorted by attribute name.
  static func settings(_ states: GitAttributesFile.States, macros: [String: GitAttributesFile.States]) -> [String] {
    var effective: [String: GitAttributesFile.State] = [:]
    for (name, state) in GitAttributesFile.expand(states, macros: macros) { effective[name] = state }
    return effective.filter { AttributeChange.byteAltering.contains($0.key) }.sorted { $0.key < $1.key }.map {
      $0.value.written($0.key)
    }
  }

  /// The lines whose byte-altering settings for their pattern are new in `new`, and the ones of
  /// `old` that are gone; moving a line within the file is no change.
  private func compare(
    _ old: GitAttributesFile, _ oldMacros: [String: GitAttributesFile.States],
    _ new: GitAttributesFile, _ newMacros: [String: GitAttributesFile.States]
  ) -> [AttributeChange] {
    struct Entry {
      let line: GitAttributesFile.Line
      let key: String
      let settings: [String]
    }
    func entries(_ file: GitAttributesFile, _ macros: [String: GitAttributesFile.States]) -> [Entry] {
      file.lines.compactMap { line in
        // A macro's own line is compared by what it expands to.
        let settings = Self.settings(line.macro.map { [($0, .set)] } ?? line.states, macros: macros)
        guard !settings.isEmpty else { return nil }
        if let pattern = line.pattern, !pattern.mayMatchPromptFiles(of: layout) { return nil }
        return Entry(line: line, key: line.pattern?.text ?? "[attr]" + (line.macro ?? ""), settings: settings)
      }
    }
    let before = entries(old, oldMacros)
    let after = entries(new, newMacros)
    func signature(_ entry: Entry) -> [String] { [entry.key] + entry.settings }
    var unmatchedBefore: [[String]: Int] = [:]
    for entry in before { unmatchedBefore[signature(entry), default: 0] += 1 }
    var unmatchedAfter: [[String]: Int] = [:]
    for entry in after { unmatchedAfter[signature(entry), default: 0] += 1 }
    var result: [AttributeChange] = []
    var reportedKeys = Set<String>()
    for entry in after {
      if let count = unmatchedBefore[signature(entry)], count > 0 {
        unmatchedBefore[signature(entry)] = count - 1
        continue
      }
      let was = before.last { $0.key == entry.key }?.settings
      reportedKeys.insert(entry.key)
      result.append(
        AttributeChange(
          file: new.path, line: entry.line.number, kind: .sets(was: was), pattern: entry.line.pattern,
          macro: entry.line.macro,
          settings: entry.settings))
    }
    for entry in before where !reportedKeys.contains(entry.key) {
      if let count = unmatchedAfter[signature(entry)], count > 0 {
        unmatchedAfter[signature(entry)] = count - 1
        continue
      }
      result.append(
        AttributeChange(
          file: old.path, line: entry.line.number, kind: .removes, pattern: entry.line.pattern, macro: entry.line.macro,
          settings: entry.settings))
    }
    return result
  }
}
