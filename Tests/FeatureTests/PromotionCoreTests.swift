import Foundation
import GitKit
import PromptModel
import PromptRelease
import TestSupport
import Testing

/// The evidence seam from the other side: answers scripted per content hash, recording what was
/// asked, so the tests can show which evidence promotion and rollback consult and obey.
final class ScriptedEvidence: PromotionEvidence, @unchecked Sendable {
  /// What the notes say: history, never consulted for a decision.
  var recorded: [String: EvalEvidence] = [:]
  /// What running the evals now gives.
  var current: [String: EvalEvidence] = [:]
  var approvers: [String: [String]] = [:]
  /// The hashes evaluated, with whether the cache could answer.
  private(set) var evaluated: [(sha256: String, useCache: Bool)] = []

  func evaluateNow(promptID: String, sha256: String, commit: ObjectID, useCache: Bool) throws -> EvalEvidence {
    evaluated.append((sha256, useCache))
    return current[sha256] ?? EvalEvidence(status: .none, summary: "no suite")
  }

  func recordedEvals(promptID: String, sha256: String) throws -> EvalEvidence {
    recorded[sha256] ?? EvalEvidence(status: .none, summary: "nothing recorded")
  }

  func approvals(promptID: String, version: String, sha256: String, environment: String, commit: ObjectID) throws
    -> ApprovalEvidence
  {
    ApprovalEvidence(approvers: approvers[sha256] ?? [])
  }
}

@Suite("Promotion through the evidence seam")
struct PromotionCoreTests {
  static let config = """
    version: 1
    promotion:
      environments:
        - staging
        - name: prod
          requires_evals: true
          requires_approval: true

    """

  /// Prompt `a` at 1.0.0, 1.0.1, 1.0.2; returns the repository and the three content hashes.
  func repository() throws -> (TempRepo, [String]) {
    let repo = try TempRepo("promotionCore")
    try repo.write(".promptops.yml", Self.config)
    var hashes: [String] = []
    for (index, version) in ["1.0.0", "1.0.1", "1.0.2"].enumerated() {
      let text = "Hello {{name}}.\nRevision \(index).\n"
      try repo.writePrompt("a", text: text, version: version, changelog: [version])
      try repo.commit()
      hashes.append(Prompt.sha256(of: Array(text.utf8)))
    }
    return (repo, hashes)
  }

  func workspace(_ repo: TempRepo, _ evidence: ScriptedEvidence) throws -> ReleaseWorkspace {
    try ReleaseWorkspace(
      repository: try Repository.open(at: repo.path, environment: repo.environment), evidence: evidence,
      gitEnvironment: repo.environment)
  }

  func promote(_ repo: TempRepo, _ evidence: ScriptedEvidence, _ version: String, to environment: String) throws
    -> Promoter.Outcome
  {
    var request = Promoter.Request(id: "a", environment: environment, version: version)
    request.commit = true
    return try Promoter(workspace: try workspace(repo, evidence)).promote(request)
  }

