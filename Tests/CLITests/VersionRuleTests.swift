import Foundation
import TestSupport
import Testing

/// Every version rule, through the real binary on real repositories.
@Suite("check: version and changelog rules")
struct VersionRuleTests {
  /// A `model` that arrives through a YAML merge key is the card's model, as PyYAML and js-yaml
  /// read it: changing it needs the minor bump a `model:` line needs, staged or over a range.
  @Test(arguments: [
    ("", "<<: {model: openai:gpt-5}\n"),
    ("model: openai:gpt-4o\n", "defaults: &defaults {model: openai:gpt-5}\n<<: *defaults\n"),
    ("<<: [{model: openai:gpt-4o}]\n", "<<: [{model: openai:gpt-5}, {temperature: 0}]\n"),
  ])
  func aModelChangedThroughAMergeKeyNeedsAMinorBump(old: String, new: String) throws {
    let repo = try TempRepo("mergeKeyModel")
    let text = "Summarise {{ticket}}.\n"
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"], extraCard: old)
    try repo.commit()
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"], extraCard: new)
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(report.rules == ["version-not-bumped"], "\(staged.stdout)")
    #expect(report.prompt("a")?["required_bump"] as? String == "minor")
    try repo.writePrompt("a", text: text, version: "1.0.1", changelog: ["1.0.0", "1.0.1"], extraCard: new)
    try repo.stage()
    #expect(try repo.check("--staged").1.rules == ["bump-too-small"])
    try repo.writePrompt("a", text: text, version: "1.1.0", changelog: ["1.0.0", "1.1.0"], extraCard: new)
    try repo.stage()
    let (bumped, _) = try repo.check("--staged")
    #expect(bumped.status == 0, "\(bumped.stdout)")
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"], extraCard: new)
    try repo.commit("switch the model through a merge key")
    let (gate, gateReport) = try repo.gate("--base", "HEAD~1")
    #expect(gate.status == 1, "\(gate.stdout)")
    #expect(gateReport.rules == ["version-not-bumped"], "\(gate.stdout)")
  }

