import Foundation

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

/// Runs units against their providers with bounded concurrency; results come back in the order
/// of the units, whatever order the providers answer in.
public struct EvalRunner: Sendable {
  public var concurrency: Int
  public var cache: EvalCache?
  public var environment: [String: String]
  /// Makes live providers; tests and callers can add their own kinds.
  public var makeProvider: @Sendable (ProviderSpec, ProviderEnvironment) throws -> any EvalProvider

  public init(
    concurrency: Int, cache: EvalCache?, environment: [String: String] = ProcessInfo.processInfo.environment,
    makeProvider: @escaping @Sendable (ProviderSpec, ProviderEnvironment) throws -> any EvalProvider = { try ProviderFactory.make($0, environment: $1) }
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
    struct Job: Sendable { let unit: Int; let repetition: Int }
    var jobs: [Job] = []
    for (index, unit) in units.enumerated() {
      for repetition in 0..<unit.test.repeatCount { jobs.append(Job(unit: index, repetition: repetition)) }
    }
    // Providers are made once per spec and folder; a spec that cannot be made fails its units.
    struct ProviderKey: Hashable { let spec: ProviderSpec; let folder: String }
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
      let graders = unit.graders.map { Grader(spec: $0, made: provider($0, unit.workingDirectory)) }
      return (job, provider(unit.provider, unit.workingDirectory), graders)
    }

    var runs = [[RunResult?]](repeating: [], count: units.count)
    for (index, unit) in units.enumerated() { runs[index] = Array(repeating: nil, count: unit.test.repeatCount) }
    var statistics = Statistics()
    let cache = self.cache
    await withTaskGroup(of: (Job, RunResult, AnswerBook.Tally).self) { group in
      var next = 0
      func submit() {
        guard next < prepared.count else { return }
        let (job, made, graders) = prepared[next]
        let unit = units[job.unit]
        next += 1
        group.addTask {
          let book = AnswerBook(cache: cache, unit: unit, repetition: job.repetition)
          let result = await Self.execute(unit, provider: made, graders: graders, book: book)
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
    _ unit: EvalUnit, provider made: Result<any EvalProvider, ProviderError>, graders: [Grader], book: AnswerBook
  ) async -> RunResult {
    let provider: any EvalProvider
    switch made {
    case .success(let live): provider = live
    case .failure(let error): return RunResult(output: "", latencyMs: 0, error: error.description)
    }
    let response: ProviderResponse
    let cached: Bool
    do {
      (response, cached) = try await book.answer(
        from: provider, spec: unit.provider, ProviderRequest(prompt: unit.renderedPrompt, vars: unit.test.vars.mapValues(\.templateText)))
    } catch let error as ProviderError {
      return RunResult(output: "", latencyMs: 0, error: error.description)
    } catch {
      return RunResult(output: "", latencyMs: 0, error: "provider \(unit.provider.id): \(error)")
    }
    // A grader that cannot be made fails the test: no other grader stands in for it.
    var rubricGraders: [ProviderSpec: any RubricGrader] = [:]
    var unmade: [String] = []
    for grader in graders {
      switch grader.made {
      case .success(let live):
        rubricGraders[grader.spec] = ProviderRubricGrader(provider: AnsweredFromBook(live: live, spec: grader.spec, book: book))
      case .failure(let error): unmade.append("grader: \(error.description)")
      }
    }
    if !unmade.isEmpty {
      return RunResult(
        output: response.output, tokenUsage: response.tokenUsage, cost: response.cost, latencyMs: response.latencyMs, error: unmade.joined(separator: "; "))
    }
    let checker = AssertionChecker { assertion in unit.grader(for: assertion).flatMap { rubricGraders[$0] } }
    do {
      let grading = try await checker.grade(
        test: unit.test, output: response.output, latencyMs: response.latencyMs, cost: response.cost)
      return RunResult(
        output: response.output, tokenUsage: response.tokenUsage, cost: response.cost, latencyMs: response.latencyMs, grading: grading, cached: cached)
    } catch {
      return RunResult(
        output: response.output, tokenUsage: response.tokenUsage, cost: response.cost, latencyMs: response.latencyMs,
        error: "test '\(unit.test.name)': \(error)")
    }
  }
}

/// Grades `llm-rubric` with a provider, asking for promptfoo's `{reason, pass, score}` answer.
struct ProviderRubricGrader: RubricGrader {
  let provider: any EvalProvider

  func grade(rubric: String, output: String, assertion: EvalAssertion) async throws -> (pass: Bool, score: Double, reason: String) {
    let prompt = """
      You are grading output according to a user-specified rubric. If the statement in the rubric is true, then the output passes the test. \
      You respond with a JSON object with this structure: {"reason": string, "pass": boolean, "score": number}

      <Output>
      \(output)
      </Output>
      <Rubric>
      \(rubric)
      </Rubric>
      """
    let response = try await provider.complete(ProviderRequest(prompt: prompt))
    for value in JSONText.embeddedValues(in: response.output) {
      guard case .bool(let pass)? = value["pass"] else { continue }
      let score = value["score"]?.doubleValue ?? (pass ? 1 : 0)
      return (pass, min(max(score, 0), 1), value["reason"]?.stringValue ?? "")
    }
    throw ProviderError(providerID: provider.id, message: "the grader's answer holds no JSON object with a boolean `pass`")
  }
}