  @Test func promotionRunsTheEvalsItRequiresAndObeysApprovals() throws {
    let (repo, hashes) = try repository()
    let evidence = ScriptedEvidence()
    // A recorded pass is not evidence: prod runs the evals itself.
    evidence.recorded[hashes[0]] = EvalEvidence(status: .passed, summary: "4/4 passed (100%), score 0.97")
    _ = try promote(repo, evidence, "1.0.0", to: "staging")
    #expect(evidence.evaluated.isEmpty, "staging does not require evals: none run")
    // prod requires evals and approvals: neither is there yet.
    #expect(throws: PromotionRefused.self) { try promote(repo, evidence, "1.0.0", to: "prod") }
    #expect(evidence.evaluated.map(\.sha256) == [hashes[0]])
    #expect(evidence.evaluated.allSatisfy { $0.useCache }, "promotion reuses cached answers")
    evidence.current[hashes[0]] = EvalEvidence(status: .passed, summary: "4/4 passed (100%), score 0.97")
    #expect(throws: PromotionRefused.self) { try promote(repo, evidence, "1.0.0", to: "prod") }
    evidence.approvers[hashes[0]] = ["ann@example.com (prompt-owner)"]
    let outcome = try promote(repo, evidence, "1.0.0", to: "prod")
    #expect(outcome.approvers == ["ann@example.com (prompt-owner)"])
    #expect(outcome.evals == EvalEvidence(status: .passed, summary: "run at promotion: 4/4 passed (100%), score 0.97"))
    let message = try repo.git("tag", "-l", "--format=%(contents)", "prompt/a/v1.0.0")
    // The tag was created by the staging promotion, with that promotion's evidence.
    #expect(message.contains("sha256: \(hashes[0])"))
    #expect(message.contains("evals: not run at promotion (staging does not require evals)"))

    // A failure run now refuses, whatever the notes say.
    evidence.recorded[hashes[1]] = EvalEvidence(status: .passed, summary: "4/4 passed")
    evidence.current[hashes[1]] = EvalEvidence(status: .failed, summary: "2/4 passed (50%)")
    evidence.approvers[hashes[1]] = ["ann@example.com (prompt-owner)"]
    _ = try promote(repo, evidence, "1.0.1", to: "staging")
    do {
      _ = try promote(repo, evidence, "1.0.1", to: "prod")
      Issue.record("a version whose evals fail now was promoted")
    } catch let refused as PromotionRefused {
      #expect(refused.reasons.contains { $0.contains("[eval-failed]") && $0.contains("2/4 passed") })
    }

    // A recorded failure where evals are not required warns and does not refuse.
    evidence.recorded[hashes[2]] = EvalEvidence(status: .failed, summary: "1/4 passed")
    let warned = try promote(repo, evidence, "1.0.2", to: "staging")
    #expect(warned.warnings.count == 1 && warned.warnings[0].contains("1/4 passed"), "\(warned.warnings)")
    #expect(warned.evals.status == .none)
  }

  @Test func rollbackRunsTheEvalsOfEachCandidatePastTheCache() throws {
    let (repo, hashes) = try repository()
    let evidence = ScriptedEvidence()
    for index in 0..<3 {
      evidence.current[hashes[index]] = EvalEvidence(status: .passed, summary: "passed")
      evidence.approvers[hashes[index]] = ["ann@example.com"]
    }
    for version in ["1.0.0", "1.0.1", "1.0.2"] {
      _ = try promote(repo, evidence, version, to: "staging")
      _ = try promote(repo, evidence, version, to: "prod")
    }
    // 1.0.1 fails when run now, whatever the notes say: the last known good is 1.0.0.
    evidence.current[hashes[1]] = EvalEvidence(status: .failed, summary: "1/4 passed")
    evidence.recorded[hashes[1]] = EvalEvidence(status: .passed, summary: "4/4 passed")

    // 1.0.0 fails now too: refused, nothing changes.
    evidence.current[hashes[0]] = EvalEvidence(status: .failed, summary: "0/4 passed")
    let lockBefore = try repo.read("promptops.lock")
    let before = evidence.evaluated.count
    #expect(throws: PromotionRefused.self) {
      try Rollback(workspace: try workspace(repo, evidence)).rollback(
        .init(id: "a", environment: "prod", reason: "regression"))
    }
    #expect(evidence.evaluated.dropFirst(before).map(\.sha256) == [hashes[1], hashes[0]])
    #expect(evidence.evaluated.dropFirst(before).allSatisfy { !$0.useCache }, "rollback calls every provider again")
    #expect(try repo.read("promptops.lock") == lockBefore)

