import Foundation
import GitKit

/// The new version `rollback --restore` wrote.
public struct RestoredVersion: Sendable, Equatable {
  public let version: String
  /// Repository-relative paths written.
  public let files: [String]
}

/// Writes an earlier version's text back into the working tree as a new version, with a
/// changelog entry `Rollback to V: reason`, so history only moves forward and the version gate
/// passes on the result: the bump is a patch, or larger when the gate would require it (a
/// template variable the newer text added and the older one lacks makes it major).
struct RestoreWriter {
  let workspace: ReleaseWorkspace

  func restore(id: String, targetVersion: String, targetCommit: ObjectID, reason: String, author: String) throws -> RestoredVersion {
    let repository = workspace.repository
    guard let current = try PromptFinder.find(id, in: .commit(workspace.head), repository: repository, layout: workspace.layout),
      let currentCard = current.card
    else {
      throw PromptOpsError.promptNotFound(id: id, detail: "at HEAD, so there is nothing to restore into")
    }
    guard let target = try PromptFinder.find(id, in: .commit(targetCommit), repository: repository, layout: workspace.layout),
      let targetText = try workspace.textBytes(of: target, at: targetCommit)
    else {
      throw PromptOpsError.promptNotFound(id: id, detail: "at commit \(targetCommit.hex.prefix(12))")
    }
    let top = workspace.workingDirectory + "/"
    for path in [current.location.textPath, current.location.cardPath] + (current.location.changelogPath.map { [$0] } ?? []) {
      let onDisk = FileManager.default.contents(atPath: top + path).map { [UInt8]($0) }
      if onDisk != nil, onDisk != (try repository.contents(at: path, in: .commit(workspace.head))) {
        throw PromptOpsError.repository("\(path) has uncommitted changes; commit or stash them before `rollback --restore`")
      }
    }

    let variables = VariableScanner(pattern: workspace.configuration.variablePattern)
    let required = BumpRequirement.of(status: .modified, old: current, new: target, variables: variables).level
    let version = currentCard.version.bumped(max(required, .patch))
    let entry = "Rollback to \(targetVersion): \(reason)"
    let date = String(ReleaseWorkspace.now().prefix(10))
    let email = author.firstIndex(of: "<").map { String(author[author.index(after: $0)...].dropLast()) } ?? author

    var files: [String] = []
    switch current.location.kind {
    case .folder:
      guard let cardBytes = try repository.contents(at: current.location.cardPath, in: .commit(workspace.head)) else {
        throw PromptOpsError.promptNotFound(id: id, detail: "card at HEAD")
      }
      var card = CardEditor(String(decoding: cardBytes, as: UTF8.self))
      card.setVersion(version)
      if case .none = currentCard.changelog, let markdown = current.changelogMarkdown, let path = current.location.changelogPath {
        try write(CardEditor.addingMarkdownEntry(markdown, version: version, date: date, line: entry), to: path)
        files.append(path)
      } else {
        card.addChangelogEntry(currentCard.changelog, version: version, date: date, author: email, line: entry)
      }
      try write(Data(targetText), to: current.location.textPath)
      try write(Data(card.text.utf8), to: current.location.cardPath)
      files += [current.location.textPath, current.location.cardPath]
    case .singleFile:
      guard let bytes = try repository.contents(at: current.location.textPath, in: .commit(workspace.head)), let front = FrontMatter(bytes) else {
        throw PromptOpsError.promptNotFound(id: id, detail: "front matter at HEAD")
      }
      var card = CardEditor(front.yaml)
      card.setVersion(version)
      card.addChangelogEntry(currentCard.changelog, version: version, date: date, author: email, line: entry)
      var yaml = card.text
      if !yaml.hasSuffix("\n") { yaml += "\n" }
      try write(Data(("---\n" + yaml + "---\n").utf8) + Data(targetText), to: current.location.textPath)
      files.append(current.location.textPath)
    }
    return RestoredVersion(version: version, files: files.sorted())
  }

  private func write(_ text: String, to path: String) throws { try write(Data(text.utf8), to: path) }

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
        "changelog:", "  - version: \(Self.quoted(version))", "    date: \(Self.quoted(date))", "    author: \(Self.quoted(author))",
        "    changes: \(Self.quoted(line))",
      ]
      return
    }
    // The block ends at the next top-level key (or the end).
    var end = start + 1
    while end < lines.count, lines[end].isEmpty || lines[end].first == " " || lines[end].first == "\t" || lines[end].first == "-" || lines[end].first == "#" {
      end += 1
    }
    var lastContent = start
    for index in (start + 1)..<end where !lines[index].trimmingCharacters(in: .whitespaces).isEmpty { lastContent = index }
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

  /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
  static func quoted(_ text: String) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    let data = (try? encoder.encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
  }
}
