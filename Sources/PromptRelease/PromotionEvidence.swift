import GitKit
import PromptModel

/// What promotion needs to know about evals and approvals, and nothing more.
///
/// Evidence is what verifies when a decision is made, not what someone wrote down: the eval
/// notes (`refs/notes/promptops`) and the lock file are pushable state that anyone with push
/// rights can write by hand, so they are history. The eval side therefore runs a version's suites
/// when a decision needs them (`evaluateNow`), as the version's commit has them and under HEAD's
/// configuration, and records the outcome as a note for history; the recorded notes are read only
/// to show that history (`recordedEvals`), never to decide. The approval side answers from the
/// signed approval records, verified the way the merge gate verifies them.
/// `NoPromotionEvidence` is what a build without either answers: it never claims evidence it does
/// not have, so an environment that requires evidence refuses every promotion (fail closed) and
/// one that does not proceeds.
public protocol PromotionEvidence {
  /// Runs the prompt's eval suites now, against the prompt as it stands at `commit`, and judges
  /// the result: what a promotion to an environment with `requires_evals`, and every rollback,
  /// decide on. The outcome is recorded as a note on `commit`. With `useCache`, answers the eval
  /// cache already holds for exactly these inputs are reused (a promotion after `promptops eval`
  /// calls no provider); without it every provider is called again (a rollback's revalidation:
  /// does the version still pass against today's models?). `.none` when no runner is available or
  /// the prompt has no suite at `commit`.
  func evaluateNow(promptID: String, sha256: String, commit: ObjectID, useCache: Bool) throws -> EvalEvidence

  /// The newest eval outcome recorded in the notes for exactly this content: history, to be shown
  /// as recorded and unverified, and never the evidence for a decision. `.none` when nothing is
  /// recorded.
  func recordedEvals(promptID: String, sha256: String) throws -> EvalEvidence

  /// The approvals of exactly this content for this environment, verified (signature, allowed
  /// reviewer, not one of its authors). `commit` is the one released: the version's authors are
  /// read from its history, wherever it stands. `approvers` holds who approved; `findings` why
  /// approvals that exist do not count.
  func approvals(promptID: String, version: String, sha256: String, environment: String, commit: ObjectID) throws
    -> ApprovalEvidence
}

/// An eval outcome with a one-line summary (pass rate, score) for tags, the audit log and history.
public struct EvalEvidence: Sendable, Equatable {
  public enum Status: String, Sendable, Codable { case passed, failed, none }

  public var status: Status
  /// E.g. "12/12 passed (100%), score 0.93"; for `.none`, why there is nothing.
  public var summary: String
  /// What the run reported that does not decide (a note it could not record).
  public var notices: [String]

  public init(status: Status, summary: String, notices: [String] = []) {
    self.status = status
    self.summary = summary
    self.notices = notices
  }
}

/// Verified approvals of one content hash for one environment.
public struct ApprovalEvidence: Sendable, Equatable {
  /// Reviewers whose approvals verified, e.g. "ann@example.com (prompt-owner)".
  public var approvers: [String]
  /// Why approvals were not accepted, one line each (rule id first where there is one).
  public var findings: [String]
  /// False when no approval source is wired in: nothing can be known.
  public var available: Bool

  public init(approvers: [String], findings: [String] = [], available: Bool = true) {
    self.approvers = approvers
    self.findings = findings
    self.available = available
  }

  /// At least one verified approver and nothing that overrides it (a rejection, say).
  public var satisfied: Bool { available && !approvers.isEmpty && findings.isEmpty }
}

/// The evidence source of a build that has no eval or approval records wired in.
public struct NoPromotionEvidence: PromotionEvidence {
  public init() {}

  public func evaluateNow(promptID: String, sha256: String, commit: ObjectID, useCache: Bool) throws -> EvalEvidence {
    EvalEvidence(status: .none, summary: "evals not run (this promptops has no eval runner)")
  }

  public func recordedEvals(promptID: String, sha256: String) throws -> EvalEvidence {
    EvalEvidence(status: .none, summary: "no eval results available (this promptops has no eval record source)")
  }

  public func approvals(promptID: String, version: String, sha256: String, environment: String, commit: ObjectID)
    throws -> ApprovalEvidence
  {
    ApprovalEvidence(
      approvers: [], findings: ["no approval records available (this promptops has no approval source)"],
      available: false)
  }
}

/// The evidence source commands use. One place to wire the eval notes and approval records in.
public enum PromotionEvidenceSource {
  public static func make(repository: Repository, context: GateContext) -> any PromotionEvidence {
    RepositoryPromotionEvidence(repository: repository, context: context)
  }
}
