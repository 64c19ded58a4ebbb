import ArgumentParser
import Foundation
import GitKit
import PromptOpsCore

extension ReportFormat: ExpressibleByArgument {}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
  @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
  var directory: String?

  @Option(help: "Output format: \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: ReportFormat = .text

  @Flag(help: "Print what was read (changed paths, prompts, blobs) to standard error.")
  var verbose = false

  /// Changes into `-C <dir>` and opens the repository there.
  func openRepository() throws -> Repository {
    if let directory {
      guard FileManager.default.changeCurrentDirectoryPath(directory) else {
        throw PromptOpsError.usage("cannot change to directory '\(directory)'")
      }
    }
    return try Repository.open(at: FileManager.default.currentDirectoryPath)
  }

  /// Colour only on a terminal, and never when NO_COLOR is set (no-color.org) or TERM is dumb.
  var useColors: Bool {
    let env = ProcessInfo.processInfo.environment
    if let noColor = env["NO_COLOR"], !noColor.isEmpty { return false }
    if env["TERM"] == "dumb" { return false }
    return isatty(STDOUT_FILENO) == 1
  }
}

/// Prints to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs a command body, turning every "could not evaluate" failure into exit 2 with a message
/// on standard error. Findings are not errors: they come back as a report.
func evaluating<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as GitError {
    printError("promptops: error: \(error.message)")
    throw ExitCode(2)
  } catch let error as PromptOpsError {
    printError("promptops: error: \(error.description)")
    throw ExitCode(2)
  } catch let error as ExitCode {
    throw error
  } catch let error as CleanExit {
    throw error
  } catch {
    printError("promptops: error: \(error)")
    throw ExitCode(2)
  }
}

/// Prints a report in the chosen format and exits 1 when the gate failed.
func finish(_ report: GateReport, options: GlobalOptions) throws {
  let output = options.format.reporter(colors: options.useColors).render(report)
  FileHandle.standardOutput.write(Data(output.utf8))
  if options.verbose {
    let stats = report.statistics
    printError("promptops: \(stats.changedPaths) changed paths, \(stats.promptsRead) prompts read, \(stats.blobsRead) blobs read")
    printError("promptops: " + stats.phases.map { "\($0.name) \($0.milliseconds) ms" }.joined(separator: ", "))
  }
  if !report.passed { throw ExitCode(1) }
}