  /// A `<<` whose value is no mapping is an error at its line, not a key another tool owns.
  @Test func aMergeKeyOfAScalarIsAnInvalidCard() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer briefly.\n", version: "1.0.0", changelog: ["1.0.0"],
      extraCard: "<<: openai:gpt-5\n")
    try repo.stage()
    let (result, report) = try repo.check("--staged")
    #expect(result.status == 1, "\(result.stdout)")
    let finding = try #require(report.findings("card-invalid").first, "\(result.stdout)")
    #expect(finding["file"] as? String == "prompts/a/prompt-card.yml")
    #expect(finding["line"] as? Int == 5)
    #expect((finding["message"] as? String)?.contains("merge key") == true, "\(finding)")
  }

  @Test func aChangeWithoutABumpFails() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer in one sentence.\n")
    try repo.stage()
    let text = try repo.promptops("check", "--staged")
    #expect(text.status == 1)
    #expect(text.stdout.contains("prompts/a/prompt-card.yml:3: error[version-not-bumped]"))
    #expect(text.stdout.contains("bump it to 1.0.1 (required: patch)"))
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(!report.passed)
    #expect(report.rules == ["version-not-bumped"])
    #expect(report.prompt("a")?["required_bump"] as? String == "patch")
  }

  /// Prompts are Nunjucks templates (promptfoo renders them so): a variable used only in a filter
  /// or an `{% if %}` that the change removes is a breaking change too.
  @Test(arguments: [
    ("{% if vip %}VIP {% endif %}Hello {{ name | upper }}.\n", "Hello {{ name | upper }}.\n", "vip"),
    ("Dear {{ name | title }}, about {{ topic }}.\n", "Dear friend, about {{ topic }}.\n", "name"),
  ])
  func aVariableRemovedFromTemplateSyntaxNeedsAMajorBump(before: String, after: String, variable: String) throws {
    let repo = try TempRepo.withPrompt(text: before)
    try repo.writePrompt("a", text: after, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (result, report) = try repo.check("--staged")
    #expect(result.status == 1, "\(result.stdout)")
    #expect(report.rules == ["bump-too-small"], "\(result.stdout)")
    #expect(report.prompt("a")?["required_bump"] as? String == "major")
    #expect((report.findings.first?["message"] as? String)?.contains(variable) == true, "\(report.findings)")
  }

  @Test func aBumpWithoutAChangelogEntryFails() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer in one sentence.\n")
    try repo.writePrompt("a", text: try repo.read("prompts/a/prompt.txt"), version: "1.0.1", changelog: ["1.0.0"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["changelog-missing"])
    #expect(report.findings.first?["file"] as? String == "prompts/a/prompt-card.yml")
    #expect((report.findings.first?["message"] as? String)?.contains("version 1.0.1") == true)
  }

  @Test func aCorrectBumpPasses() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer in one sentence.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 0, "\(result.stdout)")
    #expect(report.passed)
    let prompt = try #require(report.prompt("a"))
    #expect(prompt["status"] as? String == "modified")
    #expect(prompt["old_version"] as? String == "1.0.0")
    #expect(prompt["new_version"] as? String == "1.0.1")
    #expect(prompt["path"] as? String == "prompts/a")
    #expect(prompt["sha256"] as? String == (try sha256sum(repo.path + "/prompts/a/prompt.txt")))
  }

  @Test func aRemovedVariableWithAPatchBumpFails() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{customer}}.\nYou must be polite.\nAnswer briefly.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["bump-too-small"])
    let message = try #require(report.findings.first?["message"] as? String)
    #expect(message.contains("{{name}}"))
    #expect(message.contains("needs major"))
    #expect(message.contains("use 2.0.0"))
    #expect(report.prompt("a")?["required_bump"] as? String == "major")
  }

  @Test func aMajorBumpForARemovedVariablePasses() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{customer}}.\nYou must be polite.\nAnswer briefly.\n", version: "2.0.0",
      changelog: ["1.0.0", "2.0.0"])
    try repo.stage()
    let (result, _) = try repo.check()
    #expect(result.status == 0)
  }

  @Test func anAddedVariableNeedsAMinorBump() throws {
    let repo = try TempRepo.withPrompt()
    let text = "Hello {{name}} from {{city}}.\nYou must be polite.\nAnswer briefly.\n"
    try repo.writePrompt("a", text: text, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (patch, patchReport) = try repo.check()
    #expect(patch.status == 1)
    #expect(patchReport.rules == ["bump-too-small"])
    #expect(patchReport.prompt("a")?["required_bump"] as? String == "minor")
    try repo.writePrompt("a", text: text, version: "1.1.0", changelog: ["1.0.0", "1.1.0"])
    try repo.stage()
    #expect(try repo.check().0.status == 0)
  }

  @Test func aModelChangeNeedsAMinorBump() throws {
    let repo = try TempRepo("modelChange")
    let text = "Summarise {{ticket}}.\n"
    try repo.writePrompt("a", text: text, version: "1.0.0", changelog: ["1.0.0"], extraCard: "model: openai:gpt-4o\n")
    try repo.commit()
    try repo.writePrompt(
      "a", text: text, version: "1.0.0", changelog: ["1.0.0"], extraCard: "model: openai:gpt-4o-mini\n")
    try repo.stage()
    let (unbumped, report) = try repo.check()
    #expect(unbumped.status == 1)
    #expect(report.rules == ["version-not-bumped"])
    #expect(report.prompt("a")?["required_bump"] as? String == "minor")
    try repo.writePrompt(
      "a", text: text, version: "1.1.0", changelog: ["1.0.0", "1.1.0"], extraCard: "model: openai:gpt-4o-mini\n")
    try repo.stage()
    #expect(try repo.check().0.status == 0)
  }

  @Test func aDowngradeFails() throws {
    let repo = try TempRepo("downgrade")
    try repo.writePrompt("a", text: "x\n", version: "1.2.0", changelog: ["1.2.0"])
    try repo.commit()
    try repo.writePrompt("a", text: "y\n", version: "1.1.9", changelog: ["1.2.0", "1.1.9"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["version-not-increased"])
    #expect((report.findings.first?["message"] as? String)?.contains("is lower than the base version 1.2.0") == true)
  }

  /// Precedence is semver.org's §11 on the identifiers as written: `-5` has a hyphen, so it is
  /// alphanumeric and above the number 0; numbers longer than 64 bits still compare as numbers.
  /// Each step is down, and refused.
  @Test(arguments: [
    ("1.0.0--5", "1.0.0-0"),
    ("1.0.0-100000000000000000000", "1.0.0-99999999999999999999"),
    ("100000000000000000000.0.0", "99999999999999999999.0.0"),
  ])
  func aStepDownThatAMachineIntegerWouldMisreadFails(_ old: String, _ new: String) throws {
    let repo = try TempRepo("stepDown")
    try repo.writePrompt("a", text: "x\n", version: old, changelog: [old])
    try repo.commit()
    try repo.writePrompt("a", text: "y\n", version: new, changelog: [old, new])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["version-not-increased"], "\(result.stdout)")
    #expect((report.findings.first?["message"] as? String)?.contains("is lower than the base version \(old)") == true)
    #expect(report.findings.first?["file"] as? String == "prompts/a/prompt-card.yml")
  }

  /// The same numbers the other way up are a proper bump, with a suggestion computed exactly.
  @Test func numbersPast64BitsBumpExactly() throws {
    let repo = try TempRepo("hugeBump")
    try repo.writePrompt("a", text: "x\n", version: "99999999999999999999.0.0", changelog: ["99999999999999999999.0.0"])
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "y\n")
    try repo.stage()
    let text = try repo.promptops("check", "--staged")
    #expect(text.status == 1)
    #expect(text.stdout.contains("bump it to 99999999999999999999.0.1 (required: patch)"), "\(text.stdout)")
    try repo.writePrompt(
      "a", text: "y\n", version: "100000000000000000000.0.0",
      changelog: ["99999999999999999999.0.0", "100000000000000000000.0.0"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 0, "\(result.stdout)")
    #expect(report.prompt("a")?["new_version"] as? String == "100000000000000000000.0.0")
  }

  @Test func aNewVersionWithIdenticalContentWarns() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: try repo.read("prompts/a/prompt.txt"), version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 0)
    #expect(report.rules == ["version-changed-without-content"])
    #expect(report.findings.first?["severity"] as? String == "warning")
  }

  @Test func aNewPromptNeedsAChangelogEntry() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt("b", text: "New\n", version: "0.1.0")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["changelog-missing"])
    #expect(report.prompt("b")?["status"] as? String == "added")
    #expect(report.prompt("b")?["old_version"] is NSNull)
  }

  @Test func theChangelogBlockNeedsANewLine() throws {
    let repo = try TempRepo("block")
    let card = "id: a\ndescription: d\nversion: 1.0.0\nchangelog: |\n  - First\n"
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.write("prompts/a/prompt-card.yml", card)
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "two\n")
    try repo.write("prompts/a/prompt-card.yml", card.replacingOccurrences(of: "1.0.0", with: "1.0.1"))
    try repo.stage()
    #expect(try repo.check().1.rules == ["changelog-missing"])
    try repo.write("prompts/a/prompt-card.yml", card.replacingOccurrences(of: "1.0.0", with: "1.0.1") + "  - Second\n")
    try repo.stage()
    #expect(try repo.check().0.status == 0)
  }

  /// A block that replaces a list of entries holds no versions, so none of its lines shows the
  /// new version: the old entry's text moved into a block is no entry for the bump.
  @Test func aBlockReplacingEntriesIsNoEntryForTheNewVersion() throws {
    let repo = try TempRepo.withPrompt()
    let text = "Hello {{name}}.\nYou must be polite.\nAnswer in one sentence.\n"
    try repo.writePrompt("a", text: text, version: "1.0.1")
    try repo.write(
      "prompts/a/prompt-card.yml", try repo.read("prompts/a/prompt-card.yml") + "changelog: |\n  - Release 1.0.0\n")
    try repo.stage()
    let (result, report) = try repo.check("--staged")
    #expect(result.status == 1, "\(result.stdout)")
    #expect(report.rules == ["changelog-missing"])
    let message = try #require(report.findings.first?["message"] as? String)
    #expect(message.contains("keep the entries form"), "\(message)")
    #expect(message.contains("`version: 1.0.1`"), "\(message)")
    // A new line does not help either; an entry for the version does.
    try repo.write(
      "prompts/a/prompt-card.yml", try repo.read("prompts/a/prompt-card.yml") + "  - Answer in one sentence\n")
    try repo.stage()
    #expect(try repo.check("--staged").1.rules == ["changelog-missing"])
    try repo.writePrompt("a", text: text, version: "1.0.1", changelog: ["1.0.1"])
    try repo.stage()
    #expect(try repo.check("--staged").0.status == 0)
  }

  /// The reverse switch, and a prompt that had no changelog, keep their ordinary flows: entries
  /// name their versions, and a first block's lines are all new.
  @Test func entriesAfterABlockAndAFirstChangelogCount() throws {
    let repo = try TempRepo("changelogForms")
    let card = "id: a\ndescription: d\nversion: 1.0.0\nchangelog: |\n  - First\n"
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.write("prompts/a/prompt-card.yml", card)
    try repo.write("prompts/b/prompt.txt", "one\n")
    try repo.write("prompts/b/prompt-card.yml", "id: b\ndescription: d\nversion: 1.0.0\n")
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "two\n")
    try repo.writePrompt("a", text: "two\n", version: "1.0.1", changelog: ["1.0.0"])
    try repo.stage()
    #expect(try repo.check("--staged").1.rules == ["changelog-missing"])
    try repo.writePrompt("a", text: "two\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.write("prompts/b/prompt.txt", "two\n")
    try repo.write("prompts/b/prompt-card.yml", "id: b\ndescription: d\nversion: 1.0.1\nchangelog: |\n  - Second\n")
    try repo.stage()
    let (result, _) = try repo.check("--staged")
    #expect(result.status == 0, "\(result.stdout)")
  }

  /// A block that replaces a CHANGELOG.md's versioned sections shows no new version either.
  @Test func aBlockReplacingAKeepAChangelogFileIsNoEntry() throws {
    let repo = try TempRepo("blockAfterMarkdown")
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.0\n")
    try repo.write("prompts/a/CHANGELOG.md", "# Changelog\n\n## [1.0.0] - 2026-01-01\n- First\n")
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "two\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.1\nchangelog: |\n  - First\n")
    try repo.stage()
    let (result, report) = try repo.check("--staged")
    #expect(result.status == 1, "\(result.stdout)")
    #expect(report.rules == ["changelog-missing"])
    #expect((report.findings.first?["message"] as? String)?.contains("## [1.0.1]") == true, "\(report.findings)")
    try repo.write(
      "prompts/a/CHANGELOG.md", "# Changelog\n\n## [1.0.1] - 2026-01-02\n- Second\n\n## [1.0.0] - 2026-01-01\n- First\n"
    )
    try repo.stage()
    #expect(try repo.check("--staged").0.status == 0)
  }

  /// A `## [x.y.z]` that a Markdown reader does not show as a heading (inside an HTML comment or
  /// a fenced code block, or indented as code) is no entry.
  @Test(arguments: [
    "<!--\n## [1.0.1]\n-->\n",
    "```\n## [1.0.1]\n```\n",
    "~~~markdown\n## [1.0.1] - 2026-01-02\n~~~\n",
    "    ## [1.0.1]\n",
  ])
  func aHeadingMarkdownHidesIsNoEntry(hidden: String) throws {
    let repo = try TempRepo("hiddenHeading")
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.0\n")
    try repo.write("prompts/a/CHANGELOG.md", "# Changelog\n\n## [1.0.0] - 2026-01-01\n- First\n")
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "two\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.1\n")
    try repo.write("prompts/a/CHANGELOG.md", "# Changelog\n\n" + hidden + "\n## [1.0.0] - 2026-01-01\n- First\n")
    try repo.commit("hide the heading")
    let (result, report) = try repo.gate("--base", "HEAD~1")
    #expect(result.status == 1, "\(result.stdout)")
    #expect(report.rules == ["changelog-missing"], "\(result.stdout)")
  }

  @Test func aKeepAChangelogFileCounts() throws {
    let repo = try TempRepo("keepachangelog")
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.0\n")
    try repo.write("prompts/a/CHANGELOG.md", "# Changelog\n\n## [1.0.0] - 2026-01-01\n- First\n")
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "two\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.1\n")
    try repo.stage()
    #expect(try repo.check().1.rules == ["changelog-missing"])
    try repo.write(
      "prompts/a/CHANGELOG.md", "# Changelog\n\n## [1.0.1] - 2026-01-02\n- Second\n\n## [1.0.0] - 2026-01-01\n- First\n"
    )
    try repo.stage()
    #expect(try repo.check().0.status == 0)
  }

  @Test func aSingleFilePromptIsGatedToo() throws {
    let repo = try TempRepo("singlefile")
    let front =
      "---\nid: notes\ndescription: Release notes\nversion: 2.0.0\nchangelog:\n  - version: 2.0.0\n    changes: First\n---\n"
    try repo.write(
      "prompts/writing/notes.prompt.md", front + "Write notes for {{commits}}.\nNever mention internal ticket ids.\n")
    try repo.commit()
    try repo.write("prompts/writing/notes.prompt.md", front + "Write notes for {{commits}}.\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(Set(report.rules) == ["version-not-bumped", "constraint-removed"])
    let constraint = try #require(report.findings("constraint-removed").first)
    #expect(constraint["file"] as? String == "prompts/writing/notes.prompt.md")
    // Removed from the end of the file: the finding points at the last line that is left.
    #expect(constraint["line"] as? Int == 9)
    #expect(report.findings("version-not-bumped").first?["line"] as? Int == 4)
  }

  @Test func aRemovedConstraintWarnsAndCanBeMadeAnError() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nAnswer briefly.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 0)
    #expect(report.rules == ["constraint-removed"])
    let finding = try #require(report.findings.first)
    #expect(finding["line"] as? Int == 2)
    #expect((finding["message"] as? String)?.contains("You must be polite.") == true)
    // The configuration that judges a commit is HEAD's: commit it on its own first.
    try repo.git("reset", "-q")
    try repo.write(".promptops.yml", "rules:\n  constraint-removed: error\n")
    try repo.stage(".promptops.yml")
    try repo.commit("strict constraints", stageAll: false)
    try repo.stage()
    #expect(try repo.check().0.status == 1)
  }

  @Test func severitiesCanTurnARuleOff() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "rules:\n  version-not-bumped: off\n")
    try repo.commit("turn the rule off")
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer at length.\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 0)
    #expect(report.rules.isEmpty)
  }

  /// The configuration staged with a prompt edit does not judge it: HEAD's does.
  @Test func aStagedConfigurationCannotTurnARuleOffForItsOwnCommit() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "rules:\n  version-not-bumped: off\n")
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer at length.\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["configuration-changed", "version-not-bumped"])
  }

  @Test func aDeletedPromptIsReported() throws {
    let repo = try TempRepo.withPrompt()
    try repo.remove("prompts/a")
    let (result, report) = try repo.check()
    #expect(result.status == 0)
    #expect(report.rules == ["prompt-deleted"])
    #expect(report.prompt("a")?["status"] as? String == "deleted")
    #expect(report.findings.first?["severity"] as? String == "info")
  }

  @Test func aMovedPromptKeepsItsHistory() throws {
    let repo = try TempRepo.withPrompt()
    try repo.move("prompts/a", "prompts/support/a")
    let (moved, movedReport) = try repo.check()
    #expect(moved.status == 0, "\(moved.stdout)")
    let prompt = try #require(movedReport.prompt("a"))
    #expect(prompt["status"] as? String == "renamed")
    #expect(prompt["old_path"] as? String == "prompts/a")
    #expect(prompt["path"] as? String == "prompts/support/a")
    #expect(movedReport.prompts.count == 1)
    // Moved and edited without a bump: still the same prompt, still held to its version.
    try repo.write("prompts/support/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n")
    try repo.stage()
    let (edited, editedReport) = try repo.check()
    #expect(edited.status == 1)
    #expect(editedReport.rules == ["version-not-bumped"])
    #expect(editedReport.prompt("a")?["status"] as? String == "renamed")
  }

  @Test func theFirstCommitWorks() throws {
    let repo = try TempRepo("firstCommit")
    try repo.writePrompt("a", text: "Hi {{name}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.writePrompt("b", text: "Bye\n", version: "0.1.0")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.raw["base"] is NSNull)
    #expect(report.raw["head"] as? String == "index")
    #expect(report.prompts.count == 2)
    #expect(report.findings.map { $0["prompt"] as? String } == ["b"])
    #expect(report.rules == ["changelog-missing"])
  }

  @Test func anInvalidCardIsReportedAtItsLine() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt-card.yml", "id: a\ndescription: d\nversion: 1.0.1\nchangelog: [\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["card-invalid"])
    #expect(report.findings.first?["file"] as? String == "prompts/a/prompt-card.yml")
    #expect((report.findings.first?["line"] as? Int ?? 0) >= 4)
  }

  /// A base card with no readable version (a legacy `version: "1.0"`, or no card at all) gives the
  /// version rules and the changelog rule nothing to compare: the card may be repaired, but not
  /// together with a text change, which would otherwise go through unversioned.
  @Test(arguments: [
    ("an invalid version", "id: a\ndescription: d\nversion: \"1.0\"\n", "is not a SemVer"),
    ("no card", nil, "has no card"),
  ])
  func aTextChangeCannotRideOnTheRepairOfAnUnreadableBaseCard(_ label: String, baseCard: String?, why: String) throws {
    let repo = try TempRepo.withPrompt()
    if let baseCard {
      try repo.write("prompts/a/prompt-card.yml", baseCard)
    } else {
      try repo.remove("prompts/a/prompt-card.yml")
    }
    let base = try repo.commit("a card promptops cannot read (\(label))")
    let edited = "Hello {{name}}.\nYou must be polite.\nAnswer briefly.\nOffer everyone a discount.\n"
    try repo.writePrompt("a", text: edited, version: "1.0.0", changelog: ["1.0.0"])
    try repo.stage()
    let (staged, stagedReport) = try repo.check("--staged")
    try repo.commit("repair the card and edit the text")
    let (range, rangeReport) = try repo.check("--base", base)
    let (gate, gateReport) = try repo.gate("--base", base)
    for (result, report) in [(staged, stagedReport), (range, rangeReport), (gate, gateReport)] {
      #expect(result.status == 1, "\(result.stdout)")
      #expect(report.rules == ["version-not-bumped"], "\(result.stdout)")
      #expect((report.findings.first?["message"] as? String)?.contains(why) == true, "\(report.findings)")
    }

    // The repair alone, text unchanged, passes.
    try repo.write("prompts/a/prompt.txt", try repo.git("show", "\(base):prompts/a/prompt.txt"))
    try repo.commit("the repair alone")
    let (repair, _) = try repo.check("--base", base)
    #expect(repair.status == 0, "\(repair.stdout)")
  }

  @Test func anIDThatDoesNotMatchItsFolderIsInvalid() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/b/prompt.txt", "b\n")
    try repo.write(
      "prompts/b/prompt-card.yml",
      "id: bee\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n")
    try repo.stage()
    let (_, report) = try repo.check()
    #expect(report.rules == ["card-invalid"])
    #expect((report.findings.first?["message"] as? String)?.contains("does not match its folder name 'b'") == true)
  }

  @Test func aPromptWithoutACardIsInvalid() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/c/prompt.txt", "c\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["card-invalid"])
    #expect(report.findings.first?["file"] as? String == "prompts/c/prompt-card.yml")
  }

  @Test func twoPromptsSharingAnIDAreDuplicates() throws {
    let repo = try TempRepo.withPrompt()
    // A single-file prompt with the id of the existing, unchanged folder prompt.
    try repo.write(
      "prompts/a.prompt.md",
      "---\nid: a\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n---\nHi\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["duplicate-id"])
    #expect((report.findings.first?["message"] as? String)?.contains("prompts/a") == true)
  }

  /// Two different invalid byte sequences are two different texts.
  @Test func aSingleFilePromptIsHashedByItsBytes() throws {
    let repo = try TempRepo("singleFileBytes")
    let front = "---\nid: p\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n---\n"
    let file = repo.path + "/prompts/p.prompt.md"
    try FileManager.default.createDirectory(atPath: repo.path + "/prompts", withIntermediateDirectories: true)
    try Data(Array(front.utf8) + [0x50, 0x72, 0x69, 0x63, 0x65, 0x20, 0xA3, 0x0A]).write(to: URL(fileURLWithPath: file))
    try repo.commit()
    try Data(Array(front.utf8) + [0x50, 0x72, 0x69, 0x63, 0x65, 0x20, 0xA5, 0x0A]).write(to: URL(fileURLWithPath: file))
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["version-not-bumped"])
  }

  /// A breaking change shipped as the release of a patch pre-release is still a breaking change.
  @Test func aPreReleaseOfAPatchCannotCarryABreakingChange() throws {
    let repo = try TempRepo("prerelease")
    try repo.writePrompt("a", text: "Hi {{name}} from {{place}}\n", version: "1.0.1-rc.1", changelog: ["1.0.1-rc.1"])
    try repo.commit()
    try repo.writePrompt("a", text: "Hi {{name}}\n", version: "1.0.1", changelog: ["1.0.1-rc.1", "1.0.1"])
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1)
    #expect(report.rules == ["bump-too-small"])
  }

  @Test func aPromptFileWhoseNameIsNotUTF8IsNeverPassedUnchecked() throws {
    let repo = try TempRepo("nonUTF8Path")
    // A folder named "caf" + the byte 0xE9 (Latin-1 é): git stores the path bytes as they are.
    let created = try runProcess(
      "/bin/sh",
      [
        "-c",
        "mkdir -p \"prompts/$(printf 'caf\\351')\" && printf 'id: x\\n' > \"prompts/$(printf 'caf\\351')/prompt-card.yml\"",
      ], in: repo.path, environment: repo.environment)
    try #require(created.status == 0, "\(created.stderr)")
    try repo.stage()
    let result = try repo.promptops("check")
    #expect(result.status == 2)
    #expect(result.stderr.contains("not valid UTF-8"))
  }

  /// A folder whose name is not UTF-8 beside one named by the text it would be read as ("x" +
  /// U+FFFD, whose bytes EF BF BD are what a lossy reading of the byte FF gives): an unbumped
  /// edit in the first must not be judged by reading the second, staged or committed.
  @Test func aNonUTF8FolderIsNeverReadAsItsLookalike() throws {
    let repo = try TempRepo("nonUTF8Twin")
    for (folder, text) in [("x\\357\\277\\275", "good"), ("x\\377", "bad")] {
      let made = try runProcess(
        "/bin/sh",
        [
          "-c",
          "d=\"prompts/$(printf '\(folder)')\" && mkdir -p \"$d\" && printf '\(text)\\n' > \"$d/prompt.txt\" && "
            + "printf 'id: twin\\ndescription: d\\nversion: 1.0.0\\nchangelog:\\n  - version: 1.0.0\\n    changes: c\\n' > \"$d/prompt-card.yml\"",
        ],
        in: repo.path, environment: repo.environment)
      try #require(made.status == 0, "\(made.stderr)")
    }
    try repo.git("add", "-A")
    try repo.git("commit", "-q", "--no-verify", "-m", "twins")
    let edited = try runProcess(
      "/bin/sh", ["-c", "printf 'edited\\n' >> \"prompts/$(printf 'x\\377')/prompt.txt\""], in: repo.path,
      environment: repo.environment)
    try #require(edited.status == 0)
    try repo.git("add", "-A")
    let staged = try repo.promptops("check", "--staged")
    #expect(staged.status == 2, "\(staged.stdout)\(staged.stderr)")
    #expect(staged.stderr.contains("is not valid UTF-8"), "\(staged.stderr)")
    try repo.git("commit", "-q", "--no-verify", "-m", "edit the non-UTF-8 twin")
    let range = try repo.promptops("check", "--base", "HEAD~1")
    #expect(range.status == 2, "\(range.stdout)\(range.stderr)")
    #expect(range.stderr.contains("'x\\xff' in prompts/ is not valid UTF-8"), "\(range.stderr)")
  }

  /// `café` composed (NFC) and decomposed (NFD) are two folders to git and two prompts here:
  /// an unbumped edit of one is not hidden by a bumped edit of the other, and a move from one
  /// spelling to the other is a rename held to the old version.
  @Test func canonicallyEquivalentFolderNamesAreTwoPrompts() throws {
    let repo = try TempRepo("unicodeTwins")
    func shell(_ script: String) throws {
      let result = try runProcess(
        "/bin/sh", ["-c", "nfc=$(printf 'caf\\303\\251'); nfd=$(printf 'cafe\\314\\201'); " + script], in: repo.path,
        environment: repo.environment)
      try #require(result.status == 0, "\(result.stderr)")
    }
    func card(_ folder: String, _ version: String, _ versions: [String]) -> String {
      "printf 'id: %s\\ndescription: d\\nversion: \(version)\\nchangelog:\\n\(versions.map { "  - version: \($0)\\n    changes: c\\n" }.joined())' \"$\(folder)\" > \"prompts/$\(folder)/prompt-card.yml\""
    }
    try shell(
      "mkdir -p \"prompts/$nfc\" \"prompts/$nfd\" && printf 'hello\\n' > \"prompts/$nfc/prompt.txt\" && printf 'hello\\n' > \"prompts/$nfd/prompt.txt\" && "
        + card("nfc", "1.0.0", ["1.0.0"]) + " && " + card("nfd", "1.0.0", ["1.0.0"]))
    try repo.git("add", "-A")
    try repo.git("commit", "-q", "--no-verify", "-m", "two spellings")
    // The decomposed one is bumped properly; the composed one is edited without a bump.
    try shell(
      "printf 'hello v2\\n' > \"prompts/$nfd/prompt.txt\" && " + card("nfd", "1.0.1", ["1.0.0", "1.0.1"])
        + " && printf 'edited\\n' >> \"prompts/$nfc/prompt.txt\"")
    try repo.git("add", "-A")
    let both = try repo.promptops("check", "--staged", "--format", "json")
    #expect(both.status == 1, "\(both.stdout)")
    #expect(both.stdout.contains("version-not-bumped"), "\(both.stdout)")

    // A move from one spelling to the other, with an unbumped edit.
    let moved = try TempRepo("unicodeRename")
    func shellIn(_ script: String) throws {
      let result = try runProcess(
        "/bin/sh", ["-c", "nfc=$(printf 'caf\\303\\251'); nfd=$(printf 'cafe\\314\\201'); " + script], in: moved.path,
        environment: moved.environment)
      try #require(result.status == 0, "\(result.stderr)")
    }
    try shellIn(
      "mkdir -p \"prompts/$nfc\" && printf 'hello\\n' > \"prompts/$nfc/prompt.txt\" && "
        + card("nfc", "1.0.0", ["1.0.0"]))
    try moved.git("add", "-A")
    try moved.git("commit", "-q", "--no-verify", "-m", "composed")
    try shellIn(
      "git mv \"prompts/$nfc\" \"prompts/$nfd\" && printf 'edited\\n' >> \"prompts/$nfd/prompt.txt\" && "
        + card("nfd", "1.0.0", ["1.0.0"]))
    try moved.git("add", "-A")
    let rename = try moved.promptops("check", "--staged", "--format", "json")
    #expect(rename.status == 1, "\(rename.stdout)")
    #expect(rename.stdout.contains("version-not-bumped"), "\(rename.stdout)")
  }

  /// YAML aliases that stand for an exponentially large value do not hang the gate; the model
  /// they make cannot be compared, so the card is invalid. Thirty levels of two aliases stand
  /// for 2^30 mappings: the check is given 60 seconds (it needs milliseconds), and killed after.
  @Test(.timeLimit(.minutes(5))) func aCardFullOfAliasesDoesNotHangTheGate() throws {
    let repo = try TempRepo.withPrompt()
    var card = "id: a\ndescription: d\nversion: 1.0.1\nchangelog:\n  - version: 1.0.1\n    changes: x\na0: &a0 {k: v}\n"
    for level in 1...30 { card += "a\(level): &a\(level) {x: *a\(level - 1), y: *a\(level - 1)}\n" }
    card += "model: {m: *a30}\n"
    try repo.write("prompts/a/prompt-card.yml", card)
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n")
    try repo.stage()
    let started = Date()
    let result = try runProcess(
      try promptopsBinary(), ["check", "--format", "json"], in: repo.path, environment: repo.environment, timeout: 60)
    #expect(result.status != -9, "the check ran past 60 s: \(result.stderr)")
    #expect(Date().timeIntervalSince(started) < 60)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let report = try JSONReport(result)
    #expect(report.rules == ["card-invalid"], "\(result.stdout)")
    let finding = try #require(report.findings("card-invalid").first)
    #expect(finding["file"] as? String == "prompts/a/prompt-card.yml", "\(finding)")
    #expect(finding["line"] as? Int != nil, "\(finding)")
  }

  /// A `model` beside aliases that expand past what is rendered: both versions used to render to
  /// the same cut-off text, so a changed `model.id` needed no bump. Now the card is unreadable,
  /// an error naming the card and the line where its aliases run past the alias budget (the
  /// ladder's sixth line), whichever key of the mapping comes first.
  @Test(
    .timeLimit(.minutes(5)),
    arguments: [
      ("{pad: *h, id: gpt-4}", "{pad: *h, id: gpt-5}"),
      ("{id: gpt-4, pad: *h}", "{id: gpt-5, pad: *h}"),
      ("{id: gpt-4, pad: [*h, *h]}", "{id: gpt-5, pad: [*h, *h]}"),
    ])
  func aModelTooLargeToCompareIsRefused(_ old: String, _ new: String) throws {
    let repo = try TempRepo("ladderModel")
    let card = "id: a\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n" + aliasLadder
    try repo.write("prompts/a/prompt.txt", "Hello.\n")
    try repo.write("prompts/a/prompt-card.yml", card + "model: \(old)\n")
    try repo.commit()
    try repo.write("prompts/a/prompt-card.yml", card + "model: \(new)\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 1, "\(result.stdout)")
    let finding = try #require(report.findings.first, "\(result.stdout)")
    #expect(finding["rule"] as? String == "card-invalid")
    #expect(finding["file"] as? String == "prompts/a/prompt-card.yml")
    #expect(finding["line"] as? Int == 12)
    #expect((finding["message"] as? String)?.contains("its aliases expand it past 200000 values") == true, "\(finding)")
    let text = try repo.promptops("check", "--staged")
    #expect(text.status == 1)
    #expect(text.stdout.contains("prompts/a/prompt-card.yml:12: error[card-invalid]"), "\(text.stdout)")
  }

  @Test func crlfChangelogFilesCount() throws {
    let repo = try TempRepo("crlf")
    try repo.write("prompts/a/prompt.txt", "one\r\n")
    try repo.write("prompts/a/prompt-card.yml", "id: a\r\ndescription: d\r\nversion: 1.0.0\r\n")
    try repo.write("prompts/a/CHANGELOG.md", "# Changelog\r\n\r\n## [1.0.0] - 2026-01-01\r\n- First\r\n")
    try repo.stage()
    let (result, report) = try repo.check()
    #expect(result.status == 0, "\(report.rules)")
  }
}
