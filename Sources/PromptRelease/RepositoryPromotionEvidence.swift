import Foundation
import GitKit
import PromptApprovals
import PromptEvals
import PromptModel

/// The evidence a repository gives: its eval suites, run now under HEAD's configuration (the
/// outcome recorded as a git note, for history), the notes recorded earlier (history only), and
/// signed approval records, verified exactly as the merge gate verifies them, with the policy,
/// allowed signers and records as HEAD has them.
struct RepositoryPromotionEvidence: PromotionEvidence {
  let repository: Repository
  /// HEAD's: the policy, keys and eval settings releases are judged by.
  let context: GateContext
  /// Each prompt's timeline from HEAD, walked once: `history` asks for the approvals of every
  /// version in every environment, and a rollback for several candidates.
  private let timelines = TimelineCache()

  /// Runs the prompt's suites now, as `commit` has them, under HEAD's configuration; the
  /// evaluation records its outcome as a note on `commit`.
  func evaluateNow(promptID: String, sha256: String, commit: ObjectID, useCache: Bool) throws -> EvalEvidence {
    let (result, notices) = try EvalService(repository: repository).evaluateRunBlocking(
      promptID: promptID, at: commit, context: context, options: EvalOptions(useCache: useCache))
    guard !result.header.suites.isEmpty else {
      return EvalEvidence(status: .none, summary: "\(promptID) has no eval suite at \(commit.hex.prefix(12))")
    }
    guard result.header.sha256 == sha256 else {
      return EvalEvidence(
        status: .failed, summary: "the content evaluated at \(commit.hex.prefix(12)) is not the content being released")
    }
    return EvalEvidence(
      status: result.passed ? .passed : .failed,
      summary: Self.summary(result.noteRecord(commit: commit.hex, timestamp: Date())),
      notices: notices)
  }

  /// The newest evaluation recorded in the notes for exactly this content, wherever it was made.
  func recordedEvals(promptID: String, sha256: String) throws -> EvalEvidence {
    let records = try EvalService(repository: repository).recordedResults(sha256: sha256, promptID: promptID)
    guard let record = records.first else {
      return EvalEvidence(
        status: .none, summary: "no eval results recorded for this content (run `promptops eval \(promptID)`)")
    }
    return EvalEvidence(status: record.passed ? .passed : .failed, summary: Self.summary(record))
  }

  static func summary(_ record: EvalNoteRecord) -> String {
    var text =
      "\(record.tests.passed)/\(record.tests.total) passed (\(Int((record.passRate * 100).rounded()))%), "
      + "score \(String(format: "%.2f", record.score))"
    if !record.failedTests.isEmpty { text += "; failed: " + record.failedTests.prefix(3).joined(separator: ", ") }
    if !record.errors.isEmpty { text += "; errors: " + record.errors.prefix(2).joined(separator: "; ") }
    return text
  }

  func approvals(promptID: String, version: String, sha256: String, environment: String, commit: ObjectID) throws
    -> ApprovalEvidence
  {
    let headCommit = try repository.headCommit()
    let head: Snapshot = headCommit.map { .commit($0) } ?? .empty
    let authors = try changeAuthors(promptID: promptID, version: version, releasedAt: commit)
    let verdict = try ApprovalVerifier.verify(
      repository: repository, context: context, snapshot: head, promptID: promptID, version: version, sha256: sha256,
      environment: environment, authors: authors)
    return ApprovalEvidence(
      approvers: verdict.approvers.map { "\($0.reviewer) (\($0.role))" },
      findings: verdict.findings.filter { $0.severity == .error }.map { "[\($0.rule)] \($0.message)" })
  }

  /// Who made this version, as the merge gate counts a change's authors: the author, committer
  /// and co-authors of every commit that made its content (`PromptTimeline.commitsMaking`), read
  /// in the history of the commit released, which a promotion `--at` a branch takes from outside
  /// HEAD's. A release of one's own change needs someone else's approval, as its merge did. A
  /// version that history does not hold has no authors to clear, and is an error.
  func changeAuthors(promptID: String, version: String, releasedAt commit: ObjectID) throws -> Set<String> {
    func walk(from start: ObjectID) throws -> PromptTimeline {
      try timelines.timeline(of: promptID, from: start) {
        try PromptTimeline(
          id: promptID, repository: repository, layout: PromptLayout(context.configuration), from: start)
      }
    }
    // HEAD's timeline, walked once for every version `history` asks about, when it holds the
    // version as introduced at `commit` (it also holds the later commits that kept it); else the
    // released commit's own.
    var timeline = try repository.headCommit().map(walk(from:))
    if timeline?.version(version)?.commit != commit { timeline = try walk(from: commit) }
    guard let timeline, let found = timeline.version(version) else {
      throw PromptOpsError.repository(
        "cannot find the commits that made \(promptID) \(version) in the history of \(commit.hex.prefix(12)), "
          + "so its authors, who may not approve it, are unknown")
    }
    return try repository.changeIdentities(of: timeline.commitsMaking(found), touching: timeline.paths)
  }
}

/// Timelines by prompt id and starting commit, for one command's evidence.
private final class TimelineCache: @unchecked Sendable {
  private var timelines: [String: PromptTimeline] = [:]
  private let lock = NSLock()

  func timeline(of id: String, from head: ObjectID, _ make: () throws -> PromptTimeline) throws -> PromptTimeline {
    let key = id + "@" + head.hex
    if let known = lock.withLock({ timelines[key] }) { return known }
    let made = try make()
    lock.withLock { timelines[key] = made }
    return made
  }
}
