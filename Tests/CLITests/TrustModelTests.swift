import Foundation
import TestSupport
import Testing

/// A change never chooses how it is judged: every configuration a run reads comes from its base.
/// Each test here is a way an author tried to get past the gate by editing the configuration in
/// the change itself.
@Suite("trust model: the base's configuration judges a change")
struct TrustModelTests {
  static let passingSuite = """
    providers: [echo]
    tests:
      - vars: {name: Ann}
        assert:
          - type: starts-with
            value: Hello Ann
    """

  /// The version rules and the evals read prompts through one layout, the base's: a pull request
  /// that moves `prompts.roots` away from its own edit still has that edit evaluated.
  @Test func aPullRequestsOwnRootsCannotSwitchItsEvalsOff() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "version: 1\n")
    try repo.write("prompts/a/evalsuite.yml", Self.passingSuite)
    try repo.commit("configuration and a suite")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write(".promptops.yml", "version: 1\nprompts:\n  roots: [nowhere]\n")
    try repo.writePrompt(
      "a", text: "Goodbye {{name}}.\nYou must be polite.\nAnswer briefly.\n", version: "1.0.1",
      changelog: ["1.0.0", "1.0.1"])
    try repo.commit("reword a, and look for prompts elsewhere")

    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(report.rules.contains("eval-failed"), "\(report.rules)")
    #expect(report.prompt("a") != nil)
  }

  /// A pull request that adopts promptops with a layout of its own is judged with the defaults,
  /// which see its unbumped edit of a prompt in the default place.
  @Test func anAdoptionPullRequestIsJudgedByTheDefaultLayout() throws {
    let repo = try TempRepo.withPrompt()
    try repo.git("checkout", "-q", "-b", "adopt")
    try repo.write(".promptops.yml", "version: 1\nprompts:\n  roots: [llm]\n")
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nYou must be polite.\nAnswer at length.\n")
    try repo.commit("adopt promptops with another layout, and edit a")

    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(report.rules == ["configuration-changed", "version-not-bumped"])
    let said = try #require(report.findings("configuration-changed").first?["message"] as? String)
    #expect(said.contains("default configuration"), "\(said)")
  }

  /// A change may not leave a configuration the next change cannot be judged by.
  @Test func aChangeThatBreaksTheConfigurationIsRefusedNamingTheLine() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "version: 1\nrules:\n  version-not-bumped: fatal\n")
    try repo.commit("a broken configuration")
    let result = try repo.promptops("check", "--base", "HEAD~1")
    #expect(result.status == 2)
    #expect(result.stderr.contains(".promptops.yml:3: invalid configuration"), "\(result.stderr)")
    #expect(result.stderr.contains("as committed in"), "\(result.stderr)")
  }

  /// Whether a change touches a file a configured suite reads is answered by reading the suite;
  /// a suite that cannot be read is taken to read everything, so its prompts are evaluated (and
  /// fail on the suite's error) instead of being left out.
  @Test func aSuiteThatCannotBeReadDoesNotHideItsPrompts() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write(".promptops.yml", "evals:\n  suites:\n    - path: evals/shared.yml\n      prompts: [\"a\"]\n")
    try repo.write("evals/shared.yml", "providers: [echo]\ntests: [unclosed\n")
    try repo.write("evals/cases.json", "[]\n")
    try repo.commit("a configured suite that does not parse")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("evals/cases.json", "[{\"vars\": {\"name\": \"Ann\"}}]\n")
    try repo.commit("edit a file the suite might read")

    let (gate, report) = try repo.gate("--base", "main")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    let error = try #require(report.findings("eval-error").first)
    #expect(error["file"] as? String == "evals/shared.yml", "\(error)")
  }
}
