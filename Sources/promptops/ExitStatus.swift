import ArgumentParser
import Foundation
import PromptModel

/// A command's end after it has printed what it found: only the exit status is left to give.
enum ReportedFailure: Error, Equatable {
  /// The gate or check found violations, a prompt failed its evals, a record was invalid.
  case violations
  /// The verdict stands printed, but something the run had to do was not done (a report file
  /// that could not be written, logs of which nothing could be read).
  case couldNotEvaluate
}

extension PromptOps {
  /// The exit status of every failure, in the one place the documented codes are given: 1 for
  /// violations and refusals, 2 when no verdict could be reached, 64 for usage errors.
  ///
  /// An error that names no exit class (one a library does not wrap, a Foundation error) is
  /// unknown here and exits 2: a hook or CI step that cannot tell what went wrong must block, and
  /// 0 or 1 would claim a verdict that was never reached.
  static func exitStatus(for error: any Error) -> Int32 {
    switch error {
    case let reported as ReportedFailure:
      switch reported {
      case .violations: return 1
      case .couldNotEvaluate: return 2
      }
    case let failure as any ClassifiedFailure:
      switch failure.failureKind {
      case .refused: return 1
      case .couldNotEvaluate: return 2
      case .usage: return 64
      }
    case is ValidationError:
      return 64
    default:
      return 2
    }
  }

  /// The lines a failure prints on standard error: `promptops: error: <what failed>` (one
  /// `promptops: refused: <reason>` per reason for a refusal), then `promptops: hint: <remedy>`
  /// where the error knows one. A `ReportedFailure` prints nothing: its command said it all.
  static func messageLines(for error: any Error) -> [String] {
    if error is ReportedFailure { return [] }
    let description = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
    var lines: [String]
    if let failure = error as? any ClassifiedFailure, failure.failureKind == .refused {
      lines = description.split(separator: "\n", omittingEmptySubsequences: false).map { "promptops: refused: \($0)" }
    } else {
      lines = ["promptops: error: \(description)"]
    }
    if let hint = (error as? any LocalizedError)?.recoverySuggestion, !hint.isEmpty {
      lines.append("promptops: hint: \(hint)")
    }
    return lines
  }

  /// Says why a command failed and exits with the status `exitStatus(for:)` gives it.
  static func fail(_ error: any Error) -> Never {
    for line in messageLines(for: error) { printError(line) }
    exit(withError: ExitCode(exitStatus(for: error)))
  }
}
