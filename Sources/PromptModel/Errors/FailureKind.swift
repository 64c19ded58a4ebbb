import Foundation
import GitKit

/// Which of the documented exit classes a failure belongs to.
///
/// The exit status is a contract with hooks and CI: 1 blocks a change for what it is, 2 says no
/// verdict could be reached, 64 says the command line was wrong. A failure names its class here,
/// where it is raised and its cause is known, so the executable never has to recognise types to
/// choose a status.
public enum FailureKind: Sendable, Equatable, CaseIterable {
  /// No verdict could be reached: configuration, repository, file or infrastructure (exit 2).
  case couldNotEvaluate
  /// The command line asks for something that cannot be done as asked (exit 64).
  case usage
  /// The request was judged and refused: a promotion or rollback whose preconditions fail, a
  /// pin whose content does not match (exit 1, as a gate violation is).
  case refused
}

/// The error a target shows its callers: a message for people (`errorDescription`, naming the
/// file and line where there is one), a remedy where one exists (`recoverySuggestion`), and
/// its exit class.
///
/// Every target's one error conforms, so the executable maps failures to exit codes by asking
/// each error, in one function; an error that does not conform is unknown there and exits 2.
public protocol ClassifiedFailure: LocalizedError {
  var failureKind: FailureKind { get }
}

/// GitKit sits below this target and knows nothing of exit classes: every libgit2 failure means
/// the repository could not be read or written as needed, so no verdict.
extension GitError: ClassifiedFailure {
  public var failureKind: FailureKind { .couldNotEvaluate }
}
