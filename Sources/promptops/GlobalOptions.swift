import ArgumentParser
import Foundation
import GitKit
import PromptChanges
import PromptModel
import PromptReporting

extension ReportFormat: ReportFormatChoice {
  static let fileNames = ".sarif, .xml for JUnit, .json, .md, .txt"
}

/// The formats a command can print and write: `--format` picks one for standard output, and
/// `--output FILE` writes one to a file, the one its name implies or given as FORMAT:FILE.
protocol ReportFormatChoice: RawRepresentable<String>, CaseIterable, ExpressibleByArgument, Sendable, Equatable {
  /// What is printed unless `--format` says otherwise.
  static var text: Self { get }
  /// The format a file name implies (its extension); nil when it implies none of this set.
  init?(fileName: String)
  /// The extensions `init(fileName:)` knows, for `--output`'s help.
  static var fileNames: String { get }
  /// The format of a file whose name implies none (`eval --output results` has always written
  /// promptfoo's JSON); nil makes such a name a usage error.
  static var unnamedFileFormat: Self? { get }
}

extension ReportFormatChoice {
  static var unnamedFileFormat: Self? { nil }

  /// Parses `--output` values: FORMAT:FILE, or FILE in the format its name implies.
  static func outputTargets(_ values: [String]) throws -> [(format: Self, path: String)] {
    try values.map { value in
      if let colon = value.firstIndex(of: ":"), let format = Self(rawValue: String(value[..<colon])) {
        let path = String(value[value.index(after: colon)...])
        guard !path.isEmpty else { throw ValidationError("--output \(value): no file name after the format") }
        return (format, path)
      }
      guard let format = Self(fileName: value) ?? unnamedFileFormat else {
        throw ValidationError(
          "--output \(value): cannot tell the format from the name (\(fileNames)); use FORMAT:FILE with one of "
            + allCases.map(\.rawValue).joined(separator: ", "))
      }
      return (format, value)
    }
  }
}

/// The report options every command that reports shares: what is printed (`--format`), which
/// files are also written (`--output`), and `--verbose`. One declaration, whatever the formats.
struct ReportOptions<Format: ReportFormatChoice>: ParsableArguments {
  @Option(help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
  var format: Format = .text

  @Option(
    help: ArgumentHelp(
      "Also write the report to a file, in the format its name implies (\(Format.fileNames)) or given as FORMAT:FILE; its folder is created. Repeatable.",
      valueName: "file"))
  var output: [String] = []

  @Flag(help: "Print what was read and where the time went to standard error.")
  var verbose = false

  func validate() throws { _ = try outputTargets() }

  func outputTargets() throws -> [(format: Format, path: String)] { try Format.outputTargets(output) }

  /// Writes the report in each `--output` format, rendering each format once, and then `extra`
  /// files a command adds of its own (`eval --junit`, `--log`); false (after saying why on
  /// standard error) when a file could not be written. Call it after the verdict is printed: a
  /// file that cannot be written must never hide it.
  func writeOutputs(_ render: (Format) -> Data, extra: [(path: String, data: Data)] = []) -> Bool {
    let targets: [(format: Format, path: String)]
    do {
      targets = try outputTargets()
    } catch {
      // `validate()` refused these already; should that ever be bypassed, say so, never skip.
      printError("promptops: error: \(error)")
      return false
    }
    var rendered: [String: Data] = [:]
    var written = true
    for (format, path) in targets {
      let data = rendered[format.rawValue] ?? render(format)
      rendered[format.rawValue] = data
      if !writeReportFile(data, to: path) { written = false }
    }
    for (path, data) in extra where !writeReportFile(data, to: path) { written = false }
    return written
  }
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
  @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
  var directory: String?

  @OptionGroup var reporting: ReportOptions<ReportFormat>

  @Flag(help: "Print nothing when no prompt changed and nothing was found (the git hooks' setting).")
  var quiet = false

  var format: ReportFormat { reporting.format }
  var output: [String] { reporting.output }
  var verbose: Bool { reporting.verbose }

  /// What the report options ask for, as a plain value.
  var report: ReportSettings { ReportSettings(format: format, outputs: output, verbose: verbose, quiet: quiet) }

  /// Changes into `-C <dir>` and opens the repository there.
  func openRepository() throws -> Repository {
    try promptops.openRepository(directory)
  }
}

/// The report options of a command, as a plain value: what `finish` needs, whether they came
/// through ArgumentParser or from the pre-commit hook's fixed command line (`HookInvocation`).
struct ReportSettings: Equatable {
  var format: ReportFormat = .text
  var outputs: [String] = []
  var verbose = false
  /// Nothing on standard output when no prompt changed and nothing was found: a hook that
  /// printed "passed: 0 prompts checked" on every commit would be noise.
  var quiet = false

  /// The files `--output` names, with their formats.
  func outputTargets() throws -> [(format: ReportFormat, path: String)] { try ReportFormat.outputTargets(outputs) }

  /// Colour only on a terminal, and never when NO_COLOR is set (no-color.org) or TERM is dumb.
  var useColors: Bool {
    let env = ProcessInfo.processInfo.environment
    if let noColor = env["NO_COLOR"], !noColor.isEmpty { return false }
    if env["TERM"] == "dumb" { return false }
    return isatty(STDOUT_FILENO) == 1
  }
}

/// Changes into `-C <dir>`; for the commands that take `-C` without the report options too.
func enterDirectory(_ directory: String?) throws {
  if let directory, !FileManager.default.changeCurrentDirectoryPath(directory) {
    throw PromptOpsError.usage("cannot change to directory '\(directory)'")
  }
}

/// Changes into `-C <dir>` and opens the repository there.
func openRepository(_ directory: String?) throws -> Repository {
  try enterDirectory(directory)
  return try Repository.open(at: FileManager.default.currentDirectoryPath)
}
