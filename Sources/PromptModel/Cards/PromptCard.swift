/// A prompt's card: its identity, version and history, read from `prompt-card.yml` or from a
/// single-file prompt's front matter. The content hash is never read from here.
public struct PromptCard: Sendable, Equatable {
  public let id: String
  public let description: String
  public let version: PromptVersion
  public let tags: [String]
  public let createdBy: String?
  /// The `model` value in a stable text form (a string, or a Prompty-style mapping).
  public let model: String?
  public let owners: [String]
  public let changelog: Changelog?

  /// 1-based lines of the card's keys in their file, for findings.
  public let lines: Lines

  public struct Lines: Sendable, Equatable {
    public var id = 1
    public var version = 1
    public var changelog: Int?
  }
}

/// Why a card could not be read, located in its file.
public struct CardProblem: Sendable, Equatable {
  public let file: String
  public let line: Int
  public let message: String
}

extension PromptCard {
  /// Reads a card from YAML text. A card with problems yields them and, when the required fields
  /// could still be read, the card too (so version rules can run beside the complaint).
  static func parse(_ text: String, file: String, lineOffset: Int = 0) -> (card: PromptCard?, problems: [CardProblem]) {
    var problems: [CardProblem] = []
    func problem(_ line: Int, _ message: String) {
      problems.append(CardProblem(file: file, line: line, message: message))
    }

    let root: YAMLValue?
    do {
      root = try YAMLValue.parse(text, lineOffset: lineOffset)
    } catch {
      return (nil, [CardProblem(file: file, line: error.line ?? 1, message: error.message)])
    }
    let rootPairs: [(key: String, keyLine: Int, value: YAMLValue)]?
    do {
      rootPairs = try root?.stringPairs
    } catch {
      return (
        nil, [CardProblem(file: file, line: (root?.line ?? 1) + lineOffset, message: "a key of the card \(error)")]
      )
    }
    guard let root, let pairs = rootPairs else {
      return (
        nil,
        [
          CardProblem(
            file: file, line: (root?.line ?? 1) + lineOffset,
            message: "the card must be a YAML mapping with id, description and version")
        ]
      )
    }

    var id: String?
    var description: String?
    var version: PromptVersion?
    var tags: [String] = []
    var createdBy: String?
    var model: String?
    var owners: [String] = []
    var changelog: Changelog?
    var lines = Lines()

    func stringList(_ node: YAMLValue, key: String) -> [String] {
      guard let sequence = node.sequence else {
        problem(node.line + lineOffset, "`\(key)` must be a list of strings")
        return []
      }
      return sequence.compactMap { item in
        guard let text = item.scalarText else {
          problem(item.line + lineOffset, "`\(key)` must be a list of strings")
          return nil
        }
        return text
      }
    }

    for (key, keyLine, value) in pairs {
      let line = keyLine + lineOffset
      switch key {
      case "id":
        lines.id = line
        if let text = value.scalarText, !text.isEmpty {
          id = text
        } else {
          problem(line, "`id` must be a non-empty string")
        }
      case "description":
        if let text = value.scalarText, text.contains(where: { !$0.isWhitespace }) {
          description = text
        } else {
          problem(line, "`description` must be a non-empty string")
        }
      case "version":
        lines.version = line
        if let text = value.scalarText, let parsed = PromptVersion(text) {
          version = parsed
        } else {
          do {
            let written = try value.scalarText ?? value.canonicalText()
            problem(line, "`version` '\(written)' is not a SemVer 2.0.0 version (e.g. 1.2.0, v2.0.0-rc.1)")
          } catch {
            problem(line, "`version` \(error); it must be a SemVer 2.0.0 version (e.g. 1.2.0, v2.0.0-rc.1)")
          }
        }
      case "tags": tags = stringList(value, key: "tags")
      case "owners": owners = stringList(value, key: "owners")
      case "created_by":
        if let text = value.scalarText { createdBy = text } else { problem(line, "`created_by` must be a string") }
      case "model":
        // Compared across versions as its canonical text: one that cannot be rendered whole is an
        // error, since two cut-off renderings would look equal whatever the model says.
        if let text = value.scalarText {
          model = text
        } else if value.mapping != nil {
          do {
            model = try value.canonicalText()
          } catch {
            problem(line, "`model` \(error), too large to compare across versions")
          }
        } else {
          problem(line, "`model` must be a string or a mapping")
        }
      case "changelog":
        lines.changelog = line
        changelog = parseChangelog(value, lineOffset: lineOffset, problem: problem)
      default:
        continue  // Other keys (Prompty's name, inputs, sample…) belong to other tools.
      }
    }

    let rootLine = root.line + lineOffset
    if id == nil && !pairs.contains(where: { $0.key == "id" }) { problem(rootLine, "required field `id` is missing") }
    if description == nil && !pairs.contains(where: { $0.key == "description" }) {
      problem(rootLine, "required field `description` is missing")
    }
    if version == nil && !pairs.contains(where: { $0.key == "version" }) {
      problem(rootLine, "required field `version` is missing")
    }

    guard let id, let version else { return (nil, problems) }
    let card = PromptCard(
      id: id, description: description ?? "", version: version, tags: tags, createdBy: createdBy, model: model,
      owners: owners, changelog: changelog, lines: lines)
    return (card, problems)
  }

  private static func parseChangelog(
    _ node: YAMLValue, lineOffset: Int, problem: (Int, String) -> Void
  ) -> Changelog? {
    if let text = node.scalarText {
      let bullets = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
      return .lines(bullets)
    }
    guard let sequence = node.sequence else {
      problem(
        node.line + lineOffset, "`changelog` must be a list of {version, date, author, changes} or a block of lines")
      return nil
    }
    var entries: [ChangelogEntry] = []
    for item in sequence {
      let line = item.line + lineOffset
      let itemPairs: [(key: String, keyLine: Int, value: YAMLValue)]?
      do {
        itemPairs = try item.stringPairs
      } catch {
        problem(line, "a key of this `changelog` entry \(error)")
        continue
      }
      guard let pairs = itemPairs else {
        problem(line, "each `changelog` entry must be a mapping with version and changes")
        continue
      }
      guard let versionNode = pairs.first(where: { $0.key == "version" })?.value, let text = versionNode.scalarText
      else {
        problem(line, "changelog entry is missing `version`")
        continue
      }
      if !PromptVersion.isValidSemVer(text.hasPrefix("v") ? String(text.dropFirst()) : text) {
        problem(versionNode.line + lineOffset, "changelog entry version '\(text)' is not a SemVer version")
        continue
      }
      let changes = pairs.first(where: { $0.key == "changes" })?.value
      let hasChanges = changes.map { ($0.scalarText?.isEmpty == false) || ($0.sequence?.isEmpty == false) } ?? false
      if !hasChanges { problem(line, "changelog entry \(text) has no `changes`") }
      entries.append(ChangelogEntry(version: text, line: versionNode.line + lineOffset))
    }
    return .entries(entries)
  }
}
