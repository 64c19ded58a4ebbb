import Foundation
import TestSupport
import Testing

/// Runs a process on a thread of its own and awaits it, so a test waiting for the binary never
/// holds one of the few threads Swift concurrency runs every other test's tasks on.
func runProcessAsync(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String])
  async throws -> ProcessResult
{
  try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessResult, any Error>) in
    let thread = Thread {
      do {
        continuation.resume(returning: try runProcess(executable, arguments, in: directory, environment: environment))
      } catch {
        continuation.resume(throwing: error)
      }
    }
    thread.start()
  }
}

extension TempRepo {
  /// `promptops(_:environment:)`, awaited without blocking a concurrency thread.
  func promptopsAsync(_ arguments: String..., environment extra: [String: String] = [:]) async throws -> ProcessResult {
    var env = environment
    for (key, value) in extra { env[key] = value }
    return try await runProcessAsync(try promptopsBinary(), arguments, in: path, environment: env)
  }

  /// `promptopsAsync(_:environment:)` with the arguments as an array.
  func promptopsAsync(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ProcessResult {
    var env = environment
    for (key, value) in extra { env[key] = value }
    return try await runProcessAsync(try promptopsBinary(), arguments, in: path, environment: env)
  }

  /// `gate(_:)`, awaited without blocking a concurrency thread.
  func gateAsync(_ arguments: String...) async throws -> (ProcessResult, JSONReport) {
    let result = try await runProcessAsync(
      try promptopsBinary(), ["gate"] + arguments + ["--format", "json"], in: path, environment: environment)
    return (result, try JSONReport(result))
  }
}
