import Foundation
import PromptModel

/// promptfoo's model-graded assertions (`src/matchers.ts`: `matchesLlmRubric`,
/// `matchesClosedQa`, `matchesFactuality`, `matchesGEval`, `matchesContextFaithfulness`): the
/// grader is sent promptfoo's grading prompt (`GradingPrompts`) and its answer is read as
/// promptfoo reads it. An answer promptfoo cannot read (no JSON, no verdict letter) is an eval
/// error here: promptfoo records it as a failed assertion; neither passes.
struct ModelGradedAssertion {
  let assertion: EvalAssertion
  let grader: any EvalProvider
  let context: AssertionContext

  func check(output: String) async throws -> Verdict {
    switch assertion.type {
    case "llm-rubric": return try await rubric(output)
    case "model-graded-closedqa": return try await closedQA(output)
    case "factuality", "model-graded-factuality": return try await factuality(output)
    case "g-eval": return try await gEval(output)
    case "context-faithfulness": return try await contextFaithfulness(output)
    case "context-recall": return try await contextRecall()
    case "context-relevance": return try await contextRelevance()
    default: throw AssertionError("unsupported assertion type \(assertion.type)")
    }
  }

  /// The test's variables as template values; promptfoo spreads them over its own, so a var
  /// named like one of them (`output`) wins.
  private func values(_ own: [String: GradingPrompts.Value]) -> [String: GradingPrompts.Value] {
    var values = own
    for (name, value) in context.vars { values[name] = .text(GradingPrompts.templateValue(value)) }
    return values
  }

  private func ask(_ prompt: String) async throws -> String {
    let answer = try await grader.complete(ProviderRequest(prompt: prompt)).output
    guard !answer.isEmpty else { throw AssertionError("\(assertion.type): the grader \(grader.id) answered nothing") }
    return answer
  }

  private var value: String {
    switch assertion.value {
    case .string(let text)?: return text
    case let other?: return GradingPrompts.templateValue(other)
    case nil: return ""
    }
  }

  // MARK: - llm-rubric

