import Foundation
import TestSupport
import Testing

@Suite("The command line: exit codes, output, discovery, init, diff")
struct CommandLineTests {
  @Test(arguments: [
    ["check", "--staged", "--base", "HEAD"], ["gate"], ["check", "--frobnicate"], ["check", "--format", "yaml"],
    ["check", "--head", "HEAD"], ["diff"],
  ])
  func usageErrorsExit64(_ arguments: [String]) throws {
    let repo = try TempRepo.withPrompt("usage")
    let result = try runProcess(try promptopsBinary(), arguments, in: repo.path, environment: repo.environment)
    #expect(result.status == 64, "\(arguments): \(result.stderr)")
    #expect(!result.stderr.isEmpty)
  }

  @Test func aBadConfigurationExitsTwoNamingFileAndLine() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "version: 1\nrules:\n  version-not-bumped: fatal\n")
    try repo.stage()
    let result = try repo.promptops("check")
    #expect(result.status == 2)
    #expect(result.stderr.contains(".promptops.yml:3: invalid configuration"))
    #expect(result.stdout.isEmpty)
  }

  @Test func outsideARepositoryExitsTwo() throws {
    let repo = try TempRepo("norepo", initialize: false)
    let result = try repo.promptops("check")
    #expect(result.status == 2)
    #expect(result.stderr.contains("not a git repository"))
  }

  @Test func runsFromASubfolderAndWithDashC() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt.txt", "changed\n")
    try repo.stage()
    #expect(try repo.promptops("check", in: "prompts/a").status == 1)
    let elsewhere = try runProcess(
      try promptopsBinary(), ["-C", repo.path, "check"], in: "/", environment: repo.environment)
    #expect(elsewhere.status == 64)  // -C is an option of the subcommand
    let dashC = try runProcess(
      try promptopsBinary(), ["check", "-C", repo.path], in: "/", environment: repo.environment)
    #expect(dashC.status == 1)
    #expect(dashC.stdout.contains("version-not-bumped"))
  }

  @Test func textOutputIsPlainWithoutATerminal() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt.txt", "changed\n")
    try repo.stage()
    let result = try repo.promptops("check")
    #expect(!result.stdout.contains("\u{1B}["))
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.first?.hasPrefix("prompts/a/prompt-card.yml:3: error[version-not-bumped] ") == true)
    #expect(lines.last?.hasPrefix("failed: 1 prompt checked, 1 error") == true)
  }

  @Test func theJSONContractHasEveryKey() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt.txt", "changed\n")
    try repo.stage()
    let (_, report) = try repo.check()
    for key in ["passed", "base", "head", "prompts", "findings"] { #expect(report.raw[key] != nil, "\(key)") }
    let prompt = try #require(report.prompts.first)
    for key in ["id", "path", "status", "old_version", "new_version", "required_bump", "sha256"] {
      #expect(prompt[key] != nil, "prompt.\(key)")
    }
    let finding = try #require(report.findings.first)
    for key in ["rule", "severity", "prompt", "file", "line", "message"] {
      #expect(finding[key] != nil, "finding.\(key)")
    }
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(report.raw["base"] as? String == head)
  }

  @Test func checkAllValidatesEveryPrompt() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt("b", text: "b\n", version: "1.0", changelog: [])
    try repo.writePrompt("c", text: "c\n", version: "1.0.0")
    try repo.commit("bad prompts committed with --no-verify")
    let (result, report) = try repo.check("--all")
    #expect(result.status == 1)
    #expect(report.prompts.count == 3)
    #expect(
      report.findings.map { "\($0["prompt"]!):\($0["rule"]!)" }.sorted() == ["b:card-invalid", "c:changelog-missing"])
    #expect(report.prompts.allSatisfy { $0["status"] as? String == "unchanged" })
  }

  @Test func initWritesAScaffoldThatPassesAndNeverOverwrites() throws {
    let repo = try TempRepo("init")
    let first = try repo.promptops("init")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("wrote .promptops.yml"))
    try repo.stage()
    #expect(try repo.check().0.status == 0)
    try repo.write("prompts/example/prompt.txt", "mine\n")
    let second = try repo.promptops("init")
    #expect(second.status == 2)
    #expect(second.stderr.contains("already exists"))
    #expect(try repo.read("prompts/example/prompt.txt") == "mine\n")
  }

  @Test func diffExplainsTheRequiredBump() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("prompts/a/prompt.txt", "Hello {{customer}}.\nAnswer briefly.\n")
    try repo.stage()
    let result = try repo.promptops("diff", "a")
    #expect(result.status == 0)
    #expect(result.stdout.contains("required bump: major"))
    #expect(result.stdout.contains("variables removed: {{name}}"))
    #expect(result.stdout.contains("variables added: {{customer}}"))
    #expect(result.stdout.contains("constraint lost: You must be polite."))
    #expect(result.stdout.contains("\n-Hello {{name}}.\n"))
    #expect(result.stdout.contains("\n+Hello {{customer}}.\n"))
    #expect(result.stdout.contains("\n Answer briefly.\n"))
    func json(_ id: String) throws -> [String: Any] {
      let output = try repo.promptops("diff", id, "--format", "json").stdout
      return try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    }
    let changed = try json("a")
    #expect(changed["required_bump"] as? String == "major" && changed["actual_bump"] as? String == "none")
    #expect(changed["variables_removed"] as? [String] == ["name"], "\(changed)")
    #expect(changed["constraints_lost"] as? [String] == ["You must be polite."], "\(changed)")
    #expect(changed["old_version"] as? String == "1.0.0" && changed["new_version"] as? String == "1.0.0")
    #expect(changed["old_sha256"] as? String != changed["new_sha256"] as? String, "\(changed)")
    #expect((changed["diff"] as? String)?.contains("\n+Hello {{customer}}.\n") == true, "\(changed)")
    try repo.writePrompt("b", text: "New.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.stage()
    let added = try json("b")
    #expect(added["status"] as? String == "added" && added["new_version"] as? String == "1.0.0", "\(added)")
    for key in ["old_version", "actual_bump", "old_sha256"] {
      #expect(added[key] is NSNull, "\(key) of an added prompt is null: \(added)")
    }
    let unknown = try repo.promptops("diff", "zzz")
    #expect(unknown.status == 2, "an unknown id is an error, not 'no changes'")
    #expect(unknown.stderr.contains("no prompt with id 'zzz'"), "\(unknown.stderr)")
    try repo.git("reset", "-q", "--hard")
    let unchanged = try repo.promptops("diff", "a")
    #expect(unchanged.status == 0)
    #expect(unchanged.stdout.contains("a: no changes"))
  }

  /// The rules table of docs/rules.md is the one `promptops rules --markdown` prints.
  @Test func theReadmeRulesTableIsCurrent() throws {
    let repo = try TempRepo("rulesReadme")
    let table = try repo.promptops("rules", "--markdown").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let readme = try String(contentsOfFile: packageRoot + "/docs/rules.md", encoding: .utf8)
    #expect(readme.contains(table + "\n"), "regenerate the table in docs/rules.md with `promptops rules --markdown`")
  }

  @Test func rulesListsEveryRuleOnce() throws {
    let repo = try TempRepo("rules")
    let result = try repo.promptops("rules", "--markdown")
    let ids = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { $0.split(separator: "`")[1] }
    #expect(
      Set(ids) == [
        "version-not-bumped", "version-not-increased", "bump-too-small", "changelog-missing", "card-invalid",
        "prompt-not-regular-file", "duplicate-id", "constraint-removed", "version-changed-without-content",
        "prompt-deleted",
        "attributes-changed",
        "eval-failed", "eval-missing", "eval-error", "eval-weakened", "eval-suite-warning",
        "approval-missing", "approval-stale", "approval-signature", "approval-unauthorized", "approval-self",
        "approval-insufficient", "approval-rejected", "pin-mismatch", "tag-mismatch", "configuration-changed",
      ])
    #expect(ids.count == 26)
  }
}
