import Foundation
import GitKit
import PromptChanges
import PromptModel

/// The new version `rollback --restore` wrote.
public struct RestoredVersion: Sendable, Equatable {
  public let version: String
  /// Repository-relative paths written.
  public let files: [String]
  /// Each written file's bytes before (nil: there was none), for `RestoreWriter.undo`.
  let originals: [String: Data?]

  init(version: String, files: [String], originals: [String: Data?] = [:]) {
    self.version = version
    self.files = files
    self.originals = originals
  }
}

/// Writes an earlier version's text back into the working tree as a new version, with a
/// changelog entry `Rollback to V: reason`, so history only moves forward and the version gate
/// passes on the result: the bump is a patch, or larger when the gate would require it (a
/// template variable the newer text added and the older one lacks makes it major).
///
/// Writing it again is harmless: a file that already holds what would be written counts as
/// unchanged, so a rollback stopped after its restore can be run again. `undo` puts the files
/// back when a later step of the rollback fails.
struct RestoreWriter {
  let workspace: ReleaseWorkspace

  func restore(id: String, targetVersion: String, targetCommit: ObjectID, reason: String, author: String) throws
    -> RestoredVersion
  {
    let repository = workspace.repository
    guard
      let current = try PromptFinder.find(
        id, in: .commit(workspace.head), repository: repository, layout: workspace.layout),
      let currentCard = current.card
    else {
      throw PromptOpsError.promptNotFound(id: id, detail: "at HEAD, so there is nothing to restore into")
    }
    guard
      let target = try PromptFinder.find(
        id, in: .commit(targetCommit), repository: repository, layout: workspace.layout),
      let targetText = try workspace.textBytes(of: target, at: targetCommit)
    else {
      throw PromptOpsError.promptNotFound(id: id, detail: "at commit \(targetCommit.hex.prefix(12))")
    }

    let variables = VariableScanner(pattern: workspace.configuration.variablePattern)
    let required = BumpRequirement.of(status: .modified, old: current, new: target, variables: variables).level
    let version = currentCard.version.bumped(max(required, .patch))
    let entry = "Rollback to \(targetVersion): \(reason)"
    let date = String(ReleaseWorkspace.now().prefix(10))
    let email = author.firstIndex(of: "<").map { String(author[author.index(after: $0)...].dropLast()) } ?? author

    var writes: [(path: String, data: Data)] = []
    switch current.location.kind {
    case .folder:
      guard let cardBytes = try repository.contents(at: current.location.cardPath, in: .commit(workspace.head)) else {
        throw PromptOpsError.promptNotFound(id: id, detail: "card at HEAD")
      }
      var card = CardEditor(String(decoding: cardBytes, as: UTF8.self))
      card.setVersion(version)
      if case .none = currentCard.changelog, let markdown = current.changelogMarkdown,
        let path = current.location.changelogPath
      {
        writes.append(
          (path, Data(CardEditor.addingMarkdownEntry(markdown, version: version, date: date, line: entry).utf8)))
      } else {
        card.addChangelogEntry(currentCard.changelog, version: version, date: date, author: email, line: entry)
      }
      writes.append((current.location.textPath, Data(targetText)))
      writes.append((current.location.cardPath, Data(card.text.utf8)))
    case .singleFile:
      guard let bytes = try repository.contents(at: current.location.textPath, in: .commit(workspace.head)),
        let front = FrontMatter(bytes)
      else {
        throw PromptOpsError.promptNotFound(id: id, detail: "front matter at HEAD")
      }
      var card = CardEditor(front.yaml)
      card.setVersion(version)
      card.addChangelogEntry(currentCard.changelog, version: version, date: date, author: email, line: entry)
      var yaml = card.text
      if !yaml.hasSuffix("\n") { yaml += "\n" }
      writes.append((current.location.textPath, Data(("---\n" + yaml + "---\n").utf8) + Data(targetText)))
    }

    // A file may be as HEAD has it, missing, or already what this restore writes (a rollback
    // run again after it was stopped); anything else is someone's uncommitted work.
    let top = workspace.workingDirectory + "/"
    var originals: [String: Data?] = [:]
    for path in [current.location.textPath, current.location.cardPath]
      + (current.location.changelogPath.map { [$0] } ?? [])
    {
      let onDisk = FileManager.default.contents(atPath: top + path)
      let planned = writes.first { $0.path == path }?.data
      if let onDisk, onDisk != planned,
        [UInt8](onDisk) != (try repository.contents(at: path, in: .commit(workspace.head)))
      {
        throw PromptOpsError.repository(
          "\(path) has uncommitted changes; commit or stash them before `rollback --restore`")
      }
      if planned != nil { originals[path] = .some(onDisk) }
    }
    for (path, data) in writes { try write(data, to: path) }
    return RestoredVersion(version: version, files: writes.map(\.path).sorted(), originals: originals)
  }

