import Foundation
import GitKit
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// The API promotion uses: recorded results by content hash, and a re-run at an older commit.
@Suite("EvalService: recorded results and re-running a past version")
struct EvalServiceTests {
  @Test func recordedResultsAreFoundByContentHashAndOldVersionsReRun() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("p", text: "Refunds: {{q}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/p/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {q: yes}\n    assert: [{type: starts-with, value: Refunds}]\n")
    let first = try repo.commit("v1")
    try repo.writePrompt("p", text: "Returns: {{q}}\n", version: "2.0.0", changelog: ["1.0.0", "2.0.0"])
    _ = try repo.commit("v2 breaks the test")

    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let service = EvalService(repository: repository)
    let oldCommit = try repository.resolveCommit(first)
    let context = try GateContext.load(from: .commit(try repository.resolveCommit("HEAD")), in: repository)
    let old = try await service.evaluate(promptID: "p", at: oldCommit, context: context)
    #expect(old.passed)
    #expect(old.header.version == "1.0.0")
    let head = try await service.evaluate(promptID: "p", at: try repository.resolveCommit("HEAD"), context: context)
    #expect(!head.passed)

    let v1Hash = try #require(old.header.sha256)
    #expect(v1Hash == Prompt.sha256(of: Array("Refunds: {{q}}\n".utf8)))
    let records = try service.recordedResults(sha256: v1Hash)
    #expect(records.count == 1)
    #expect(records.first?.commit == oldCommit.hex)
    #expect(records.first?.passed == true)
    #expect(try service.recordedResults(sha256: v1Hash, promptID: "other").isEmpty)
    // git itself reads the note.
    let shown = try repo.git("notes", "--ref", "promptops", "show", first)
    #expect(shown.contains("\"sha256\":\"\(v1Hash)\""))
    await #expect(throws: PromptOpsError.self) {
      try await service.evaluate(promptID: "missing", at: oldCommit, context: context)
    }
  }

  /// Fail, pass, fail in the same second: every change of verdict is recorded, a repeat of the
  /// newest is not, and the newest (the last appended) is read first.
  @Test func aVerdictThatDiffersFromTheNewestRecordIsRecorded() async throws {
    let repo = try TempRepo()
    try repo.writePrompt("p", text: "Refunds: {{q}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/p/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {q: yes}\n    assert: [{type: starts-with, value: Refunds}]\n")
    let head = try repo.commit("v1")
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let service = EvalService(repository: repository)
    let commit = try repository.resolveCommit(head)
    let context = try GateContext.load(from: .commit(commit), in: repository)
    let passing = try await service.evaluate(
      promptID: "p", at: commit, context: context, options: EvalOptions(recordNotes: false))
    #expect(passing.passed)
    let failing = PromptEvalResult(
      header: passing.header,
      units: passing.units.map {
        var unit = $0
        unit.passed = false
        unit.score = 0
        return unit
      })
    #expect(!failing.passed)

    let second = Date(timeIntervalSince1970: 1_800_000_000)
    for result in [failing, passing, failing, failing] { try service.record([result], on: commit, timestamp: second) }
    let lines = try repo.git("notes", "--ref", "promptops", "show", head).split(separator: "\n")
    #expect(lines.count == 3, "the repeated failure adds nothing, the one after a pass does: \(lines)")
    let records = try service.recordedResults(sha256: try #require(passing.header.sha256), promptID: "p")
    #expect(records.map(\.passed) == [false, true, false])
  }
}
