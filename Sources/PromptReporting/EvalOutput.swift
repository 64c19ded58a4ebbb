import Foundation
import PromptEvals
import PromptModel

/// Results files: promptfoo's JSON result shape (with a `promptops` section that lets shard
/// outputs be merged), JUnit XML, and prompt-log records.
public enum EvalOutput {
  // MARK: - promptfoo JSON

  public static func promptfooDocument(_ run: EvalRun) -> JSONValue {
    var results: [JSONValue] = []
    var successes = 0
    var failures = 0
    var errors = 0
    var tokens = (prompt: 0, completion: 0, total: 0)
    for (promptIndex, result) in run.unitResults.enumerated() {
      let unit = result.unit
      for (repetition, runResult) in result.runs.enumerated() {
        if runResult.error != nil { errors += 1 } else if runResult.passed { successes += 1 } else { failures += 1 }
        if let usage = runResult.tokenUsage {
          tokens.prompt += usage.prompt
          tokens.completion += usage.completion
          tokens.total += usage.total
        }
        var grading: JSONValue = .null
        if let outcome = runResult.grading {
          grading = .object([
            "pass": .bool(outcome.pass), "score": .number(outcome.score), "reason": .string(outcome.reason),
            "componentResults": .array(
              outcome.components.map { component in
                .object([
                  "pass": .bool(component.pass), "score": .number(component.score), "reason": .string(component.reason),
                  "assertion": .object([
                    "type": .string(component.type), "value": component.value ?? .null,
                    "weight": .number(component.weight),
                    "metric": component.metric.map(JSONValue.string) ?? .null,
                  ]),
                ])
              }),
          ])
        }
        // promptfoo's namedScores: the average score of the assertions tagged with each metric.
        var metricScores: [String: [Double]] = [:]
        for component in runResult.grading?.components ?? [] {
          if let metric = component.metric { metricScores[metric, default: []].append(component.score) }
        }
        let namedScores = JSONValue.object(metricScores.mapValues { .number($0.reduce(0, +) / Double($0.count)) })
        let usage =
          runResult.tokenUsage.map { usage -> JSONValue in
            .object([
              "prompt": .integer(Int64(usage.prompt)), "completion": .integer(Int64(usage.completion)),
              "total": .integer(Int64(usage.total)),
            ])
          } ?? .object([:])
        results.append(
          .object([
            "promptIdx": .integer(Int64(promptIndex)), "testIdx": .integer(Int64(unit.testIndex)),
            "prompt": .object(["raw": .string(unit.renderedPrompt), "label": .string(unit.promptID)]),
            "provider": .object([
              "id": .string(unit.provider.id), "label": unit.provider.label.map(JSONValue.string) ?? .null,
            ]),
            "vars": .object(unit.test.vars),
            "response": .object([
              "output": .string(runResult.output), "tokenUsage": usage, "cached": .bool(runResult.cached),
            ]),
            "success": .bool(runResult.passed), "score": .number(runResult.grading?.score ?? 0),
            "latencyMs": .integer(wholeNumber(runResult.latencyMs)), "cost": .number(runResult.cost ?? 0),
            "tokenUsage": usage, "error": runResult.error.map(JSONValue.string) ?? .null, "gradingResult": grading,
            "namedScores": namedScores,
            "testCase": .object([
              "description": unit.test.description.map(JSONValue.string) ?? .null, "vars": .object(unit.test.vars),
              "assert": .array(
                unit.test.assertions.map { .object(["type": .string($0.fullType), "value": $0.value ?? .null]) }),
            ]),
            "metadata": .object([
              "promptops": .object([
                "unit": .string(unit.key), "promptId": .string(unit.promptID), "suite": .string(unit.suitePath),
                "test": .string(unit.test.name), "repetition": .integer(Int64(repetition)),
                "repeat": .integer(Int64(unit.test.repeatCount)), "minPass": .integer(Int64(unit.test.requiredPasses)),
              ])
            ]),
          ]))
      }
    }
    let headers: [JSONValue] = run.prompts.map { prompt in
      (try? JSONValue.parse(JSONWriter.line(prompt.header))) ?? .null
    }
    return .object([
      "evalId": .string(
        "promptops-\(run.commit ?? "worktree")\(run.shard.map { "-shard-\($0.index)-of-\($0.count)" } ?? "")"),
      "results": .object([
        "version": .integer(3), "timestamp": .string(UTCTime.rfc3339(run.timestamp)),
        "results": .array(results),
        "stats": .object([
          "successes": .integer(Int64(successes)), "failures": .integer(Int64(failures)),
          "errors": .integer(Int64(errors)),
          "tokenUsage": .object([
            "prompt": .integer(Int64(tokens.prompt)), "completion": .integer(Int64(tokens.completion)),
            "total": .integer(Int64(tokens.total)),
          ]),
        ]),
      ]),
      "promptops": .object([
        "commit": run.commit.map(JSONValue.string) ?? .null,
        "shard": run.shard.map { .string($0.description) } ?? .null,
        "prompts": .array(headers),
        "verdicts": .array(
          run.prompts.map { prompt in
            .object([
              "id": .string(prompt.id), "passed": .bool(prompt.passed), "passRate": .number(prompt.passRate),
              "score": .number(prompt.score),
            ])
          }),
      ]),
    ])
  }