    // No outcome (no suite, no runner) where evals are required: refused too (fail closed).
    evidence.current[hashes[0]] = nil
    #expect(throws: PromotionRefused.self) {
      try Rollback(workspace: try workspace(repo, evidence)).rollback(
        .init(id: "a", environment: "prod", reason: "regression"))
    }

    evidence.current[hashes[0]] = EvalEvidence(status: .passed, summary: "4/4 passed (100%)")
    let outcome = try Rollback(workspace: try workspace(repo, evidence)).rollback(
      .init(id: "a", environment: "prod", reason: "regression"))
    #expect(outcome.from.version == "1.0.2")
    #expect(outcome.to.version == "1.0.0")
    #expect(outcome.to.sha256 == hashes[0])
    #expect(outcome.skipped.count == 1 && outcome.skipped[0].hasPrefix("1.0.1: [eval-failed]"), "\(outcome.skipped)")
    #expect(outcome.to.rollback?.revalidation == "passed: re-run now: 4/4 passed (100%)")
    let events = try AuditLog(path: repo.path + "/audit/promptops-audit.jsonl", displayPath: "audit").read()
    #expect(events.last?.event == .rollback)
    #expect(events.last?.revalidation == "passed: re-run now: 4/4 passed (100%)")
    #expect(events.last?.from?.version == "1.0.2")
  }

  @Test func theDefaultSourceHasNoEvidence() throws {
    let none = NoPromotionEvidence()
    let commit = try #require(ObjectID(hex: String(repeating: "a", count: 40)))
    #expect(try none.recordedEvals(promptID: "a", sha256: "x").status == .none)
    #expect(try none.evaluateNow(promptID: "a", sha256: "x", commit: commit, useCache: true).status == .none)
    #expect(
      try none.approvals(promptID: "a", version: "1.0.0", sha256: "x", environment: "prod", commit: commit).satisfied
        == false)
  }

  @Test func thePromotionSectionParses() throws {
    let config = try Configuration.parse(
      Self.config + "  enforce_order: false\n  lock_file: release/prompts.lock\n  tag_prefix: release/\n")
    let settings = config.promotion
    #expect(settings.environments.map(\.name) == ["staging", "prod"])
    #expect(settings.environment(named: "prod")?.requiresEvals == true)
    #expect(settings.environment(named: "staging")?.requiresApproval == false)
    #expect(settings.predecessor(of: "prod") == nil)
    #expect(settings.lockFile == "release/prompts.lock")
    #expect(settings.tagName(id: "a", version: "v1.2.0") == "release/a/v1.2.0")
    #expect(Configuration().promotion.predecessor(of: "prod")?.name == "staging")

    for (text, line, words) in [
      ("promotion:\n  environments:\n    - prod\n    - prod\n", 4, "listed twice"),
      ("promotion:\n  lock_file: /etc/lock\n", 2, "relative to its top"),
      ("promotion:\n  environments:\n    - name: prod\n      requires_evals: maybe\n", 4, "true or false"),
      ("promotion:\n  colour: blue\n", 2, "unknown key `promotion.colour`"),
    ] {
      do {
        _ = try Configuration.parse(text)
        Issue.record("accepted: \(text)")
      } catch let error as PromptOpsError {
        guard case .invalidConfiguration(_, let reported, let message) = error else { throw error }
        #expect(reported == line, "\(text)")
        #expect(message.contains(words), "\(message)")
      }
    }
  }

  @Test func lockFilesRoundTripAndBadOnesNameTheProblem() throws {
    var lock = LockFile()
    lock.environments["prod"] = [
      "a": .init(
        version: "1.0.0", sha256: String(repeating: "a", count: 64), commit: String(repeating: "b", count: 40),
        path: "prompts/a/prompt.txt", promotedBy: "x", promotedAt: "2026-01-01T00:00:00Z")
    ]
    #expect(try LockFile.parse(try lock.encoded(), file: "promptops.lock") == lock)
    for (text, words) in [
      ("{", "not a valid lock file"),
      (#"{"lockfile_version": 2, "environments": {}}"#, "lockfile_version 2"),
      (#"{"lockfile_version": 1, "environments": {"prod": {"a": {"version": "1"}}}}"#, "missing"),
      (
        #"{"lockfile_version": 1, "environments": {"prod": {"a": {"version": "1.0.0", "sha256": "short", "commit": "c", "path": "p", "promoted_by": "x", "promoted_at": "t"}}}}"#,
        "64-digit sha256"
      ),
    ] {
      #expect(throws: PromptOpsError.self) { try LockFile.parse(Data(text.utf8), file: "promptops.lock") }
      do { _ = try LockFile.parse(Data(text.utf8), file: "promptops.lock") } catch {
        #expect("\(error)".contains(words), "\(error)")
      }
    }
  }
}