  /// Puts the files a restore wrote back as they were.
  func undo(_ restored: RestoredVersion) throws {
    for (path, original) in restored.originals.sorted(by: { $0.key < $1.key }) {
      if let original {
        try write(original, to: path)
      } else if unlink(workspace.workingDirectory + "/" + path) != 0 && errno != ENOENT {
        throw PromptOpsError.io(path: path, message: "cannot remove: \(String(cString: strerror(errno)))")
      }
    }
  }

  private func write(_ data: Data, to path: String) throws {
    do {
      try data.write(to: URL(fileURLWithPath: workspace.workingDirectory + "/" + path), options: .atomic)
    } catch {
      throw PromptOpsError.io(path: path, message: "cannot write: \(error.localizedDescription)")
    }
  }
}

/// Line-based edits of a card's YAML that keep everything else (comments, order, quoting) as
/// the author wrote it.
struct CardEditor {
  private(set) var lines: [String]

  init(_ text: String) {
    var split = text.components(separatedBy: "\n")
    if split.last == "" { split.removeLast() }
    lines = split
  }

  var text: String { lines.joined(separator: "\n") + "\n" }

  /// Replaces the top-level `version:` value.
  mutating func setVersion(_ version: String) {
    if let index = lines.firstIndex(where: { $0.hasPrefix("version:") }) {
      lines[index] = "version: \(Self.quoted(version))"
    } else {
      lines.append("version: \(Self.quoted(version))")
    }
  }

  /// Adds an entry in the form the card already uses (a list of entries, or a `|` block of
  /// lines); a card without a changelog gets a list.
  mutating func addChangelogEntry(_ form: Changelog?, version: String, date: String, author: String, line: String) {
    guard let start = lines.firstIndex(where: { $0.hasPrefix("changelog:") }) else {
      lines += [
        "changelog:", "  - version: \(Self.quoted(version))", "    date: \(Self.quoted(date))",
        "    author: \(Self.quoted(author))",
        "    changes: \(Self.quoted(line))",
      ]
      return
    }
    // The block ends at the next top-level key (or the end).
    var end = start + 1
    while end < lines.count,
      lines[end].isEmpty || lines[end].first == " " || lines[end].first == "\t" || lines[end].first == "-"
        || lines[end].first == "#"
    {
      end += 1
    }
    var lastContent = start
    for index in (start + 1)..<end where !lines[index].trimmingCharacters(in: .whitespaces).isEmpty {
      lastContent = index
    }
    let body = lines[(start + 1)..<end].first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    let indent = body.map { String($0.prefix { $0 == " " || $0 == "\t" }) } ?? "  "
    switch form {
    case .lines?:
      lines.insert("\(indent)- \(version): \(line)", at: lastContent + 1)
    default:
      let item = [
        "\(indent)- version: \(Self.quoted(version))", "\(indent)  date: \(Self.quoted(date))",
        "\(indent)  author: \(Self.quoted(author))", "\(indent)  changes: \(Self.quoted(line))",
      ]
      lines.insert(contentsOf: item, at: lastContent + 1)
    }
  }

  /// A Keep-a-Changelog file with a section for the new version above the newest one.
  static func addingMarkdownEntry(_ markdown: String, version: String, date: String, line: String) -> String {
    var lines = markdown.components(separatedBy: "\n")
    let section = ["## [\(version)] - \(date)", "", "- \(line)", ""]
    if let first = lines.firstIndex(where: { $0.hasPrefix("## ") && !$0.lowercased().contains("unreleased") }) {
      lines.insert(contentsOf: section, at: first)
    } else {
      lines += [""] + section
    }
    return lines.joined(separator: "\n")
  }

  /// A YAML double-quoted scalar: JSON's string escapes (JSON string syntax is valid YAML), and
  /// `\uXXXX` for what libyaml refuses raw (DEL, the C1 controls, U+FEFF, U+FFFE, U+FFFF) or
  /// reads as a line break and folds (NEL, U+2028, U+2029).
  static func quoted(_ text: String) -> String {
    JSONValue.quoted(text) { code in
      (0x7F...0x9F).contains(code) || code == 0x2028 || code == 0x2029 || code == 0xFEFF
        || code >= 0xFFFE && code <= 0xFFFF
    }
  }
}
