import Foundation
import GitKit
import PromptModel

/// How an evaluation runs.
public struct EvalOptions: Sendable {
  /// Provider calls in flight; nil means the configuration's `evals.concurrency`.
  public var concurrency: Int?
  public var useCache = true
  public var shard: EvalShard?
  /// Record the verdicts as a git note on the evaluated commit.
  public var recordNotes = true
  public var environment: [String: String] = ProcessInfo.processInfo.environment
  /// Told as each test finishes (the built-in runner only; `EvalRunner.progress`).
  public var progress: (@Sendable (EvalProgress) -> Void)?

  public init(concurrency: Int? = nil, useCache: Bool = true, shard: EvalShard? = nil, recordNotes: Bool = true) {
    self.concurrency = concurrency
    self.useCache = useCache
    self.shard = shard
    self.recordNotes = recordNotes
  }
}

/// Evaluates prompts at a commit and records what passed: the entry point for `eval`, the gate,
/// and promotion and rollback (which run a version's evals when they decide on it; the records are
/// history for `history`, not evidence).
public final class EvalService {
  /// The notes ref results are recorded under.
  public static let notesRef = "refs/notes/promptops"

  public let repository: Repository

  public init(repository: Repository) { self.repository = repository }

  // MARK: - Recorded results

  /// Every recorded evaluation of the prompt content with this hash (optionally of one prompt
  /// id), newest first: what passed, for which content, when, on which commit.
  ///
  /// Newest means the later `timestamp`; records of the same second are ordered by commit: on
  /// one commit a later line of its note was appended later, and of two commits the one whose
  /// date is later is newer. The first record is the newest evaluation, whatever older ones said.
  /// Records are history, not evidence: anyone who can push `refs/notes/promptops` can write one.
  public func recordedResults(sha256: String, promptID: String? = nil) throws -> [EvalNoteRecord] {
    var found: [(record: EvalNoteRecord, commitTime: Date, line: Int)] = []
    for (commit, text) in try repository.notes(ref: Self.notesRef) {
      var commitTime: Date?
      for (line, record) in Self.records(in: text).enumerated() {
        guard record.kind == "eval", record.sha256 == sha256, promptID == nil || record.prompt == promptID else {
          continue
        }
        var record = record
        if record.commit == nil { record.commit = commit.hex }
        // A note on a commit this clone lacks (a shallow one) still counts, ordered as oldest.
        if commitTime == nil {
          commitTime = repository.commitExists(commit) ? try repository.commitInfo(commit).time : .distantPast
        }
        found.append((record, commitTime ?? Date.distantPast, line))
      }
    }
    return found.sorted {
      ($0.record.timestamp, $0.commitTime, $0.record.commit ?? "", $0.line) > (
        $1.record.timestamp, $1.commitTime, $1.record.commit ?? "", $1.line
      )
    }.map(\.record)
  }

  /// The records in the note on one commit, in the order they were appended.
  public func recordedResults(on commit: ObjectID) throws -> [EvalNoteRecord] {
    guard let text = try repository.note(on: commit, ref: Self.notesRef) else { return [] }
    return Self.records(in: text)
  }

  /// The eval records among a note's lines; a line that is not one (another tool's, or damaged)
  /// is not a record.
  static func records(in note: String) -> [EvalNoteRecord] {
    let decoder = JSONDecoder()
    return note.split(separator: "\n").compactMap { try? decoder.decode(EvalNoteRecord.self, from: Data($0.utf8)) }
  }

  // MARK: - Running
  //
  // Each entry point comes twice: async, for callers in async code, and blocking, for the
  // synchronous command line. The blocking forms park the calling thread while providers answer,
  // so they must not be called from a task (that would hold one of the few threads tasks run on).

