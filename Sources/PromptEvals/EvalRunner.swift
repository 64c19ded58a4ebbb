import Foundation
import PromptModel

/// One run of one unit: what the provider answered and how it was graded.
public struct RunResult: Sendable, Codable, Equatable {
  public var output: String
  public var tokenUsage: TokenUsage?
  public var cost: Double?
  public var latencyMs: Double
  public var grading: GradingOutcome?
  /// Why the run produced no verdict (provider failure, ungradable assertion); never cached.
  public var error: String?
  /// The model's answer came from the cache (the run was graded afresh all the same).
  public var cached = false

  public var passed: Bool { error == nil && grading?.pass == true }

  enum CodingKeys: String, CodingKey { case output, tokenUsage, cost, latencyMs, grading, error }
}

/// The runs of one unit and its verdict.
public struct UnitResult: Sendable {
  public let unit: EvalUnit
  public let runs: [RunResult]

  public var passCount: Int { runs.filter(\.passed).count }
  public var errored: Bool { runs.contains { $0.error != nil } }
  public var passed: Bool { !errored && passCount >= unit.test.requiredPasses }
  public var score: Double {
    guard !runs.isEmpty else { return 0 }
    return runs.reduce(0) { $0 + ($1.grading?.score ?? 0) } / Double(runs.count)
  }
}

/// How far a run is: tests finished of all, and how many of them failed (or could not run).
public struct EvalProgress: Sendable, Equatable {
  public var done: Int
  public var total: Int
  public var failed: Int
}

/// Runs units against their providers with bounded concurrency; results come back in the order
/// of the units, whatever order the providers answer in.
public struct EvalRunner: Sendable {
  public var concurrency: Int
  public var cache: EvalCache?
  public var environment: [String: String]
  /// Makes live providers; tests and callers can add their own kinds.
  public var makeProvider: @Sendable (ProviderSpec, ProviderEnvironment) throws -> any EvalProvider
  /// Told after each test (unit) finishes, all its repetitions run; called on one task at a time.
  public var progress: (@Sendable (EvalProgress) -> Void)?

  public init(
    concurrency: Int, cache: EvalCache?, environment: [String: String] = ProcessInfo.processInfo.environment,
    makeProvider: @escaping @Sendable (ProviderSpec, ProviderEnvironment) throws -> any EvalProvider = {
      try ProviderFactory.make($0, environment: $1)
    }
  ) {
    self.concurrency = max(1, concurrency)
    self.cache = cache
    self.environment = environment
    self.makeProvider = makeProvider
  }

  /// What the providers were asked, for reporting. Every answer a run needs (the model's, and
  /// each grader's) is either a call or a cache hit; a rejected entry (one that does not verify
  /// or cannot be read) is also a call.
  public struct Statistics: Sendable {
    public var providerCalls = 0
    public var cacheHits = 0
    public var cacheRejected = 0

    public init() {}

    mutating func add(_ tally: AnswerBook.Tally) {
      providerCalls += tally.calls
      cacheHits += tally.hits
      cacheRejected += tally.rejected
    }
  }

  public func run(_ units: [EvalUnit]) async -> (results: [UnitResult], statistics: Statistics) {
    struct Job: Sendable {
      let unit: Int
      let repetition: Int
    }
    var jobs: [Job] = []
    for (index, unit) in units.enumerated() {
      for repetition in 0..<unit.test.repeatCount { jobs.append(Job(unit: index, repetition: repetition)) }
    }
    // Providers are made once per spec and folder; a spec that cannot be made fails its units.
    struct ProviderKey: Hashable {
      let spec: ProviderSpec
      let folder: String
    }
    var providers: [ProviderKey: Result<any EvalProvider, ProviderError>] = [:]
    func provider(_ spec: ProviderSpec, _ folder: String) -> Result<any EvalProvider, ProviderError> {
      let key = ProviderKey(spec: spec, folder: folder)
      if let made = providers[key] { return made }
      let made: Result<any EvalProvider, ProviderError>
      do {
        made = .success(try makeProvider(spec, ProviderEnvironment(variables: environment, workingDirectory: folder)))
      } catch let error as ProviderError {
        made = .failure(error)
      } catch {
        made = .failure(ProviderError(providerID: spec.id, message: "\(error)"))
      }
      providers[key] = made
      return made
    }
    // Each model-graded assertion has its own grader (see `EvalUnit.grader(for:)`), made once
    // per spec like the providers.
    let prepared = jobs.map { job -> (Job, Result<any EvalProvider, ProviderError>, [Grader]) in
      let unit = units[job.unit]
      // A grader that names a chat and an embedding model (promptfoo's type map) is made as two.
      let graders = unit.graders.flatMap(\.graderParts).map {
        Grader(spec: $0, made: provider($0, unit.workingDirectory))
      }
      return (job, provider(unit.provider, unit.workingDirectory), graders)
    }

    var runs = [[RunResult?]](repeating: [], count: units.count)
    for (index, unit) in units.enumerated() { runs[index] = Array(repeating: nil, count: unit.test.repeatCount) }
    var statistics = Statistics()
    var counts = EvalProgress(done: 0, total: units.count, failed: 0)
    var repetitionsLeft = units.map(\.test.repeatCount)
    let progress = self.progress
    let cache = self.cache
    let variables = self.environment
    await withTaskGroup(of: (Job, RunResult, AnswerBook.Tally).self) { group in
      var next = 0
      func submit() {
        guard next < prepared.count else { return }
        let (job, made, graders) = prepared[next]
        let unit = units[job.unit]
        next += 1
        group.addTask {
          let book = AnswerBook(cache: cache, unit: unit, repetition: job.repetition)
          let result = await Self.execute(unit, provider: made, graders: graders, book: book, environment: variables)
          // Errors are never cached: a run that ended in one keeps none of its answers.
          if result.error == nil { book.storeAsked() }
          return (job, result, book.tally)
        }
      }
      for _ in 0..<min(concurrency, prepared.count) { submit() }
      while let (job, result, tally) = await group.next() {
        runs[job.unit][job.repetition] = result
        statistics.add(tally)
        submit()
        repetitionsLeft[job.unit] -= 1
        if let progress, repetitionsLeft[job.unit] == 0 {
          counts.done += 1
          if !UnitResult(unit: units[job.unit], runs: runs[job.unit].compactMap { $0 }).passed { counts.failed += 1 }
          progress(counts)
        }
      }
    }
    let results = units.enumerated().map { index, unit in UnitResult(unit: unit, runs: runs[index].compactMap { $0 }) }
    return (results, statistics)
  }

