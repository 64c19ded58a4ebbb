import ArgumentParser
import Foundation
import GitKit
import PromptEvals
import PromptModel
import PromptReporting

extension PromptOps {
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "eval",
      abstract: "Run the eval suites of prompts at a commit, cached by content, and record the results.",
      subcommands: [Run.self, Merge.self],
      defaultSubcommand: Run.self)
  }
}

extension PromptOps.Eval {
  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Run the eval suites of prompts at a commit (the default: `promptops eval [ID…]`).",
      discussion: """
        With IDs, evaluates those prompts; with --changed --base REV, the prompts whose eval inputs \
        (text, card, suite, test files, provider files) differ from the merge base with REV; with \
        neither, every prompt that has a suite. Results are cached under the git directory by the \
        SHA-256 of everything that decides them, and recorded as a git note on the evaluated commit \
        (refs/notes/promptops; see git notes --ref promptops show). A note that cannot be \
        recorded is a warning: the verdicts are printed and decide the exit code. Exit 1 when a \
        prompt is below its thresholds or its evals could not run.
        """)

    @Argument(help: "Prompt ids (default: every prompt with a suite, or the changed ones with --changed).")
    var ids: [String] = []

    @Flag(help: "Evaluate only the prompts whose eval inputs changed since the merge base with --base.")
    var changed = false

    @Option(help: "The target branch or commit --changed compares with.")
    var base: String?

    @Option(help: "The commit to evaluate (default HEAD).")
    var rev: String?

    @Option(
      help: ArgumentHelp(
        "Run the K-th of N deterministic slices of the tests (CI matrix jobs); combine with `eval merge`.",
        valueName: "K/N"))
    var shard: String?

    @Option(help: "Provider calls in flight at once (default: evals.concurrency, 4).")
    var concurrency: Int?

    @Flag(help: "Call the providers even for results in the cache.")
    var noCache = false

    @Flag(help: "Do not record the results as a git note.")
    var noNote = false

    @Flag(
      inversion: .prefixedNo,
      help: "Show progress (tests done of all, failures so far, time) on standard error; the default on a terminal.")
    var progress: Bool?

    @OptionGroup var outputs: EvalOutputOptions

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func validate() throws {
      if changed && base == nil { throw ValidationError("--changed needs --base REV") }
      if base != nil && !changed { throw ValidationError("--base is only used with --changed") }
      if changed && !ids.isEmpty { throw ValidationError("give prompt ids or --changed, not both") }
      if let shard, EvalShard(shard) == nil {
        throw ValidationError("--shard must be K/N with 1 ≤ K ≤ N (got '\(shard)')")
      }
      if let concurrency, !(1...1024).contains(concurrency) { throw ValidationError("--concurrency must be in 1…1024") }
    }

    func run() throws {
      let started = DispatchTime.now()
      let meter = (progress ?? (isatty(STDERR_FILENO) == 1)) ? ProgressLine(started: started) : nil
      let selection: EvalService.Selection =
        if changed, let base { .changed(base: base) } else if ids.isEmpty { .all } else { .ids(ids) }
      var options = EvalOptions(
        concurrency: concurrency, useCache: !noCache, shard: shard.flatMap(EvalShard.init), recordNotes: !noNote)
      if let meter { options.progress = { meter.show($0) } }
      let evaluated: (run: EvalRun, warnings: [String])
      do {
        // The progress line is cleared before anything else is printed, an error included.
        defer { meter?.finish() }
        evaluated = try EvalService(repository: try openRepository(directory)).evaluate(
          selection, at: rev, options: options)
      }
      let (run, warnings) = evaluated
      for warning in warnings { printError("promptops: warning: \(warning)") }
      for plan in run.plans {
        for warning in plan.warnings { printError("\(warning.file):\(warning.line): warning: \(warning.message)") }
      }
      let stats = run.statistics
      let rejected =
        stats.cacheRejected == 0
        ? "" : ", \(stats.cacheRejected) cache entr\(stats.cacheRejected == 1 ? "y" : "ies") rejected"
      let summary =
        "\(stats.providerCalls) provider call\(stats.providerCalls == 1 ? "" : "s"), \(stats.cacheHits) cached\(rejected)"
        + (run.shard.map { " (shard \($0))" } ?? "")
      let written = outputs.report(
        prompts: run.prompts, document: EvalOutput.promptfooDocument(run),
        text: verdictText(run.prompts) + summary + "\n",
        log: { EvalOutput.promptLog(run) })
      if outputs.reporting.verbose {
        printError(
          "promptops: \(run.prompts.count) prompts, \(run.unitResults.count) tests, \(summary), "
            + String(format: "%.3f s", seconds(since: started)))
      }
      for notice in run.notices { printError("promptops: warning: \(notice)") }
      if !run.prompts.allSatisfy(\.passed) { throw ReportedFailure.violations }
      if !written { throw ReportedFailure.couldNotEvaluate }
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "merge",
      abstract: "Combine the outputs of sharded eval runs into one verdict.",
      discussion: """
        Reads the --output files of `eval --shard K/N` runs, checks every test is present exactly \
        once, recomputes each prompt's pass rate and score, and (inside the repository that holds \
        the evaluated commit) records the verdict as a git note. Exit 1 when a prompt fails.
        """)

    @Argument(help: "Output files of the shard runs.")
    var files: [String]

    @Flag(help: "Do not record the results as a git note.")
    var noNote = false

    @OptionGroup var outputs: EvalOutputOptions

    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if started in <dir>.", valueName: "dir"))
    var directory: String?

    func run() throws {
      try enterDirectory(directory)
      let merged = try EvalOutput.merge(try ShardMerge.readOutputs(files))
      var notices: [String] = []
      if !noNote, let commit = merged.commit {
        notices = ShardMerge.record(
          merged.prompts, commit: commit, repositoryAt: FileManager.default.currentDirectoryPath)
      }
      let (prompts, document) = (merged.prompts, merged.document)
      let written = outputs.report(prompts: prompts, document: document, text: verdictText(prompts), log: { nil })
      for notice in notices { printError("promptops: warning: \(notice)") }
      if !prompts.allSatisfy(\.passed) { throw ReportedFailure.violations }
      if !written { throw ReportedFailure.couldNotEvaluate }
    }
  }
}