  /// Evaluates one prompt as a commit has it, now, under `context` (promotion and rollback: the
  /// release branch's configuration, the version's own text and suites).
  public func evaluate(
    promptID: String, at commit: ObjectID, context: GateContext, options: EvalOptions = EvalOptions()
  ) async throws -> PromptEvalResult {
    let (prompt, planner) = try locate(promptID: promptID, at: commit, context: context, options: options)
    let run = try await evaluate(
      [prompt], planner: planner, configuration: context.configuration, commit: commit, options: options)
    guard let result = run.prompts.first else {
      throw PromptOpsError.promptNotFound(id: promptID, detail: "at commit \(commit.hex)")
    }
    return result
  }

  /// Evaluates one prompt as a commit has it, now; blocks until done (synchronous callers only).
  public func evaluateBlocking(
    promptID: String, at commit: ObjectID, context: GateContext, options: EvalOptions = EvalOptions()
  ) throws -> PromptEvalResult {
    try evaluateRunBlocking(promptID: promptID, at: commit, context: context, options: options).result
  }

  /// `evaluateBlocking(promptID:at:context:options:)`, with the run's notices.
  public func evaluateRunBlocking(
    promptID: String, at commit: ObjectID, context: GateContext, options: EvalOptions = EvalOptions()
  ) throws -> (result: PromptEvalResult, notices: [String]) {
    let (prompt, planner) = try locate(promptID: promptID, at: commit, context: context, options: options)
    let run = try evaluateBlocking(
      [prompt], planner: planner, configuration: context.configuration, commit: commit, options: options)
    guard let result = run.prompts.first else {
      throw PromptOpsError.promptNotFound(id: promptID, detail: "at commit \(commit.hex)")
    }
    return (result, run.notices)
  }

  private func locate(promptID: String, at commit: ObjectID, context: GateContext, options: EvalOptions) throws -> (
    Prompt, EvalPlanner
  ) {
    let planner = EvalPlanner(
      repository: repository, configuration: context.configuration, snapshot: .commit(commit),
      environment: options.environment)
    guard let prompt = try planner.prompt(id: promptID) else {
      throw PromptOpsError.promptNotFound(id: promptID, detail: "at commit \(commit.hex)")
    }
    return (prompt, planner)
  }

  /// Which prompts `promptops eval` evaluates.
  public enum Selection: Sendable, Equatable {
    /// These prompts; each must have a suite.
    case ids([String])
    /// The prompts whose eval inputs differ from the merge base with this revision, judged, as
    /// the gate judges them, by the merge base's configuration.
    case changed(base: String)
    /// Every prompt with a suite.
    case all
  }

  /// `promptops eval`: selects prompts at `revision` (default HEAD), evaluates them and records
  /// the results. Returns the run and warnings about prompts left out.
  public func evaluate(_ selection: Selection, at revision: String?, options: EvalOptions) throws -> (
    run: EvalRun, warnings: [String]
  ) {
    let head = try repository.resolveCommit(revision ?? "HEAD")
    let context: GateContext
    var base: Snapshot?
    if case .changed(let baseRevision) = selection {
      let target = try repository.resolveCommit(baseRevision)
      guard let mergeBase = try repository.mergeBase(target, head) else {
        throw PromptOpsError.repository(
          "'\(baseRevision)' and '\(revision ?? "HEAD")' share no history; cannot find what changed")
      }
      base = .commit(mergeBase)
      context = try GateContext.load(from: .commit(mergeBase), in: repository)
    } else {
      context = try GateContext.load(from: .commit(head), in: repository)
    }
    let configuration = context.configuration
    let planner = EvalPlanner(
      repository: repository, configuration: configuration, snapshot: .commit(head), environment: options.environment)
    var prompts: [Prompt]
    switch selection {
    case .changed: prompts = try planner.changedPrompts(since: base ?? .empty)
    case .ids(let ids):
      prompts = try ids.map { id in
        guard let prompt = try planner.prompt(id: id) else {
          throw PromptOpsError.promptNotFound(id: id, detail: "at \(revision ?? "HEAD")")
        }
        return prompt
      }
    case .all: prompts = try planner.allPrompts()
    }
    var warnings: [String] = []
    let withoutSuite = prompts.filter { planner.suitePaths(for: $0).isEmpty }
    if case .ids = selection, let first = withoutSuite.first {
      throw PromptOpsError.usage(
        "prompt '\(first.id)' has no eval suite (add \(first.location.path)/\(configuration.evals.suiteFile) or select it in evals.suites)"
      )
    }
    if case .changed = selection, !withoutSuite.isEmpty {
      warnings.append("no eval suite for: " + withoutSuite.map(\.id).joined(separator: ", "))
    }
    prompts = prompts.filter { !planner.suitePaths(for: $0).isEmpty }
    let run = try evaluateBlocking(
      prompts, planner: planner, configuration: configuration, commit: head, options: options)
    return (run, warnings)
  }

