import Foundation
import GitKit
import PromptChanges
import PromptModel

/// The gate's eval rules: runs the evals of the prompts a change touched (text, card, suite, test
/// or provider files) and turns the outcome into `eval-failed`, `eval-missing`, `eval-error` and
/// `eval-weakened` findings.
public struct EvalGate {
  public let repository: Repository

  public init(repository: Repository) { self.repository = repository }

  /// Eval findings for a comparison, and the run behind them.
  public func evaluate(sides: ComparisonSides, options: EvalOptions) throws -> ([Finding], EvalRun?) {
    var timer = PhaseTimer()
    return try evaluate(sides: sides, options: options, timer: &timer)
  }

  /// Everything comes from the base's context: which files are prompts, which suites apply to
  /// them, how evals run and what they require; only the suites' contents come from the head,
  /// held to the base's by the weakening check. `known` are head prompts the version rules have
  /// read under the same context: they are not read again.
  package func evaluate(sides: ComparisonSides, options: EvalOptions, known: [Prompt] = [], timer: inout PhaseTimer)
    throws -> (
      [Finding], EvalRun?
    )
  {
    let configuration = sides.context.configuration
    let planner = EvalPlanner(
      repository: repository, configuration: configuration, snapshot: sides.head, environment: options.environment)
    timer.mark("evals: configure")
    let (changed, suiteTouched) = try planner.changes(
      since: sides.base, includingWithoutSuite: configuration.evals.requireSuite, reusing: known)
    timer.mark("evals: find changed eval inputs")
    guard !changed.isEmpty else { return ([], nil) }
    var findings: [Finding] = []
    func add(
      _ rule: RuleID, _ prompt: String, _ file: String, _ line: Int, _ message: String, severity: Severity? = nil
    ) {
      guard let configured = configuration.severity(of: rule) else { return }
      findings.append(
        Finding(
          rule: rule, severity: severity.map { min($0, configured) } ?? configured, prompt: prompt, file: file,
          line: line, message: message))
    }

    var toRun: [Prompt] = []
    // The base side of the weakening check: its suites, read once for every prompt.
    let basePlanner = EvalPlanner(repository: repository, configuration: configuration, snapshot: sides.base)
    func weakenings(of prompt: Prompt) throws -> [Finding] {
      try self.weakenings(
        of: prompt, planner: planner, basePlanner: basePlanner, configuration: configuration, suiteTouched: suiteTouched
      )
    }
    for prompt in changed {
      let suites = planner.suitePaths(for: prompt)
      if suites.isEmpty {
        if configuration.evals.requireSuite {
          add(
            .evalMissing, prompt.id, prompt.location.cardPath, 1,
            "prompt '\(prompt.id)' changed but no eval suite applies to it")
        }
        // A suite the base had and the change deleted is the largest weakening of all.
        findings += try weakenings(of: prompt)
        continue
      }
      toRun.append(prompt)
      findings += try weakenings(of: prompt)
    }
    timer.mark("evals: suites and weakening")
    guard !toRun.isEmpty else { return (findings, nil) }
    let commit: ObjectID?
    if case .commit(let id) = sides.head { commit = id } else { commit = nil }
    let run = try EvalService(repository: repository).evaluateBlocking(
      toRun, planner: planner, configuration: configuration, commit: commit, options: options)
    timer.mark("evals: run")
    for plan in run.plans {
      for warning in plan.warnings {
        add(.evalSuiteWarning, plan.promptID, warning.file, warning.line, warning.message)
      }
    }
    for result in run.prompts {
      let plan = run.plans.first { $0.promptID == result.id }
      let suite = result.header.suites.first ?? result.header.path
      if !result.errors.isEmpty {
        let located = plan?.errors.first
        add(
          .evalError, result.id, located?.file ?? suite, located?.line ?? 1,
          "evals of '\(result.id)' could not run: " + result.errors.prefix(3).joined(separator: "; ")
            + (result.errors.count > 3 ? " (and \(result.errors.count - 3) more)" : ""))
      } else if !result.passed {
        let failing = result.failedTests
        // Pointed at the first failing test where its file and line are known (built-in runs),
        // else at the suite.
        let failedVerdict = result.units.first { !$0.passed && $0.error == nil }
        let firstFailing = failedVerdict.flatMap { verdict in plan?.units.first { $0.key == verdict.key } }
        // What failed first, in the reviewer's words: the check, what it expected, the answer.
        let why =
          failedVerdict.flatMap { verdict in verdict.failure.map { "; '\(verdict.testName)': \($0.summary)" } } ?? ""
        add(
          .evalFailed, result.id, firstFailing?.test.file ?? suite, firstFailing?.test.line ?? 1,
          "evals of '\(result.id)' below thresholds: pass rate \(percent(result.passRate)) (min \(percent(result.header.thresholds.minPassRate))), "
            + "score \(String(format: "%.2f", result.score)) (min \(String(format: "%.2f", result.header.thresholds.minScore)))"
            + (failing.isEmpty
              ? ""
              : "; failing: " + failing.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                + (failing.count > 5 ? " and \(failing.count - 5) more" : ""))
            + why)
      }
    }
    return (findings, run)
  }

  private func weakenings(
    of prompt: Prompt, planner: EvalPlanner, basePlanner: EvalPlanner, configuration: Configuration,
    suiteTouched: Bool
  ) throws -> [Finding] {
    guard let severity = configuration.severity(of: .evalWeakened) else { return [] }
    // Most changed prompts had no suite at the base either: that is answered without looking
    // the prompt up there (which, for a prompt the change added, would walk the base's tree),
    // unless the change touched a suite file, which may have been this prompt's in another place
    // (a prompt moved away from the suite the change deletes).
    if !suiteTouched && planner.suitePaths(for: prompt).isEmpty
      && basePlanner.suitePaths(for: prompt.location, id: prompt.id).isEmpty
    {
      return []
    }
    // A prompt the base does not have has no bar to lower; one the base cannot read stops the run.
    guard let basePrompt = try basePlanner.prompt(id: prompt.id) else { return [] }
    let baseSuites = basePlanner.suites(for: basePrompt)
    let headSuites = planner.suites(for: prompt)
    var findings: [Finding] = []
    for (path, baseResult) in baseSuites.sorted(by: { $0.key < $1.key }) {
      guard case .success(let base) = baseResult else { continue }
      guard let headResult = headSuites[path] else {
        findings.append(
          Finding(
            rule: .evalWeakened, severity: severity, prompt: prompt.id, file: path, line: 1,
            message:
              "suite \(path) no longer applies to '\(prompt.id)' (removed or deselected), dropping \(base.tests.count) tests"
          ))
        continue
      }
      guard case .success(let head) = headResult else { continue }
      for weakening in SuiteWeakening.compare(base: base, head: head, promptID: prompt.id) {
        findings.append(
          Finding(
            rule: .evalWeakened, severity: severity, prompt: prompt.id, file: weakening.file, line: weakening.line,
            message: weakening.message))
      }
    }
    return findings
  }

  private func percent(_ value: Double) -> String { String(format: "%.0f%%", value * 100) }
}
