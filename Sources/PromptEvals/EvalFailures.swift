import Foundation
import PromptModel

// PromptEvals' two failure values are thrown only inside this target and recorded in the plans
// and results (`eval-error`, which fails closed); they say their class and message here all the
// same, so that one let through by a later change still exits 2 with its own words.

extension SuiteProblem: ClassifiedFailure {
  public var errorDescription: String? { description }

  /// A suite that cannot be read cannot be evaluated.
  public var failureKind: FailureKind { .couldNotEvaluate }
}

extension ProviderError: ClassifiedFailure {
  public var errorDescription: String? { description }

  /// A provider that gives no answer leaves the test without a verdict.
  public var failureKind: FailureKind { .couldNotEvaluate }
}
