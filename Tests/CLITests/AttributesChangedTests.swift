import Foundation
import TestSupport
import Testing

/// `.gitattributes` changes that alter the bytes git checks out or stores for prompt files: a
/// warning naming the file, the line, the setting, the pattern and the changed prompts it matches.
@Suite("check: .gitattributes changes that touch prompt files")
struct AttributesChangedTests {
  func attributeFindings(_ report: JSONReport) -> [String] {
    report.findings("attributes-changed").map { "\($0["file"] as? String ?? "?"):\($0["line"] as? Int ?? 0)" }.sorted()
  }

  @Test(.timeLimit(.minutes(5))) func aLineEndingSettingForPromptFilesIsReported() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt("b", text: "B\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(".gitattributes", "*.png binary\n")
    try repo.commit("attributes")
    // Only the second line alters bytes of files a prompt can be: `-text` for images cannot
    // match one, and `diff` changes only how git shows a file.
    try repo.write(".gitattributes", "*.png binary\n*.txt text eol=crlf\n*.jpg -text\n*.txt diff=words\n")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer gently.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 0, "a warning: \(staged.stdout)")
    #expect(attributeFindings(report) == [".gitattributes:2"])
    let finding = try #require(report.findings("attributes-changed").first)
    #expect(finding["severity"] as? String == "warning")
    #expect(finding["prompt"] as? String == "a")
    let message = try #require(finding["message"] as? String)
    #expect(
      message.contains("`*.txt`") && message.contains("`eol=crlf`") && message.contains("changed prompt a"),
      "\(message)")
    try repo.commit("crlf for text files")
    let (_, range) = try repo.check("--base", "HEAD~1", "--head", "HEAD")
    #expect(attributeFindings(range) == [".gitattributes:2"])
    // The gate reports it too.
    let (gate, gateReport) = try repo.gate("--base", "HEAD~1")
    #expect(gate.status == 0, "\(gate.stdout)")
    #expect(attributeFindings(gateReport) == [".gitattributes:2"])
  }

  /// Files in the folders above a nested root, and inside it, are compared; others are not read.
  @Test(.timeLimit(.minutes(5))) func filesAboveANestedRootAndInsideItAreReported() throws {
    let repo = try TempRepo("nestedRootAttributes")
    try repo.write(".promptops.yml", "prompts:\n  roots: [team/prompts]\n")
    try repo.writePrompt("x", text: "X\n", version: "1.0.0", changelog: ["1.0.0"], folder: "team/prompts/x")
    try repo.commit("config and a prompt")
    try repo.write("team/.gitattributes", "*.yml ident\n")
    try repo.write("team/prompts/x/.gitattributes", "# redacted on checkout\nprompt.txt filter=redact\n")
    try repo.write("src/.gitattributes", "*.txt eol=crlf\n")
    try repo.write("team/other/.gitattributes", "*.txt eol=crlf\n")
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 0)
    #expect(attributeFindings(report) == ["team/.gitattributes:1", "team/prompts/x/.gitattributes:2"])
    let inside = try #require(
      report.findings("attributes-changed").first { $0["file"] as? String == "team/prompts/x/.gitattributes" })
    #expect((inside["message"] as? String)?.contains("`filter=redact`") == true)
    try repo.commit("attributes")
    #expect(
      attributeFindings(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == [
        "team/.gitattributes:1", "team/prompts/x/.gitattributes:2",
      ])
  }

  /// Dropping a setting changes the checkout as much as adding one; a macro changes every line
  /// that uses it.
  @Test(.timeLimit(.minutes(5))) func removedSettingsAndMacrosAreReported() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".gitattributes", "*.txt eol=crlf\n*.md text\n")
    try repo.commit("attributes")
    try repo.write(".gitattributes", "[attr]crlfy eol=crlf\n*.md text\n*.yml crlfy\n")
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 0)
    #expect(attributeFindings(report) == [".gitattributes:1", ".gitattributes:1", ".gitattributes:3"])
    let messages = report.findings("attributes-changed").compactMap { $0["message"] as? String }
    #expect(messages.contains { $0.contains("removes `eol=crlf` for `*.txt`") }, "\(messages)")
    #expect(messages.contains { $0.contains("sets `eol=crlf` for `*.yml`") }, "\(messages)")
    #expect(messages.contains { $0.contains("macro `crlfy`") }, "\(messages)")
    try repo.commit("drop crlf for text")
    #expect(attributeFindings(try repo.check("--base", "HEAD~1", "--head", "HEAD").1).count == 3)
  }
}