  /// Plans, runs and (unless sharded or told not to) records the evaluation of some prompts.
  public func evaluate(
    _ prompts: [Prompt], planner: EvalPlanner, configuration: Configuration, commit: ObjectID?, options: EvalOptions
  ) async throws -> EvalRun {
    let plans = prompts.map(planner.plan)
    let run: EvalRun
    if let runner = runner(configuration: configuration, options: options) {
      run = await Self.run(plans, runner: runner, shard: options.shard, commit: commit?.hex)
    } else {
      run = try externalRun(plans, configuration: configuration, commit: commit)
    }
    return finish(run, commit: commit, options: options)
  }

  /// The blocking form of `evaluate(_:planner:configuration:commit:options:)`, for synchronous callers.
  public func evaluateBlocking(
    _ prompts: [Prompt], planner: EvalPlanner, configuration: Configuration, commit: ObjectID?, options: EvalOptions
  ) throws -> EvalRun {
    let plans = prompts.map(planner.plan)
    let run: EvalRun
    if let runner = runner(configuration: configuration, options: options) {
      let shard = options.shard
      let commitHex = commit?.hex
      run = blockingAwait { await Self.run(plans, runner: runner, shard: shard, commit: commitHex) }
    } else {
      run = try externalRun(plans, configuration: configuration, commit: commit)
    }
    return finish(run, commit: commit, options: options)
  }

  /// The built-in runner, or nil in external mode.
  private func runner(configuration: Configuration, options: EvalOptions) -> EvalRunner? {
    guard configuration.evals.mode == .builtin else { return nil }
    let cache =
      options.useCache && configuration.evals.cache
      ? EvalCache.forRepository(gitCommonDirectory: repository.commonDirectory, environment: options.environment) : nil
    var runner = EvalRunner(
      concurrency: options.concurrency ?? configuration.evals.concurrency, cache: cache,
      environment: options.environment)
    runner.progress = options.progress
    return runner
  }

  private func externalRun(_ plans: [PromptEvalPlan], configuration: Configuration, commit: ObjectID?) throws -> EvalRun
  {
    let repository = self.repository
    let snapshot: Snapshot = commit.map { .commit($0) } ?? .index
    return try ExternalEval(
      command: configuration.evals.externalCommand, timeout: configuration.evals.externalTimeout,
      workingDirectory: repository.workingDirectory ?? FileManager.default.currentDirectoryPath,
      differingInputs: { WorkingTreeInputs.differing($0.inputs.keys, in: repository, snapshot: snapshot) }
    ).run(plans, commit: commit?.hex)
  }

  /// Records the run's verdicts. A record that cannot be written does not lose them: the record
  /// is history, the verdicts are the run's answer, so the failure becomes a notice on the run.
  private func finish(_ run: EvalRun, commit: ObjectID?, options: EvalOptions) -> EvalRun {
    var run = run
    guard options.recordNotes, options.shard == nil, let commit else { return run }
    do {
      run.notices += try record(run.prompts, on: commit, timestamp: run.timestamp)
    } catch {
      run.notices.append(
        "the results were not recorded as a git note on \(commit.hex.prefix(12)) (\(Self.notesRef)): \(error); "
          + "the verdicts stand (the notes are history, not evidence); once that is fixed, `promptops eval` records them"
      )
    }
    return run
  }

