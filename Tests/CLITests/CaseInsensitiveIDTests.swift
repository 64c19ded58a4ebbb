import Foundation
import TestSupport
import Testing

/// Ids that differ only by case are one id: `prompts/a/` and `prompts/A/` are one folder on a
/// macOS or Windows checkout.
@Suite("check: ids that differ only by case")
struct CaseInsensitiveIDTests {
  func duplicates(_ report: JSONReport) -> [String] {
    report.findings("duplicate-id").compactMap { $0["file"] as? String }.sorted()
  }

  @Test(.timeLimit(.minutes(5))) func idsThatDifferOnlyByCaseAreDuplicates() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt("Team", text: "t\n", version: "1.0.0", changelog: ["1.0.0"], folder: "prompts/group/Team")
    try repo.commit("a nested prompt")

    // A folder beside the existing one, read from the index's listing.
    try repo.writePrompt("A", text: "Other\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.stage()
    let (staged, stagedReport) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(duplicates(stagedReport) == ["prompts/A/prompt-card.yml"])
    let message = try #require(stagedReport.findings("duplicate-id").first?["message"] as? String)
    #expect(message.contains("prompts/a") && message.contains("differ only by case"), "\(message)")
    try repo.commit("add A")
    // The same from the commit's tree, and from the whole tree.
    #expect(duplicates(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == ["prompts/A/prompt-card.yml"])
    #expect(duplicates(try repo.check("--all").1) == ["prompts/A/prompt-card.yml", "prompts/a/prompt-card.yml"])

    // A single file beside a folder, and a folder beside a nested one, in its own folder.
    try repo.remove("prompts/A")
    try repo.write(
      "prompts/A.prompt.md",
      "---\nid: A\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n---\nHi\n")
    try repo.writePrompt("team", text: "t2\n", version: "1.0.0", changelog: ["1.0.0"], folder: "prompts/group/team")
    try repo.stage()
    let (again, againReport) = try repo.check("--staged")
    #expect(again.status == 1)
    #expect(duplicates(againReport) == ["prompts/A.prompt.md", "prompts/group/team/prompt-card.yml"])
    try repo.commit("more")
    #expect(
      duplicates(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == [
        "prompts/A.prompt.md", "prompts/group/team/prompt-card.yml",
      ])
  }

  /// `prompts/Foo` → `prompts/foo` with the card's id following: a rename, held to the old
  /// version, not a deletion plus a new prompt.
  @Test(.timeLimit(.minutes(5))) func aCaseOnlyRenameIsHeldToItsOldVersion() throws {
    let repo = try TempRepo("caseRename")
    try repo.writePrompt("Foo", text: "Say hello.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("add Foo")
    try repo.git("mv", "prompts/Foo", "prompts/foo")
    try repo.writePrompt("foo", text: "Say hello warmly.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(report.rules == ["version-not-bumped"])
    #expect(report.prompt("foo")?["status"] as? String == "renamed")
    #expect(report.prompt("foo")?["old_path"] as? String == "prompts/Foo")
    try repo.commit("rename in case, edit")
    let (range, rangeReport) = try repo.check("--base", "HEAD~1", "--head", "HEAD")
    #expect(range.status == 1)
    #expect(rangeReport.rules == ["version-not-bumped"])

    // Bumped, the rename passes with no other finding.
    try repo.writePrompt("foo", text: "Say hello warmly.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit("bump")
    let (bumped, bumpedReport) = try repo.check("--base", "HEAD~2", "--head", "HEAD")
    #expect(bumped.status == 0, "\(bumped.stdout)")
    #expect(bumpedReport.findings.isEmpty, "\(bumpedReport.rules)")
  }
}