/// What `eval` prints and writes: its verdict lines, promptfoo's JSON result shape, or JUnit XML.
enum EvalReportFormat: String, ReportFormatChoice {
  case text, json, junit

  static let fileNames = ".json for promptfoo's result shape, .xml for JUnit, .txt; any other name is JSON"
  static var unnamedFileFormat: Self? { .json }

  init?(fileName: String) {
    switch (fileName.lowercased() as NSString).pathExtension {
    case "json": self = .json
    case "xml": self = .junit
    case "txt", "log": self = .text
    default: return nil
    }
  }
}

/// Where `eval` and `eval merge` write their results.
struct EvalOutputOptions: ParsableArguments {
  @OptionGroup var reporting: ReportOptions<EvalReportFormat>

  @Option(help: ArgumentHelp("Write the results as JUnit XML (the same as --output junit:FILE).", valueName: "file"))
  var junit: String?

  @Option(
    help: ArgumentHelp(
      "Write one prompt-log record (schemas/prompt-log.schema.json) per test run, as JSON Lines.", valueName: "file"))
  var log: String?

  /// Prints the results in the chosen format, then writes every file asked for, each format
  /// rendered once; false when a file could not be written (after saying why). The verdicts are
  /// printed first, so a file that fails never hides them.
  func report(
    prompts: [PromptEvalResult], document: @autoclosure () -> JSONValue, text: String, log logText: () -> String?
  ) -> Bool {
    var promptfoo: Data?
    func render(_ format: EvalReportFormat) -> Data {
      switch format {
      case .text: return Data(text.utf8)
      case .junit: return Data(EvalOutput.junit(prompts).utf8)
      case .json:
        if promptfoo == nil { promptfoo = EvalOutput.render(document()) }
        return promptfoo ?? Data()
      }
    }
    var stdout = render(reporting.format)
    if reporting.format != .text, stdout.last != UInt8(ascii: "\n") { stdout.append(UInt8(ascii: "\n")) }
    FileHandle.standardOutput.write(stdout)
    var extra: [(path: String, data: Data)] = []
    if let junit { extra.append((junit, render(.junit))) }
    if let log, let logText = logText() { extra.append((log, Data(logText.utf8))) }
    return reporting.writeOutputs(render, extra: extra)
  }
}

/// Seconds since `start`.
func seconds(since start: DispatchTime) -> Double {
  Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}

/// The progress of an eval run on standard error: on a terminal one line rewritten in place,
/// elsewhere (`--progress` into a CI log) a line per step.
final class ProgressLine: @unchecked Sendable {
  private let started: DispatchTime
  private let inPlace = isatty(STDERR_FILENO) == 1
  private let lock = NSLock()
  private var shown = false
  private var lastShown: UInt64 = 0

  init(started: DispatchTime) { self.started = started }

  func show(_ progress: EvalProgress) {
    lock.lock()
    defer { lock.unlock() }
    let now = DispatchTime.now().uptimeNanoseconds
    // A terminal is redrawn at most ten times a second, and always for the last test.
    if inPlace, shown, progress.done < progress.total, now - lastShown < 100_000_000 { return }
    lastShown = now
    shown = true
    let line =
      "promptops: eval \(progress.done)/\(progress.total) tests, \(progress.failed) failed, "
      + String(format: "%.1f s", seconds(since: started))
    FileHandle.standardError.write(Data((inPlace ? "\r\u{1B}[K" + line : line + "\n").utf8))
  }

  /// Clears the line on a terminal, so what follows starts on a clean one.
  func finish() {
    lock.lock()
    defer { lock.unlock() }
    if inPlace, shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    shown = false
  }
}

/// One line per prompt: verdict, pass rate, score, and what failed.
func verdictText(_ prompts: [PromptEvalResult]) -> String {
  var out = ""
  for prompt in prompts {
    let verdict = !prompt.errors.isEmpty ? "ERROR" : (prompt.passed ? "PASS" : "FAIL")
    let passed = prompt.units.filter(\.passed).count
    let total = max(prompt.header.unitCount, prompt.units.count)
    out +=
      "\(verdict) \(prompt.id)\(prompt.header.version.map { " \($0)" } ?? ""): pass rate \(String(format: "%.0f%%", prompt.passRate * 100)) (\(passed)/\(total)), "
      + "score \(String(format: "%.2f", prompt.score)) (min pass rate \(String(format: "%.0f%%", prompt.header.thresholds.minPassRate * 100)), min score \(String(format: "%.2f", prompt.header.thresholds.minScore)))\n"
    for test in prompt.failedTests { out += "  failed: \(test)\n" }
    for error in prompt.errors { out += "  error: \(error)\n" }
  }
  return out
}
