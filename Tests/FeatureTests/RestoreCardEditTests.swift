import Foundation
import Testing

@testable import PromptModel
@testable import PromptRelease

/// `rollback --restore` edits cards line by line; every form must stay a card the parser reads,
/// with the new version and its changelog entry.
@Suite("rollback --restore: card edits in every changelog form")
struct RestoreCardEditTests {
  static let entry = "Rollback to 1.0.0: tone: too curt, \"quoted\" #1"

  func edited(_ card: String, form: Changelog?) -> PromptCard? {
    var editor = CardEditor(card)
    editor.setVersion("1.0.2")
    editor.addChangelogEntry(form, version: "1.0.2", date: "2026-11-25", author: "ann@example.com", line: Self.entry)
    let parsed = PromptCard.parse(editor.text, file: "card.yml")
    #expect(parsed.problems.isEmpty, "\(parsed.problems)\n\(editor.text)")
    return parsed.card
  }

  @Test func aListOfEntriesGetsAnEntry() throws {
    for indent in ["  ", ""] {
      let card =
        "id: a\ndescription: d\nversion: 1.0.1 # current\nchangelog:\n\(indent)- version: 1.0.1\n\(indent)  changes: Second\ntags: [x]\n"
      let result = try #require(edited(card, form: .entries([])))
      #expect(result.version.text == "1.0.2")
      guard case .entries(let entries)? = result.changelog else {
        Issue.record("not a list any more")
        continue
      }
      #expect(entries.map(\.version) == ["1.0.1", "1.0.2"])
      #expect(result.tags == ["x"], "keys after the changelog survive")
    }
  }

  @Test func aBlockOfLinesGetsALine() throws {
    let card = "id: a\ndescription: d\nversion: \"1.0.1\"\nchangelog: |\n  - 1.0.0: First\n  - 1.0.1: Second\n"
    let result = try #require(edited(card, form: .lines([])))
    #expect(result.version.text == "1.0.2")
    guard case .lines(let lines)? = result.changelog else {
      Issue.record("not a block any more")
      return
    }
    #expect(lines.last == "- 1.0.2: \(Self.entry)")
    #expect(lines.count == 3)
  }

  @Test func aCardWithoutAChangelogGetsAList() throws {
    let result = try #require(edited("id: a\ndescription: d\nversion: 1.0.1\n", form: nil))
    guard case .entries(let entries)? = result.changelog else {
      Issue.record("no changelog list")
      return
    }
    #expect(entries.map(\.version) == ["1.0.2"])
  }

  @Test func aChangelogFileGetsASectionAboveTheNewest() {
    let markdown = "# Changelog\n\n## [Unreleased]\n\n## [1.0.1] - 2026-01-02\n\n- Second\n"
    let result = CardEditor.addingMarkdownEntry(markdown, version: "1.0.2", date: "2026-11-25", line: Self.entry)
    #expect(Changelog.markdownVersions(result) == ["1.0.2", "1.0.1"])
    #expect(result.contains("## [1.0.2] - 2026-11-25\n\n- \(Self.entry)\n"))
  }
}