  /// Runs planned units (no repository access).
  public static func run(_ plans: [PromptEvalPlan], runner: EvalRunner, shard: EvalShard?, commit: String?) async
    -> EvalRun
  {
    let allUnits = plans.flatMap(\.units)
    let units = shard.map { $0.select(allUnits) } ?? allUnits
    let (results, statistics) = await runner.run(units)
    var byPrompt: [String: [UnitResult]] = [:]
    for result in results { byPrompt[result.unit.promptID, default: []].append(result) }
    let prompts = plans.map { PromptEvalResult(plan: $0, results: byPrompt[$0.promptID] ?? []) }
    return EvalRun(
      commit: commit, shard: shard, plans: plans, unitResults: results, prompts: prompts, statistics: statistics,
      timestamp: Date())
  }

  /// Appends one note line per evaluated prompt to the commit's note, in one note commit.
  /// Returns what the user should know (a left-behind lock removed on the way).
  ///
  /// Appending reads the note and writes it back, so writers on one machine take turns through
  /// an exclusive lock on `promptops/notes.lock` in the git directory; writers on different
  /// machines merge their notes line by line (`git notes merge -s cat_sort_uniq`). Holding that
  /// lock, a lock on the notes reference itself was left by a killed writer
  /// (`NotesReferenceLock`) and is removed.
  @discardableResult
  public func record(_ prompts: [PromptEvalResult], on commit: ObjectID, timestamp: Date = Date()) throws -> [String] {
    let records = prompts.filter { !$0.header.suites.isEmpty }.map {
      $0.noteRecord(commit: commit.hex, timestamp: timestamp)
    }
    guard !records.isEmpty else { return [] }
    var notices: [String] = []
    try withNotesLock {
      let existing = try recordedResults(on: commit).filter { $0.kind == "eval" }
      // The newest record on the same inputs is what a reader believes; a rerun that repeats its
      // verdict (a rerun served from the cache) says nothing new. One that differs is recorded
      // even when an older record said the same: after fail, pass, a new fail must be the newest.
      let new = records.filter { record in
        let earlier = existing.enumerated().filter {
          $0.element.prompt == record.prompt && $0.element.inputsSHA256 == record.inputsSHA256
        }
        guard let newest = earlier.max(by: { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) })
        else { return true }
        return !newest.element.hasSameVerdict(as: record)
      }
      guard !new.isEmpty else { return }
      if let removed = try NotesReferenceLock.clearLeftBehind(ref: Self.notesRef, in: repository) {
        notices.append(removed)
      }
      // One note commit for the whole run, however many prompts it evaluated.
      do {
        try repository.appendNoteLines(new.map(\.jsonLine), on: commit, ref: Self.notesRef)
      } catch let error as GitError where error.kind == .locked {
        throw NotesReferenceLock.lockedError(ref: Self.notesRef, in: repository, error)
      }
    }
    return notices
  }

  private func withNotesLock(_ body: () throws -> Void) throws {
    let folder =
      (repository.commonDirectory.hasSuffix("/") ? repository.commonDirectory : repository.commonDirectory + "/")
      + "promptops"
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw PromptOpsError.io(
        path: folder, message: "cannot create the folder of the notes lock: \(error.localizedDescription)")
    }
    try FileMutex(path: folder + "/notes.lock", purpose: "the eval notes lock").withLock(body)
  }
}

/// Waits for async work from synchronous code (the command-line entry points are synchronous,
/// which keeps `check`'s start-up free of the concurrency runtime's cost).
public func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
  let box = AwaitBox<T>()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    box.value = await body()
    done.signal()
  }
  done.wait()
  return box.value!
}

private final class AwaitBox<T>: @unchecked Sendable {
  var value: T?
}
