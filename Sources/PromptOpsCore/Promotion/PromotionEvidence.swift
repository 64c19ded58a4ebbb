import GitKit

/// What promotion needs to know from the eval and approval records, and nothing more.
///
/// Promotion does not run evals or verify signatures itself: it asks an implementation of this
/// protocol. The eval side answers from the results recorded in git (`refs/notes/promptops`) or
/// by running a suite now; the approval side answers from the signed approval records, verified
/// the way the merge gate verifies them. `NoPromotionEvidence` is what a build without either
/// answers: it never claims evidence it does not have, so an environment that requires evidence
/// refuses every promotion (fail closed) and one that does not proceeds.
public protocol PromotionEvidence {
  /// The eval outcome recorded for exactly this content (and, where results are per commit, this
  /// commit). `.none` when nothing is recorded.
  func recordedEvals(promptID: String, sha256: String, commit: ObjectID?) throws -> EvalEvidence

  /// Runs the prompt's eval suite now, against the prompt as it stands at `commit`: a rollback's
  /// revalidation. `.none` when no runner is available or the prompt has no suite.
  func revalidate(promptID: String, sha256: String, commit: ObjectID) throws -> EvalEvidence

  /// The approvals of exactly this content for this environment, verified (signature, allowed
  /// reviewer, not the author). `approvers` holds who approved; `findings` why approvals that
  /// exist do not count.
  func approvals(promptID: String, version: String, sha256: String, environment: String) throws -> ApprovalEvidence
}

/// An eval outcome with a one-line summary (pass rate, score) for tags, the audit log and history.
public struct EvalEvidence: Sendable, Equatable {
  public enum Status: String, Sendable, Codable { case passed, failed, none }

  public var status: Status
  /// E.g. "12/12 passed (100%), score 0.93"; for `.none`, why there is nothing.
  public var summary: String

  public init(status: Status, summary: String) {
    self.status = status
    self.summary = summary
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

  public func recordedEvals(promptID: String, sha256: String, commit: ObjectID?) throws -> EvalEvidence {
    EvalEvidence(status: .none, summary: "no eval results available (this promptops has no eval record source)")
  }

  public func revalidate(promptID: String, sha256: String, commit: ObjectID) throws -> EvalEvidence {
    EvalEvidence(status: .none, summary: "evals not re-run (this promptops has no eval runner)")
  }

  public func approvals(promptID: String, version: String, sha256: String, environment: String) throws -> ApprovalEvidence {
    ApprovalEvidence(approvers: [], findings: ["no approval records available (this promptops has no approval source)"], available: false)
  }
}

/// The evidence source commands use. One place to wire the eval notes and approval records in.
public enum PromotionEvidenceSource {
  public static func make(repository: Repository, context: GateContext) -> any PromotionEvidence {
    RecordedPromotionEvidence(repository: repository, context: context)
  }
}
