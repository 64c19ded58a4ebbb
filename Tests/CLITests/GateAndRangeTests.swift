import Foundation
import TestSupport
import Testing

@Suite("gate and check --base: ranges, merge bases, shallow clones")
struct GateAndRangeTests {
  /// main moves on after the branch point; the pull request is judged only on its own change.
  @Test func theGateUsesTheMergeBaseLikeAPullRequest() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt("b", text: "B\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("add b")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit("topic: bump a")
    try repo.git("checkout", "-q", "main")
    // An unbumped edit lands on main after the branch point (someone bypassed the hook).
    try repo.write("prompts/b/prompt.txt", "B changed on main\n")
    try repo.commit("main: edit b")

    let (gate, gateReport) = try repo.gate("--base", "main", "--head", "topic")
    #expect(gate.status == 0, "\(gate.stdout)")
    #expect(gateReport.prompts.map { $0["id"] as? String } == ["a"])
    let mergeBase = try repo.git("merge-base", "main", "topic").trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(gateReport.raw["base"] as? String == mergeBase)

    // A direct comparison of the two tips sees main's edit too (reversed), as git diff A B does.
    let (_, direct) = try repo.check("--base", "main", "--head", "topic")
    #expect(Set(direct.prompts.compactMap { $0["id"] as? String }) == ["a", "b"])
  }

  @Test func theGateFollowsTheBasesConfigurationNotTheChanges() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "rules:\n  constraint-removed: error\n")
    try repo.commit("strict config")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(".promptops.yml", "rules:\n  constraint-removed: off\n")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nAnswer briefly.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit("loosen and drop a constraint")
    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1)
    #expect(report.rules == ["configuration-changed", "constraint-removed"])
    // check --base is judged by its base too: no command lets a change choose its own rules.
    let (check, checkReport) = try repo.check("--base", "main")
    #expect(check.status == 1)
    #expect(checkReport.rules == ["configuration-changed", "constraint-removed"])
  }

  @Test func aShallowCloneExitsTwoWithTheRemedy() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit()
    let shallow = try repo.shallowClone()
    for arguments in [["gate", "--base", "origin/main"], ["check", "--base", "HEAD~1"], ["gate", "--base", "HEAD"]] {
      let result = try runProcess(try promptopsBinary(), arguments, in: shallow, environment: repo.environment)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.stderr.contains("shallow clone"), "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("fetch-depth: 0"))
      #expect(result.stdout.isEmpty)
    }
    // The staged check needs no history and works in a shallow clone.
    let staged = try runProcess(
      try promptopsBinary(), ["check", "--staged"], in: shallow, environment: repo.environment)
    #expect(staged.status == 0, "\(staged.stderr)")
  }

  @Test func aMissingBaseRevisionExitsTwo() throws {
    let repo = try TempRepo.withPrompt()
    let result = try repo.promptops("gate", "--base", "origin/does-not-exist")
    #expect(result.status == 2)
    #expect(result.stderr.contains("'origin/does-not-exist'"))
    #expect(result.stderr.contains("fetch-depth: 0"))
  }

  @Test func rangesReadCommitsNotTheWorkingTreeOrIndex() throws {
    let repo = try TempRepo.withPrompt()
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit()
    // An unbumped edit in the working tree and index is not part of HEAD~1..HEAD.
    try repo.write("prompts/a/prompt.txt", "staged but not committed\n")
    try repo.stage()
    let (result, report) = try repo.check("--base", "HEAD~1")
    #expect(result.status == 0)
    #expect(report.prompt("a")?["new_version"] as? String == "1.0.1")
  }

  /// A pull request that brings the first .promptops.yml is judged by the default rules.
  @Test func aPullRequestCannotTurnRulesOffByAddingTheConfiguration() throws {
    let repo = try TempRepo.withPrompt()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(".promptops.yml", "rules:\n  version-not-bumped: off\n  bump-too-small: off\n")
    try repo.write("prompts/a/prompt.txt", "Hello.\nYou must be polite.\nAnswer briefly.\n")
    try repo.commit("drop a variable and the rules")
    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1)
    #expect(report.rules == ["configuration-changed", "version-not-bumped"])
  }
}