  public static func render(_ value: JSONValue) -> Data { value.prettyJSON }

  // MARK: - Merge

  /// Combines shard outputs into one verdict per prompt; a unit present in no shard is an error.
  public static func merge(_ documents: [(name: String, value: JSONValue)]) throws -> (
    commit: String?, prompts: [PromptEvalResult], document: JSONValue
  ) {
    var headers: [String: PromptEvalHeader] = [:]
    var runsByUnit: [String: [JSONValue]] = [:]
    var allResults: [JSONValue] = []
    var commit: String?
    let decoder = JSONDecoder()
    for (name, document) in documents {
      guard case .object(let section)? = document["promptops"], case .array(let promptHeaders)? = section["prompts"],
        case .array(let results)? = document["results"]?["results"]
      else {
        throw PromptOpsError.io(
          path: name, message: "not a promptops eval output (no `promptops.prompts` or `results.results`)")
      }
      if case .string(let sha)? = section["commit"] {
        if let commit, commit != sha {
          throw PromptOpsError.io(
            path: name, message: "evaluated commit \(sha) differs from \(commit) in the other outputs")
        }
        commit = sha
      }
      for header in promptHeaders {
        guard let parsed = try? decoder.decode(PromptEvalHeader.self, from: render(header)) else {
          throw PromptOpsError.io(path: name, message: "unreadable prompt entry in `promptops.prompts`")
        }
        if let known = headers[parsed.id], known != parsed {
          throw PromptOpsError.io(
            path: name, message: "prompt '\(parsed.id)' was evaluated with other inputs than in the other outputs")
        }
        headers[parsed.id] = parsed
      }
      for result in results {
        guard case .string(let unit)? = result["metadata"]?["promptops"]?["unit"] else {
          throw PromptOpsError.io(path: name, message: "a result has no `metadata.promptops.unit`")
        }
        guard case .integer(let repetition)? = result["metadata"]?["promptops"]?["repetition"] else {
          throw PromptOpsError.io(path: name, message: "a result has no `metadata.promptops.repetition`")
        }
        if let existing = runsByUnit[unit],
          existing.contains(where: { $0["metadata"]?["promptops"]?["repetition"] == .integer(repetition) })
        {
          throw PromptOpsError.io(path: name, message: "test \(unit) appears in more than one output")
        }
        runsByUnit[unit, default: []].append(result)
        allResults.append(result)
      }
    }
    var verdicts: [String: [UnitVerdict]] = [:]
    for (unit, runs) in runsByUnit {
      let meta = runs[0]["metadata"]?["promptops"]
      let promptID = meta?["promptId"]?.stringValue ?? ""
      let minPass = max(1, Int(wholeNumber(meta?["minPass"]?.doubleValue ?? 1)))
      let error = runs.compactMap { $0["error"]?.stringValue }.first
      let passes = runs.filter { $0["success"] == .bool(true) }.count
      let score = runs.reduce(0) { $0 + ($1["score"]?.doubleValue ?? 0) } / Double(runs.count)
      let expected = max(1, Int(wholeNumber(meta?["repeat"]?.doubleValue ?? 1)))
      let incomplete = runs.count < expected ? "test \(unit): \(runs.count) of \(expected) runs present" : nil
      verdicts[promptID, default: []].append(
        UnitVerdict(
          key: unit, testName: meta?["test"]?.stringValue ?? unit,
          passed: error == nil && incomplete == nil && passes >= minPass, score: score,
          error: error ?? incomplete))
    }
    if let stray = verdicts.keys.sorted().first(where: { headers[$0] == nil }) {
      throw PromptOpsError.io(
        path: documents.first?.name ?? "",
        message: "results for prompt '\(stray)' without its entry in `promptops.prompts`")
    }
    let prompts = headers.values.sorted { $0.id < $1.id }.map {
      PromptEvalResult(header: $0, units: verdicts[$0.id] ?? [])
    }
    let document = JSONValue.object([
      "evalId": .string("promptops-\(commit ?? "worktree")-merged"),
      "results": .object([
        "version": .integer(3), "results": .array(allResults),
        "stats": .object([
          "successes": .integer(Int64(allResults.filter { $0["success"] == .bool(true) }.count)),
          "failures": .integer(
            Int64(allResults.filter { $0["success"] == .bool(false) && $0["error"] == .null }.count)),
          "errors": .integer(Int64(allResults.filter { $0["error"] != .null && $0["error"] != nil }.count)),
        ]),
      ]),
      "promptops": .object([
        "commit": commit.map(JSONValue.string) ?? .null, "shard": .null,
        "prompts": .array(prompts.map { (try? JSONValue.parse(JSONWriter.line($0.header))) ?? .null }),
        "verdicts": .array(
          prompts.map {
            .object([
              "id": .string($0.id), "passed": .bool($0.passed), "passRate": .number($0.passRate),
              "score": .number($0.score),
            ])
          }),
      ]),
    ])
    return (commit, prompts, document)
  }

