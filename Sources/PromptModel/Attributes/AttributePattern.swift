/// A `.gitattributes` pattern, matched as git matches it (attr.c's `path_matches`, dir.c's
/// `match_basename` and `match_pathname`).
///
/// A pattern without a slash (a trailing one aside) matches a file's name at any depth below the
/// folder of the `.gitattributes` file; a pattern with a slash matches the path relative to that
/// folder (a leading slash only anchors it). `*` and `?` never cross a slash in a path pattern,
/// `**` matches any number of folders, and a pattern ending in "/" matches folders only, which in
/// attributes means no file at all. Letter case is matched exactly.
package struct AttributePattern: Sendable, Hashable {
  /// The pattern as written (unquoted), for messages.
  package let text: String
  /// The folder of the `.gitattributes` file that holds it ("" for the top).
  let folder: String
  private let bytes: [UInt8]
  private let basenameOnly: Bool
  private let mustBeFolder: Bool
  /// Length of the part before the first wildcard (git's `nowildcardlen`).
  private let literalPrefix: Int
  /// "*literal" with no other wildcard: compared as a suffix.
  private let endsWith: Bool

  /// nil for a negative pattern ("!…"), which git ignores in attributes.
  init?(_ text: String, folder: String) {
    var bytes = Array(text.utf8)
    if bytes.first == 0x21 { return nil }
    self.text = text
    self.folder = folder
    mustBeFolder = bytes.last == 0x2F
    if mustBeFolder { bytes.removeLast() }
    basenameOnly = !bytes.contains(0x2F)
    literalPrefix = Self.simpleLength(bytes[...])
    endsWith = bytes.first == 0x2A && Self.simpleLength(bytes.dropFirst()) == bytes.count - 1
    self.bytes = bytes
  }

  /// The number of leading bytes that are no wildcard (`*`, `?`, `[`, `\`).
  private static func simpleLength(_ bytes: ArraySlice<UInt8>) -> Int {
    bytes.firstIndex(where: { $0 == 0x2A || $0 == 0x3F || $0 == 0x5B || $0 == 0x5C }).map { $0 - bytes.startIndex }
      ?? bytes.count
  }

  /// Whether the pattern applies to the file at `path` (a repository path). Only files below
  /// the pattern's folder are ever tested against it, as git reads a `.gitattributes` only for
  /// the paths inside its folder.
  package func matches(file path: String) -> Bool {
    guard !mustBeFolder else { return false }
    let path = Array(path.utf8)
    let base = Array(folder.utf8)
    if !base.isEmpty {
      guard path.count > base.count + 1, path.starts(with: base), path[base.count] == 0x2F else { return false }
    }
    if basenameOnly {
      let name = Array(path[((path.lastIndex(of: 0x2F) ?? -1) + 1)...])
      if literalPrefix == bytes.count { return name == bytes }
      if endsWith {
        return bytes.count - 1 <= name.count && name.suffix(bytes.count - 1).elementsEqual(bytes.dropFirst())
      }
      return Wildmatch.matches(bytes, name, pathname: false)
    }
    var pattern = bytes[...]
    var prefix = literalPrefix
    if pattern.first == 0x2F {
      pattern = pattern.dropFirst()
      prefix -= 1
    }
    var name = base.isEmpty ? path[...] : path[(base.count + 1)...]
    if prefix > 0 {
      guard prefix <= name.count, name.prefix(prefix).elementsEqual(pattern.prefix(prefix)) else { return false }
      pattern = pattern.dropFirst(prefix)
      name = name.dropFirst(prefix)
      if pattern.isEmpty && name.isEmpty { return true }
    }
    return Wildmatch.matches(Array(pattern), Array(name), pathname: true)
  }

  /// Whether the pattern could match some prompt file of the layout: a text, card or changelog
  /// file below a root, or a single-file prompt. An over-approximation, read from the pattern
  /// alone (no prompt is listed): a pattern that says "no" provably matches none; one that says
  /// "yes" might still match none (`a*.prompt.md` in a folder with no such prompt).
  func mayMatchPromptFiles(of layout: PromptLayout) -> Bool {
    guard !mustBeFolder else { return false }
    var components = bytes.split(separator: 0x2F, omittingEmptySubsequences: true).map(Array.init)
    guard let last = components.popLast() else { return false }
    let configuration = layout.configuration
    let names = [configuration.textFile, configuration.cardFile, configuration.changelogFile].filter { !$0.isEmpty }
    let nameFits =
      last == [0x2A, 0x2A] || names.contains { Wildmatch.matches(last, Array($0.utf8), pathname: true) }
      || configuration.singleFileSuffixes.contains { Self.mayMatch(last, nameEndingIn: Array($0.utf8)) }
    guard nameFits else { return false }
    let folders = Self.components(folder)
    if basenameOnly {
      // Any file below the folder: the folder must hold a root or lie inside one.
      return layout.roots.contains { root in Self.mayLead(folders, globs: [], into: Self.components(root), open: true) }
    }
    return layout.roots.contains { root in
      Self.mayLead(folders, globs: components, into: Self.components(root), open: components.contains([0x2A, 0x2A]))
    }
  }

  private static func components(_ path: String) -> [[UInt8]] {
    Array(path.utf8).split(separator: 0x2F, omittingEmptySubsequences: true).map(Array.init)
  }

  /// Whether a file below the folders `literal` then `globs` (pattern components) can lie below
  /// `root`: they agree where both have a folder, and, unless `open` (a `**`, or any depth), the
  /// file is at least as deep as the root's own files.
  private static func mayLead(_ literal: [[UInt8]], globs: [[UInt8]], into root: [[UInt8]], open: Bool) -> Bool {
    for (position, folder) in root.enumerated() {
      if position < literal.count {
        if literal[position] != folder { return false }
      } else if position < literal.count + globs.count {
        let glob = globs[position - literal.count]
        if glob == [0x2A, 0x2A] { return true }
        if !Wildmatch.matches(glob, folder, pathname: true) { return false }
      } else {
        break
      }
    }
    return open || literal.count + globs.count >= root.count
  }

  /// Whether a name pattern (one path component) could match some name "<id><suffix>" with a
  /// non-empty id: its literal tail and the suffix must agree where they overlap. Exact for a
  /// pattern without wildcards; otherwise "yes" unless the tail rules it out.
  private static func mayMatch(_ pattern: [UInt8], nameEndingIn suffix: [UInt8]) -> Bool {
    if simpleLength(pattern[...]) == pattern.count {
      return pattern.count > suffix.count && pattern.suffix(suffix.count).elementsEqual(suffix)
    }
    let tailStart = (pattern.lastIndex(where: { $0 == 0x2A || $0 == 0x3F || $0 == 0x5D }) ?? -1) + 1
    let tail = pattern[tailStart...]
    if tail.contains(0x5C) { return true }  // an escaped character: not read here
    return tail.count <= suffix.count
      ? suffix.suffix(tail.count).elementsEqual(tail) : tail.suffix(suffix.count).elementsEqual(suffix)
  }
}