  private func rubric(_ output: String) async throws -> Verdict {
    let prompt = GradingPrompts.render(
      GradingPrompts.llmRubric,
      values(["output": .text(GradingPrompts.templateValue(ofOutput: output)), "rubric": .text(value)]))
    let answer = try await ask(prompt)
    guard let parsed = JSONText.embeddedObjects(in: answer).first else {
      throw AssertionError("llm-rubric: the grader's answer holds no JSON object: \(quoted(answer))")
    }
    var pass: Bool
    switch parsed["pass"] {
    case .bool(let flag)?: pass = flag
    case .string(let text)?:
      // promptfoo reads a string verdict with /^(true|yes|pass|y)$/i; anything but a clear
      // yes or no is an answer it was not asked for.
      switch text.lowercased() {
      case "true", "yes", "pass", "y": pass = true
      case "false", "no", "fail", "n": pass = false
      default: throw AssertionError("llm-rubric: the grader's `pass` is \(quoted(text)), not true or false")
      }
    default:
      // promptfoo takes a missing `pass` as true; an answer without a verdict is not graded.
      throw AssertionError("llm-rubric: the grader's answer has no boolean `pass`: \(quoted(answer))")
    }
    var score: Double
    switch parsed["score"] {
    case .integer(let whole)?: score = Double(whole)
    case .number(let fraction)?: score = fraction
    case .string(let text)?: score = Double(text.trimmingCharacters(in: .whitespaces)) ?? (pass ? 1 : 0)
    default: score = pass ? 1 : 0
    }
    if let threshold = assertion.threshold { pass = pass && score >= threshold }
    let reason =
      parsed["reason"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
      ?? (pass ? "grading passed" : "score \(score) below threshold")
    if assertion.negated {
      return Verdict(
        pass: !pass, score: min(1, max(0, 1 - (score.isFinite ? score : 0))), reason: reason, inverted: true)
    }
    return Verdict(pass: pass, score: score, reason: reason)
  }

  // MARK: - model-graded-closedqa

  private func closedQA(_ output: String) async throws -> Verdict {
    let prompt = GradingPrompts.render(
      GradingPrompts.closedQA,
      values([
        "input": .text(context.prompt), "criteria": .text(value),
        "completion": .text(GradingPrompts.templateValue(ofOutput: output)),
      ]))
    let answer = try await ask(prompt)
    let trimmed = answer.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    if trimmed.hasSuffix("Y") { return .binary(true, "The submission meets the criterion:\n\(answer)") }
    if trimmed.hasSuffix("N") { return .binary(false, "The submission does not meet the criterion:\n\(answer)") }
    throw AssertionError("model-graded-closedqa: the grader's answer ends in neither Y nor N: \(quoted(answer))")
  }

  // MARK: - factuality

  private static let categories: [String: String] = [
    "A": "The submitted answer is a subset of the expert answer and is fully consistent with it.",
    "B": "The submitted answer is a superset of the expert answer and is fully consistent with it.",
    "C": "The submitted answer contains all the same details as the expert answer.",
    "D": "There is a disagreement between the submitted answer and the expert answer.",
    "E": "The answers differ, but these differences don't matter from the perspective of factuality.",
  ]

  private func factuality(_ output: String) async throws -> Verdict {
    let prompt = GradingPrompts.render(
      GradingPrompts.factuality,
      values([
        "input": .text(context.prompt), "ideal": .text(value),
        "completion": .text(GradingPrompts.templateValue(ofOutput: output)),
      ]))
    let answer = try await ask(prompt)
    let option: String
    var reason: String
    if let object = JSONText.embeddedObjects(in: answer).first, case .string(let category)? = object["category"] {
      option = category.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
      guard option.count == 1, "ABCDE".contains(option) else {
        throw AssertionError("factuality: invalid category value: \(quoted(option))")
      }
      reason = object["reason"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
      if reason.isEmpty { reason = "Category \(option): \(Self.categories[option] ?? "")" }
    } else {
      // promptfoo's older answer format: "(A) …".
      guard let match = answer.range(of: "\\s*\\(?([a-eA-E])\\)", options: .regularExpression) else {
        throw AssertionError("factuality: the grader's answer has no category: \(quoted(answer))")
      }
      let letter = answer[match].first(where: { $0.isLetter }).map(String.init) ?? ""
      option = letter.uppercased()
      reason = answer
      if let close = answer.firstIndex(of: ")") {
        let rest = answer[answer.index(after: close)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { reason = rest }
      }
    }
    // promptfoo's default scores: D (a disagreement) fails, every other category passes.
    let pass = option != "D"
    return .binary(pass, reason)
  }

  // MARK: - g-eval

  private func gEval(_ output: String) async throws -> Verdict {
    let threshold = assertion.threshold.flatMap { $0 == 0 ? nil : $0 } ?? 0.7
    let criteria: [String]
    switch assertion.value {
    case .string(let text)?: criteria = [text]
    case .array(let items)? where items.allSatisfy({ $0.stringValue != nil }):
      criteria = items.compactMap(\.stringValue)
    default: throw AssertionError("g-eval needs a string or a list of strings as its value")
    }
    guard !context.prompt.isEmpty else { throw AssertionError("g-eval: no source text to estimate the reply against") }
    var scores: [Double] = []
    var reasons: [String] = []
    for criterion in criteria {
      let stepsAnswer = try await ask(GradingPrompts.render(GradingPrompts.gEvalSteps, ["criteria": .text(criterion)]))
      guard let stepsText = Self.firstMatch(#"\{"steps".+\}"#, in: stepsAnswer),
        case .array(let stepItems)? = (try? JSONValue.parse(Data(stepsText.utf8)))?["steps"]
      else {
        throw AssertionError("g-eval: the grader's evaluation steps are not in JSON format: \(quoted(stepsAnswer))")
      }
      guard !stepItems.isEmpty else { throw AssertionError("g-eval: the grader proposed no evaluation step") }
      let steps = stepItems.map { GradingPrompts.templateValue($0) }
      let evaluation = try await ask(
        GradingPrompts.render(
          GradingPrompts.gEvalEvaluate,
          [
            "criteria": .text(criterion), "steps": .text(steps.joined(separator: "\n- ")), "maxScore": .text("10"),
            "input": .text(GradingPrompts.templateValue(ofOutput: context.prompt)),
            "output": .text(GradingPrompts.templateValue(ofOutput: output)),
          ]))
      guard let resultText = Self.firstMatch(#"\{.+\}"#, in: evaluation),
        let result = try? JSONValue.parse(Data(resultText.utf8))
      else {
        throw AssertionError("g-eval: the grader's evaluation is not in JSON format: \(quoted(evaluation))")
      }
      guard let raw = result["score"]?.doubleValue, raw.isFinite else {
        throw AssertionError("g-eval: the grader's evaluation has no numeric score: \(quoted(evaluation))")
      }
      scores.append(raw / 10)
      reasons.append(result["reason"].map(GradingPrompts.templateValue) ?? "")
    }
    let score = scores.reduce(0, +) / Double(scores.count)
    return Verdict(pass: score >= threshold, score: score, reason: reasons.joined(separator: "\n\n"))
  }

  /// The first match of a JavaScript expression without flags (`.` stops at line breaks).
  static func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
      let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
      let range = Range(match.range, in: text)
    else { return nil }
    return String(text[range])
  }

  // MARK: - context-faithfulness

  private func contextFaithfulness(_ output: String) async throws -> Verdict {
    guard case .string(let query)? = context.vars["query"] else {
      throw AssertionError("context-faithfulness needs a `query` variable with the user's question")
    }
    guard case .string(let contextText)? = context.vars["context"] else {
      throw AssertionError("context-faithfulness needs a `context` variable holding the retrieved text")
    }
    let threshold = assertion.threshold ?? 0
    let statementsAnswer = try await ask(
      GradingPrompts.render(
        GradingPrompts.contextFaithfulnessLongform,
        values(["question": .text(query), "answer": .text(GradingPrompts.templateValue(ofOutput: output))])))
    let statements = Self.sentences(statementsAnswer)
    guard !statements.isEmpty else {
      throw AssertionError("context-faithfulness: the grader made no statements from the answer")
    }
    let verdictAnswer = try await ask(
      GradingPrompts.render(
        GradingPrompts.contextFaithfulnessNLI, values(["context": .text(contextText), "statements": .list(statements)]))
    )
    let marker = "final verdict for each statement in order:"
    var verdicts = verdictAnswer.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
    let unfaithful: Int
    if let range = verdicts.range(of: marker) {
      verdicts = String(verdicts[range.upperBound...])
      unfaithful =
        verdicts.components(separatedBy: ".").filter {
          !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !$0.contains("yes")
        }.count
    } else {
      unfaithful = verdicts.components(separatedBy: "verdict: no").count - 1
    }
    let score = 1 - Double(unfaithful) / Double(statements.count)
    let pass = score >= threshold - Double.ulpOfOne
    return Verdict(
      pass: pass, score: score,
      reason: "Faithfulness \(String(format: "%.2f", score)) is \(pass ? ">=" : "<") \(threshold)")
  }

  // MARK: - context-recall, context-relevance

  /// The retrieved context: the `context` variable when it is text, else `fallback`
  /// (promptfoo's `resolveContext`).
  private func retrievedContext(fallback: String?) throws -> String {
    if case .string(let text)? = context.vars["context"], !text.isEmpty { return text }
    guard let fallback, !fallback.isEmpty else {
      throw AssertionError("\(assertion.type) needs a `context` variable holding the retrieved text")
    }
    return fallback
  }

  /// How much of the expected answer (the value) the context supports: the share of the
  /// grader's classified sentences marked `[Attributed]` (default threshold 0).
  private func contextRecall() async throws -> Verdict {
    guard case .string(let groundTruth)? = assertion.value else {
      throw AssertionError("context-recall needs a string value (the expected answer)")
    }
    let threshold = assertion.threshold ?? 0
    let retrieved = try retrievedContext(fallback: context.prompt)
    let answer = try await ask(
      GradingPrompts.render(
        GradingPrompts.contextRecall, values(["context": .text(retrieved), "groundTruth": .text(groundTruth)])))
    let sentences = Self.sentences(answer)
    let attributed = sentences.filter { $0.contains("[Attributed]") }.count
    let score = sentences.isEmpty ? 0 : Double(attributed) / Double(sentences.count)
    let pass = score >= threshold - Double.ulpOfOne
    return Verdict(
      pass: pass, score: score, reason: "Recall \(String(format: "%.2f", score)) is \(pass ? ">=" : "<") \(threshold)")
  }

  /// How much of the context the query needs: the sentences the grader extracts, over the
  /// context's lines; none when it answers "Insufficient Information" (default threshold 0).
  private func contextRelevance() async throws -> Verdict {
    guard case .string(let query)? = context.vars["query"] else {
      throw AssertionError("context-relevance needs a `query` variable with the user's question")
    }
    let threshold = assertion.threshold ?? 0
    let retrieved = try retrievedContext(fallback: nil)
    let answer = try await ask(
      GradingPrompts.render(GradingPrompts.contextRelevance, ["context": .text(retrieved), "query": .text(query)]))
    let contextSentences = Self.sentences(retrieved).count
    let extracted = answer.contains("Insufficient Information") ? 0 : Self.sentences(answer).count
    let score = contextSentences > 0 ? Double(extracted) / Double(contextSentences) : 0
    let pass = score >= threshold - Double.ulpOfOne
    return Verdict(
      pass: pass, score: score,
      reason: "Relevance \(String(format: "%.2f", score)) is \(pass ? ">=" : "<") \(threshold)")
  }

  /// promptfoo's `splitIntoSentences`: the non-blank lines.
  static func sentences(_ text: String) -> [String] {
    text.components(separatedBy: "\n").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
  }
}
