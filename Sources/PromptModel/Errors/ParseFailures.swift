import Foundation

// The YAML readers' and the cache key's detail types stay within the package: each caller
// places them in its file and raises its own error. They say their class here all the same, so
// that one let through by a later change still exits 2 with its own words.

extension YAMLProblem: ClassifiedFailure {
  package var errorDescription: String? { "\(line.map { "line \($0): " } ?? "")\(message)" }

  package var failureKind: FailureKind { .couldNotEvaluate }
}

extension YAMLExpansionLimit: ClassifiedFailure {
  package var errorDescription: String? { description }

  package var failureKind: FailureKind { .couldNotEvaluate }
}

extension EvalCacheKey.Unavailable: ClassifiedFailure {
  public var errorDescription: String? { description }

  /// Without a key the cache is off for the run, which costs time and never changes a verdict;
  /// raised on its own, no verdict was reached.
  public var failureKind: FailureKind { .couldNotEvaluate }

  public var recoverySuggestion: String? {
    "set \(EvalCacheKey.environmentVariable), or HOME or XDG_CONFIG_HOME for a key file of your own"
  }
}
