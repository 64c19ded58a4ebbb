import ArgumentParser
import Foundation
import GitKit
import PromptApprovals
import PromptRelease
import Testing

@testable import PromptEvals
@testable import PromptModel
@testable import PromptTemplates
@testable import Spawn
@testable import promptops

/// The exit status is a contract with hooks and CI (0 passed, 1 violations or refused, 2 no
/// verdict, 64 usage). `PromptOps.exitStatus(for:)` is the one place it is given; these tests
/// hold every target's error to its documented class, and an error nobody classified to 2.
@Suite("exit status: one mapping for every failure")
struct ExitStatusTests {
  /// An error no target declares: a Foundation error, or one a library forgot to wrap.
  struct Unrecognised: Error {}

  static let cases: [(name: String, error: any Error, status: Int32)] = [
    ("GitKit: GitError", GitError(kind: .notFound, function: "git_revparse_single", message: "not found"), 2),
    ("GitKit: GitError, locked", GitError(kind: .locked, function: "git_reference_create", message: "locked"), 2),
    ("Spawn: ChildProcessLaunchFailure", ChildProcessLaunchFailure(description: "no such program"), 2),
    ("PromptModel: invalid configuration", PromptOpsError.invalidConfiguration(file: "f", line: 3, message: "m"), 2),
    ("PromptModel: repository", PromptOpsError.repository("bare"), 2),
    ("PromptModel: prompt not found", PromptOpsError.promptNotFound(id: "a", detail: "at HEAD"), 2),
    ("PromptModel: io", PromptOpsError.io(path: "p", message: "cannot read"), 2),
    ("PromptModel: usage", PromptOpsError.usage("no commit yet"), 64),
    ("PromptModel: YAMLProblem", YAMLProblem(line: 4, message: "duplicate key"), 2),
    ("PromptModel: YAMLExpansionLimit", YAMLExpansionLimit.jsonValue, 2),
    ("PromptModel: cache key unavailable", EvalCacheKey.Unavailable(description: "no HOME"), 2),
    ("PromptEvals: SuiteProblem", SuiteProblem(file: "evals/a.yml", line: 2, message: "m"), 2),
    ("PromptEvals: ProviderError", ProviderError(providerID: "echo", message: "timed out"), 2),
    ("PromptTemplates: TemplateError", TemplateError(line: 2, message: "unknown filter"), 2),
    ("PromptTemplates: TemplateError, missing", TemplateError.missing(["who"]), 2),
    ("PromptApprovals: ApprovalError", ApprovalError.record(file: "r.yml", line: 3, message: "m"), 2),
    ("PromptApprovals: ApprovalError, signature", ApprovalError.badSignature, 2),
    ("PromptRelease: PromotionRefused", PromotionRefused(reasons: ["no approval"]), 1),
    ("executable: violations", ReportedFailure.violations, 1),
    ("executable: no verdict", ReportedFailure.couldNotEvaluate, 2),
    ("ArgumentParser: ValidationError", ValidationError("--head needs --base"), 64),
    ("unrecognised Swift error", Unrecognised(), 2),
    ("unrecognised Foundation error", CocoaError(.fileReadNoSuchFile), 2),
    ("unrecognised POSIX error", POSIXError(.EACCES), 2),
  ]

  @Test(arguments: cases.indices)
  func everyErrorExitsWithItsDocumentedStatus(_ index: Int) {
    let (name, error, status) = Self.cases[index]
    #expect(PromptOps.exitStatus(for: error) == status, "\(name)")
  }

  /// Fail closed: whatever was not classified blocks the hook and the CI step, and never
  /// claims a verdict (0 passed, 1 violations) that was not reached.
  @Test func anUnrecognisedErrorExitsTwo() {
    #expect(PromptOps.exitStatus(for: Unrecognised()) == 2)
    #expect(PromptOps.exitStatus(for: NSError(domain: "elsewhere", code: 1)) == 2)
  }

  /// Each class maps to its own documented status.
  @Test(arguments: FailureKind.allCases)
  func eachFailureKindHasItsStatus(_ kind: FailureKind) {
    struct Classified: ClassifiedFailure {
      let failureKind: FailureKind
    }
    let expected: Int32 =
      switch kind {
      case .couldNotEvaluate: 2
      case .usage: 64
      case .refused: 1
      }
    #expect(PromptOps.exitStatus(for: Classified(failureKind: kind)) == expected)
  }

  /// The first line is what earlier versions printed, which scripts and people read; a remedy
  /// follows on a line of its own.
  @Test func anErrorPrintsItsDescriptionThenItsRemedy() {
    let locked = GitError(kind: .locked, function: "git_reference_create", message: "refs/notes/x.lock is locked")
    let lines = PromptOps.messageLines(for: locked)
    #expect(lines.first == "promptops: error: refs/notes/x.lock is locked")
    #expect(lines.count == 2 && lines[1].hasPrefix("promptops: hint: "))
    #expect(
      PromptOps.messageLines(for: PromptOpsError.io(path: "p", message: "cannot read")) == [
        "promptops: error: p: cannot read"
      ])
    #expect(PromptOps.messageLines(for: Unrecognised()) == ["promptops: error: \(Unrecognised())"])
  }

  @Test func aRefusalPrintsEachReason() {
    #expect(
      PromptOps.messageLines(for: PromotionRefused(reasons: ["no approval", "evals failed"])) == [
        "promptops: refused: no approval", "promptops: refused: evals failed",
      ])
  }

  @Test func aReportedFailurePrintsNothingMore() {
    #expect(PromptOps.messageLines(for: ReportedFailure.violations).isEmpty)
  }
}
