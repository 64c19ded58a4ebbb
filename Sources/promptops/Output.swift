import Foundation
import PromptChanges
import PromptReporting

// What the commands print and write: standard error, a gate report with its files, report
// files and the GitHub step summary. Options are in GlobalOptions.swift; the work is in the
// feature targets.

/// Prints to standard error.
func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints a report in the chosen format, writes the `--output` files (and, under GitHub
/// Actions with `--format github`, the step summary), and exits 1 when the gate failed.
func finish(_ report: GateReport, options: GlobalOptions) throws {
  try finish(report, settings: options.report)
}

/// The verdict is printed first: a report file that cannot be written is an error of its own
/// (exit 2 when the gate passed), never a reason to lose what the gate found.
func finish(_ report: GateReport, settings options: ReportSettings) throws {
  if !(options.quiet && report.prompts.isEmpty && report.findings.isEmpty) {
    let output = options.format.reporter(colors: options.useColors).render(report)
    FileHandle.standardOutput.write(Data(output.utf8))
  }
  var unwritten = false
  for (format, path) in try options.outputTargets()
  where !writeReportFile(Data(format.reporter().render(report).utf8), to: path) {
    unwritten = true
  }
  if options.format == .github, let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"],
    !summary.isEmpty
  {
    appendStepSummary(MarkdownReporter().render(report), to: summary)
  }
  for notice in report.notices { printError("promptops: warning: \(notice)") }
  if options.verbose {
    let stats = report.statistics
    printError(
      "promptops: \(stats.changedPaths) changed paths, \(stats.promptsRead) prompts read, \(stats.blobsRead) blobs read, \(stats.treesRead) trees read"
    )
    printError("promptops: " + stats.phases.map { "\($0.name) \($0.milliseconds) ms" }.joined(separator: ", "))
  }
  if !report.passed { throw ReportedFailure.violations }
  if unwritten { throw ReportedFailure.couldNotEvaluate }
}

/// Writes a report file whole (a temporary file renamed into place), creating its folder;
/// false, after saying why on standard error, when it cannot.
func writeReportFile(_ data: Data, to path: String) -> Bool {
  let url = URL(fileURLWithPath: path)
  do {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: url, options: .atomic)
    return true
  } catch {
    let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    printError("promptops: error: cannot write \(path): \(reason)")
    return false
  }
}

/// Appends to the GitHub step summary file; a summary that cannot be written (no such folder, a
/// full disk) is a warning, not a reason to hide the verdict or change its exit status.
/// `FileHandle.write(_:)` would stop the process on a failed write, so the throwing calls are used.
func appendStepSummary(_ markdown: String, to path: String) {
  do {
    if !FileManager.default.fileExists(atPath: path) {
      _ = FileManager.default.createFile(atPath: path, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    // Closing after a failed write has nothing left to report.
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((markdown + "\n").utf8))
  } catch {
    let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    printError("promptops: warning: cannot write the step summary \(path): \(reason)")
  }
}
