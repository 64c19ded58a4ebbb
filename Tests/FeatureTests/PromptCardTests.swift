import Testing

@testable import PromptModel

@Suite("Prompt cards")
struct PromptCardTests {
  @Test func readsEveryField() throws {
    let yaml = """
      id: support-agent
      description: Answers support questions
      version: v2.1.0
      tags: [support, prod]
      created_by: dev-a
      owners: [alice@example.com]
      model: openai:gpt-4o
      changelog:
        - version: 2.1.0
          date: 2026-01-02
          author: dev-a
          changes: [Tuned tone]
        - version: 2.0.0
          changes: Renamed variables
      """
    let (card, problems) = PromptCard.parse(yaml, file: "c.yml")
    #expect(problems.isEmpty)
    let parsed = try #require(card)
    #expect(parsed.id == "support-agent")
    #expect(parsed.version.normalized == "2.1.0")
    #expect(parsed.version.text == "v2.1.0")
    #expect(parsed.tags == ["support", "prod"])
    #expect(parsed.owners == ["alice@example.com"])
    #expect(parsed.model == "openai:gpt-4o")
    #expect(parsed.lines.version == 3)
    #expect(parsed.lines.changelog == 8)
    #expect(
      parsed.changelog
        == .entries([ChangelogEntry(version: "2.1.0", line: 9), ChangelogEntry(version: "2.0.0", line: 13)]))
  }

  @Test func readsTheSeedsChangelogBlock() throws {
    let yaml = """
      id: onboarding-v2
      description: Improved user onboarding assistant prompt
      version: 2.1.0
      changelog: |
        - Tuned tone for friendliness
        - Improved coverage for edge-case intents
      """
    let card = try #require(PromptCard.parse(yaml, file: "c.yml").card)
    #expect(card.changelog == .lines(["- Tuned tone for friendliness", "- Improved coverage for edge-case intents"]))
  }

  @Test func namesTheLineOfAYAMLSyntaxError() {
    let yaml = "id: a\ndescription: b\nversion: 1.0.0\ntags: [unclosed\nowners: []\n"
    let (card, problems) = PromptCard.parse(yaml, file: "prompts/a/prompt-card.yml")
    #expect(card == nil)
    #expect(problems.count == 1)
    #expect(problems.first?.file == "prompts/a/prompt-card.yml")
    #expect((problems.first?.line ?? 0) >= 4)
    #expect(problems.first?.message.contains("invalid YAML") == true)
  }

  @Test func reportsMissingRequiredFields() {
    let (card, problems) = PromptCard.parse("tags: [x]\n", file: "c.yml")
    #expect(card == nil)
    #expect(
      problems.map(\.message).sorted() == [
        "required field `description` is missing", "required field `id` is missing",
        "required field `version` is missing",
      ])
  }

  @Test func reportsAnInvalidVersionAtItsLine() {
    let (card, problems) = PromptCard.parse("id: a\ndescription: d\nversion: 1.2\n", file: "c.yml")
    #expect(card == nil)
    #expect(
      problems == [
        CardProblem(
          file: "c.yml", line: 3, message: "`version` '1.2' is not a SemVer 2.0.0 version (e.g. 1.2.0, v2.0.0-rc.1)")
      ])
  }

  @Test func rejectsDuplicateKeys() {
    let (_, problems) = PromptCard.parse("id: a\ndescription: d\nversion: 1.0.0\nversion: 1.0.1\n", file: "c.yml")
    #expect(problems.first?.message.contains("duplicate key") == true)
  }

  @Test func readsKeepAChangelogHeadings() {
    let markdown = """
      # Changelog
      ## [Unreleased]
      ## [1.2.0] - 2026-01-31
      ### Changed
      ## 1.1.0
      ## [v1.0.0]
      """
    #expect(Changelog.markdownVersions(markdown) == ["1.2.0", "1.1.0", "v1.0.0"])
  }

  @Test func splitsFrontMatterFromTheBody() throws {
    let front = try #require(FrontMatter(Array("---\nid: x\nversion: 1.0.0\n---\nHello {{name}}\n".utf8)))
    #expect(front.yaml == "id: x\nversion: 1.0.0\n")
    #expect(Array(front.body) == Array("Hello {{name}}\n".utf8))
    #expect(front.bodyStartLine == 5)
    #expect(FrontMatter(Array("no front matter\n".utf8)) == nil)
    #expect(FrontMatter(Array("---\nid: x\n".utf8)) == nil)
    // CRLF line ends and a byte order mark, as some editors write them.
    let windows = try #require(FrontMatter([0xEF, 0xBB, 0xBF] + Array("---\r\nid: x\r\n---\r\nHi\r\n".utf8)))
    #expect(windows.yaml.hasPrefix("id: x"))
    #expect(Array(windows.body) == Array("Hi\r\n".utf8))
  }
}
