import Foundation
import PromptChanges
import PromptModel

/// What a prompt's evaluation is judged on, independent of the run that produced it: enough to
/// recompute the verdict when shard outputs are merged.
public struct PromptEvalHeader: Sendable, Codable, Equatable {
  public var id: String
  public var version: String?
  public var sha256: String?
  public var path: String
  public var suites: [String]
  public var thresholds: EvalThresholds
  /// Units the whole (unsharded) evaluation has: a merge checks it saw them all.
  public var unitCount: Int
  /// Problems found before any provider was called (suite errors, missing variables).
  public var errors: [String]
  /// SHA-256 over the sorted `path:sha256` list of every eval input.
  public var inputsSHA256: String

  init(plan: PromptEvalPlan) {
    id = plan.promptID
    version = plan.version
    sha256 = plan.sha256
    path = plan.path
    suites = plan.suitePaths
    thresholds = plan.thresholds
    unitCount = plan.units.count
    errors = plan.errors.map(\.description)
    inputsSHA256 = Prompt.sha256(
      of: Array(plan.inputs.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)\n" }.joined().utf8))
  }
}

/// The verdict on one unit (a test against a provider, over its repeats).
public struct UnitVerdict: Sendable, Equatable {
  public var key: String
  public var testName: String
  public var passed: Bool
  public var score: Double
  public var error: String?
  /// For a failed unit graded here: the first assertion that failed, and what the model said.
  public var failure: AssertionFailure? = nil

  package init(
    key: String, testName: String, passed: Bool, score: Double, error: String? = nil, failure: AssertionFailure? = nil
  ) {
    self.key = key
    self.testName = testName
    self.passed = passed
    self.score = score
    self.error = error
    self.failure = failure
  }
}

extension AssertionFailure {
  /// The first failing assertion of the first failing run of a unit, if it was graded.
  static func first(in runs: [RunResult]) -> AssertionFailure? {
    for run in runs where run.error == nil {
      guard let grading = run.grading, !grading.pass else { continue }
      let component = grading.components.first { !$0.pass }
      return AssertionFailure(
        assertion: component?.type ?? "threshold",
        expected: component?.value.map { $0.templateText.excerpt(limit: 120, what: "expected value") },
        reason: component?.reason ?? grading.reason,
        answer: run.output.excerpt(limit: 160, what: "answer"))
    }
    return nil
  }
}

/// A prompt's evaluation: pass rate and average score against its suites' thresholds.
public struct PromptEvalResult: Sendable, Equatable {
  public var header: PromptEvalHeader
  public var units: [UnitVerdict]
  public var errors: [String]
  public var passRate: Double
  public var score: Double
  public var passed: Bool

  public var id: String { header.id }
  public var failedTests: [String] { units.filter { !$0.passed && $0.error == nil }.map(\.testName) }
  public var erroredUnits: Int { units.filter { $0.error != nil }.count }

  public init(header: PromptEvalHeader, units: [UnitVerdict]) {
    self.header = header
    self.units = units.sorted { $0.key < $1.key }
    var errors = header.errors
    for unit in units { if let error = unit.error, !errors.contains(error) { errors.append(error) } }
    if header.suites.isEmpty {
      // No suite: nothing to judge; `eval-missing` decides whether that matters.
    } else if header.unitCount == 0 && header.errors.isEmpty {
      errors.append("\(header.suites.joined(separator: ", ")): no tests apply to prompt '\(header.id)'")
    } else if units.count < header.unitCount {
      errors.append(
        "results for \(header.unitCount - units.count) of \(header.unitCount) tests are missing (a shard output not merged?)"
      )
    }
    self.errors = errors
    let total = max(header.unitCount, units.count)
    passRate = total == 0 ? 0 : Double(units.filter(\.passed).count) / Double(total)
    score = total == 0 ? 0 : units.reduce(0) { $0 + $1.score } / Double(total)
    passed =
      !header.suites.isEmpty && errors.isEmpty && passRate >= header.thresholds.minPassRate - 1e-9
      && score >= header.thresholds.minScore - 1e-9
  }

  init(plan: PromptEvalPlan, results: [UnitResult]) {
    self.init(
      header: PromptEvalHeader(plan: plan),
      units: results.map { result in
        UnitVerdict(
          key: result.unit.key,
          testName: result.unit.test.name
            + (result.unit.provider.id == "echo" ? "" : " [\(result.unit.provider.label ?? result.unit.provider.id)]"),
          passed: result.passed, score: result.score, error: result.runs.compactMap(\.error).first,
          failure: result.passed ? nil : AssertionFailure.first(in: result.runs))
      })
  }

  /// One line of the git note: what passed, for which content, when.
  public func noteRecord(commit: String?, timestamp: Date) -> EvalNoteRecord {
    EvalNoteRecord(
      kind: "eval", prompt: header.id, version: header.version, sha256: header.sha256, commit: commit, passed: passed,
      passRate: passRate, score: score, minPassRate: header.thresholds.minPassRate,
      minScore: header.thresholds.minScore,
      tests: .init(
        total: max(header.unitCount, units.count), passed: units.filter(\.passed).count, failed: failedTests.count,
        errors: erroredUnits),
      failedTests: failedTests, errors: errors, suites: header.suites, inputsSHA256: header.inputsSHA256,
      timestamp: UTCTime.rfc3339(timestamp))
  }
}

/// One evaluation as recorded in `refs/notes/promptops`: a single JSON object on its own line.
public struct EvalNoteRecord: Sendable, Codable, Equatable {
  public var kind: String
  public var prompt: String
  public var version: String?
  public var sha256: String?
  public var commit: String?
  public var passed: Bool
  public var passRate: Double
  public var score: Double
  public var minPassRate: Double
  public var minScore: Double
  public var tests: Tests
  public var failedTests: [String]
  public var errors: [String]
  public var suites: [String]
  public var inputsSHA256: String
  public var timestamp: String

  public struct Tests: Sendable, Codable, Equatable {
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errors: Int
  }

  enum CodingKeys: String, CodingKey {
    case kind = "type"
    case prompt, version, sha256, commit, passed, score, tests, errors, suites, timestamp
    case passRate = "pass_rate"
    case minPassRate = "min_pass_rate"
    case minScore = "min_score"
    case failedTests = "failed_tests"
    case inputsSHA256 = "inputs_sha256"
  }

  /// Whether another record of the same inputs reached the same verdict (pass or fail, pass
  /// rate, score, errors): a rerun that adds nothing to the history.
  public func hasSameVerdict(as other: EvalNoteRecord) -> Bool {
    passed == other.passed && passRate == other.passRate && score == other.score && errors == other.errors
  }

  public var jsonLine: String {
    String(decoding: (try? JSONWriter.line(self)) ?? Data(), as: UTF8.self)
  }
}

extension EvalSummary {
  /// The summary every report shows of one prompt's evaluation.
  package init(_ result: PromptEvalResult, plan: PromptEvalPlan?) {
    self.init(
      id: result.id, version: result.header.version, passed: result.passed, passRate: result.passRate,
      score: result.score, minPassRate: result.header.thresholds.minPassRate,
      minScore: result.header.thresholds.minScore, tests: max(result.header.unitCount, result.units.count),
      testsPassed: result.units.filter(\.passed).count,
      errors: Array(result.errors.prefix(3)).map { $0.excerpt(limit: 300, what: "error") },
      failures: result.units.filter { !$0.passed && $0.error == nil }.prefix(5).map { verdict in
        let test = plan?.units.first { $0.key == verdict.key }?.test
        return FailedTest(name: verdict.testName, file: test?.file, line: test?.line, failure: verdict.failure)
      })
  }
}
