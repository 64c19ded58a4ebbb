import Foundation

/// The model's error: a reason the tool could not evaluate a change at all (exit 2), or a
/// request it cannot carry out as asked (exit 64), as opposed to a finding.
///
/// Each case names the file (and line where there is one) so the user can go straight to it.
public enum PromptOpsError: Error, CustomStringConvertible, Equatable, ClassifiedFailure {
  case invalidConfiguration(file: String, line: Int?, message: String)
  case repository(String)
  case usage(String)
  case promptNotFound(id: String, detail: String)
  case io(path: String, message: String)

  public var description: String {
    switch self {
    case .invalidConfiguration(let file, let line, let message):
      return "\(file)\(line.map { ":\($0)" } ?? ""): invalid configuration: \(message)"
    case .repository(let message):
      return message
    case .usage(let message):
      return message
    case .promptNotFound(let id, let detail):
      return "no prompt with id '\(id)' \(detail)"
    case .io(let path, let message):
      return "\(path): \(message)"
    }
  }

  public var errorDescription: String? { description }

  /// Only where the remedy is known from the error alone; the messages of the other cases say
  /// what is wrong, and what to do follows from the place they name.
  public var recoverySuggestion: String? {
    switch self {
    case .invalidConfiguration(let file, _, _) where file.hasSuffix(".promptops.yml"):
      return "promptops' documentation, docs/configuration.md in its repository, describes every key and its values"
    case .invalidConfiguration, .repository, .usage, .promptNotFound, .io:
      return nil
    }
  }

  public var failureKind: FailureKind {
    if case .usage = self { return .usage }
    return .couldNotEvaluate
  }
}