  // MARK: - JUnit

  public static func junit(_ prompts: [PromptEvalResult]) -> String {
    var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    let total = prompts.reduce(0) { $0 + max($1.units.count, 1) }
    let failed = prompts.reduce(0) { $0 + $1.units.filter { !$0.passed && $0.error == nil }.count }
    let errored = prompts.reduce(0) {
      $0 + $1.units.filter { $0.error != nil }.count + ($1.units.isEmpty && !$1.errors.isEmpty ? 1 : 0)
    }
    xml += "<testsuites name=\"promptops eval\" tests=\"\(total)\" failures=\"\(failed)\" errors=\"\(errored)\">\n"
    for prompt in prompts {
      let units = prompt.units
      xml +=
        "  <testsuite name=\"\(JUnitReporter.escape(prompt.id))\" tests=\"\(max(units.count, 1))\" failures=\"\(units.filter { !$0.passed && $0.error == nil }.count)\" errors=\"\(units.filter { $0.error != nil }.count)\">\n"
      xml +=
        "    <properties><property name=\"passRate\" value=\"\(prompt.passRate)\"/><property name=\"score\" value=\"\(prompt.score)\"/><property name=\"sha256\" value=\"\(prompt.header.sha256 ?? "")\"/></properties>\n"
      if units.isEmpty {
        xml += "    <testcase classname=\"\(JUnitReporter.escape(prompt.id))\" name=\"suite\">"
        if !prompt.errors.isEmpty {
          xml += "<error message=\"\(JUnitReporter.escape(prompt.errors.joined(separator: "; ")))\"/>"
        }
        xml += "</testcase>\n"
      }
      for unit in units {
        xml +=
          "    <testcase classname=\"\(JUnitReporter.escape(prompt.id))\" name=\"\(JUnitReporter.escape(unit.testName))\">"
        if let error = unit.error {
          xml += "<error message=\"\(JUnitReporter.escape(error))\"/>"
        } else if !unit.passed {
          xml += "<failure message=\"score \(unit.score)\"/>"
        }
        xml += "</testcase>\n"
      }
      xml += "  </testsuite>\n"
    }
    return xml + "</testsuites>\n"
  }

  // MARK: - Prompt logs

  /// One prompt-log record (schemas/prompt-log.schema.json) per run, as JSON Lines.
  public static func promptLog(_ run: EvalRun) -> String {
    let plans = Dictionary(run.plans.map { ($0.promptID, $0) }, uniquingKeysWith: { first, _ in first })
    let traceID = "promptops-eval-\(run.commit ?? "worktree")-\(Int(run.timestamp.timeIntervalSince1970))"
    var lines: [String] = []
    for result in run.unitResults {
      let plan = plans[result.unit.promptID]
      for (repetition, runResult) in result.runs.enumerated() {
        var record: [String: JSONValue] = [
          "prompt_id": .string(result.unit.promptID),
          "version_hash": .string(plan?.sha256 ?? Prompt.sha256(of: [])),
          "timestamp": .string(UTCTime.rfc3339(run.timestamp)),
          "trace_id": .string(traceID),
          "run_id": .string("\(result.unit.key)#\(repetition)"),
          "model": .string(result.unit.provider.id),
          "tokens_input": .integer(Int64(max(runResult.tokenUsage?.prompt ?? 0, 0))),
          "tokens_output": .integer(Int64(max(runResult.tokenUsage?.completion ?? 0, 0))),
          "cost_usd": .number(max(runResult.cost ?? 0, 0)),
          "duration_ms": .integer(wholeNumber(runResult.latencyMs)),
          "environment": .string("eval"),
          "inputs": .object(result.unit.test.vars),
          "outputs": .object(
            ["text": .string(runResult.output)].merging(runResult.error.map { ["error": .string($0)] } ?? [:]) { $1 }),
          "eval_results": .object([
            "pass": .bool(runResult.passed), "score": runResult.grading.map { .number($0.score) } ?? .null,
            "tags": .array([.string(result.unit.suitePath)]),
            "criteria": .object(
              Dictionary(
                (runResult.grading?.components ?? []).enumerated().map { index, component in
                  (
                    "\(index + 1) \(component.type)",
                    JSONValue.string(component.pass ? "pass" : "fail: \(component.reason)")
                  )
                }, uniquingKeysWith: { first, _ in first })),
          ]),
        ]
        if let version = plan?.version, PromptVersionPattern.matches(version) { record["version"] = .string(version) }
        lines.append(JSONValue.object(record).canonicalJSON)
      }
    }
    return lines.map { $0 + "\n" }.joined()
  }
}

/// The SemVer pattern the prompt-log schema requires of `version`.
enum PromptVersionPattern {
  static func matches(_ text: String) -> Bool {
    let pattern =
      #"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"#
    return text.range(of: pattern, options: .regularExpression) != nil
  }
}