  /// A grader a unit's model-graded assertions name, or why it could not be made.
  struct Grader: Sendable {
    let spec: ProviderSpec
    let made: Result<any EvalProvider, ProviderError>
  }

  /// Asks for the model's answer (from the cache when it holds an authentic one), then grades it
  /// afresh, asking each grader the same way.
  private static func execute(
    _ unit: EvalUnit, provider made: Result<any EvalProvider, ProviderError>, graders: [Grader], book: AnswerBook,
    environment: [String: String]
  ) async -> RunResult {
    let response: ProviderResponse
    let cached: Bool
    if let canned = unit.test.providerOutput {
      // `providerOutput` (`runEval`, `src/evaluator.ts`): graded in place of the provider's
      // answer, which is not asked for; promptfoo's response then costs 0.
      (response, cached) = (ProviderResponse(output: canned, cost: 0, latencyMs: 0), false)
    } else {
      let provider: any EvalProvider
      switch made {
      case .success(let live): provider = live
      case .failure(let error): return RunResult(output: "", latencyMs: 0, error: error.description)
      }
      do {
        (response, cached) = try await book.answer(
          from: provider, spec: unit.provider,
          ProviderRequest(prompt: unit.renderedPrompt, vars: unit.test.vars.mapValues(\.templateText)))
      } catch let error as ProviderError {
        return RunResult(output: "", latencyMs: 0, error: error.description)
      } catch {
        return RunResult(output: "", latencyMs: 0, error: "provider \(unit.provider.id): \(error)")
      }
    }
    // A grader that cannot be made fails the test: no other grader stands in for it.
    var live: [ProviderSpec: any EvalProvider] = [:]
    var unmade: [String] = []
    for grader in graders {
      switch grader.made {
      case .success(let made): live[grader.spec] = AnsweredFromBook(live: made, spec: grader.spec, book: book)
      case .failure(let error): unmade.append("grader: \(error.description)")
      }
    }
    if !unmade.isEmpty {
      return RunResult(
        output: response.output, tokenUsage: response.tokenUsage, cost: response.cost, latencyMs: response.latencyMs,
        error: unmade.joined(separator: "; "))
    }
    let ready = live
    let checker = AssertionChecker(
      graders: AssertionGraders(
        text: { assertion in unit.grader(for: assertion)?.grader(for: .text).flatMap { ready[$0] } },
        embedding: { assertion in unit.grader(for: assertion)?.grader(for: .embedding).flatMap { ready[$0] } }))
    let context = AssertionContext(
      prompt: unit.renderedPrompt, vars: unit.test.vars, providerID: unit.provider.id,
      providerConfig: unit.provider.config,
      latencyMs: response.latencyMs, cost: response.cost, folder: unit.workingDirectory, environment: environment)
    do {
      let grading = try await checker.grade(test: unit.test, output: response.output, context: context)
      return RunResult(
        output: response.output, tokenUsage: response.tokenUsage, cost: response.cost, latencyMs: response.latencyMs,
        grading: grading, cached: cached)
    } catch {
      return RunResult(
        output: response.output, tokenUsage: response.tokenUsage, cost: response.cost, latencyMs: response.latencyMs,
        error: "test '\(unit.test.name)': \(error)")
    }
  }
}
