import Foundation

/// The verdict of one assertion on one output.
public struct AssertionOutcome: Sendable, Equatable, Codable {
  public var pass: Bool
  public var score: Double
  public var reason: String
  public var type: String
  public var value: JSONValue?
  public var weight: Double
  public var metric: String?
}

/// The verdict on one test run: every assertion, and the weighted score.
public struct GradingOutcome: Sendable, Equatable, Codable {
  public var pass: Bool
  public var score: Double
  public var reason: String
  public var components: [AssertionOutcome]
}

/// Grades `llm-rubric` assertions by asking a provider.
protocol RubricGrader: Sendable {
  func grade(rubric: String, output: String, assertion: EvalAssertion) async throws -> (pass: Bool, score: Double, reason: String)
}

/// Checks assertions with promptfoo's semantics: each passes or fails with a score in 0…1, `not-`
/// inverts the verdict, and a test passes when every assertion passes, or, when the test has a
/// `threshold`, when the weighted average score reaches it.
struct AssertionChecker {
  /// The grader of each model-graded assertion, or nil when none is configured for it.
  let grader: (EvalAssertion) -> (any RubricGrader)?

  init(graders: @escaping (EvalAssertion) -> (any RubricGrader)?) { grader = graders }

  /// One grader for every model-graded assertion.
  init(grader: (any RubricGrader)?) { self.grader = { _ in grader } }

  func grade(test: EvalTest, output: String, latencyMs: Double, cost: Double?) async throws -> GradingOutcome {
    var components: [AssertionOutcome] = []
    for assertion in test.assertions {
      var (pass, score, reason) = try await check(assertion, output: output, latencyMs: latencyMs, cost: cost)
      if assertion.negated {
        pass.toggle()
        score = 1 - score
        reason = pass ? "negated: \(reason)" : "expected not: \(reason)"
      }
      components.append(
        AssertionOutcome(pass: pass, score: score, reason: reason, type: assertion.fullType, value: assertion.value, weight: assertion.weight, metric: assertion.metric))
    }
    let totalWeight = components.reduce(0) { $0 + $1.weight }
    let allPass = components.allSatisfy(\.pass)
    let score = totalWeight > 0 ? components.reduce(0) { $0 + $1.score * $1.weight } / totalWeight : (allPass ? 1 : 0)
    let pass: Bool
    let reason: String
    if let threshold = test.threshold {
      pass = score >= threshold
      reason = pass ? "score \(format(score)) ≥ threshold \(format(threshold))" : "score \(format(score)) < threshold \(format(threshold))"
    } else {
      pass = allPass
      reason = components.first(where: { !$0.pass })?.reason ?? "all assertions passed"
    }
    return GradingOutcome(pass: pass, score: score, reason: reason, components: components)
  }

  private func check(_ assertion: EvalAssertion, output: String, latencyMs: Double, cost: Double?) async throws -> (Bool, Double, String) {
    let value = assertion.value
    let text = value?.templateText ?? ""
    func verdict(_ pass: Bool, _ reason: String) -> (Bool, Double, String) { (pass, pass ? 1 : 0, reason) }
    switch assertion.type {
    case "equals":
      if let value, case .object = value { return verdict(JSONText.parse(output) == value, "output equals the expected JSON") }
      if let value, case .array = value { return verdict(JSONText.parse(output) == value, "output equals the expected JSON") }
      return verdict(output == text, output == text ? "output equals \(quote(text))" : "expected output to equal \(quote(text))")
    case "contains":
      return verdict(output.contains(text), "expected output to contain \(quote(text))")
    case "icontains":
      return verdict(output.lowercased().contains(text.lowercased()), "expected output to contain \(quote(text)) (any case)")
    case "starts-with":
      return verdict(output.hasPrefix(text), "expected output to start with \(quote(text))")
    case "contains-any", "contains-all", "icontains-any", "icontains-all":
      let folded = assertion.type.hasPrefix("i")
      let needles = list(value).map { folded ? $0.lowercased() : $0 }
      let haystack = folded ? output.lowercased() : output
      if assertion.type.hasSuffix("any") {
        return verdict(needles.contains(where: haystack.contains), "expected output to contain one of \(needles.map(quote).joined(separator: ", "))")
      }
      let missing = needles.filter { !haystack.contains($0) }
      return verdict(missing.isEmpty, "expected output to contain all of; missing \(missing.map(quote).joined(separator: ", "))")
    case "regex":
      guard let regex = try? NSRegularExpression(pattern: text) else { throw AssertionError("invalid regular expression \(quote(text))") }
      let found = regex.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) != nil
      return verdict(found, "expected output to match /\(text)/")
    case "is-json":
      guard let parsed = JSONText.parse(output) else { return verdict(false, "expected output to be JSON") }
      return try schemaVerdict(parsed, schema: value, what: "output")
    case "contains-json":
      let candidates = JSONText.embeddedValues(in: output)
      guard !candidates.isEmpty else { return verdict(false, "expected output to contain JSON") }
      guard let schema = value else { return verdict(true, "output contains JSON") }
      for candidate in candidates where try schemaProblems(candidate, schema: schema).isEmpty {
        return verdict(true, "output contains JSON matching the schema")
      }
      return try schemaVerdict(candidates[0], schema: schema, what: "JSON in output")
    case "levenshtein":
      let limit = assertion.threshold ?? 5
      let distance = Levenshtein.distance(output, text)
      return verdict(Double(distance) <= limit, "Levenshtein distance \(distance) (limit \(format(limit)))")
    case "word-count":
      let words = output.split(whereSeparator: { $0.isWhitespace }).count
      if let exact = value?.doubleValue { return verdict(Double(words) == exact, "\(words) words (expected \(format(exact)))") }
      let low = value?["min"]?.doubleValue
      let high = value?["max"]?.doubleValue
      guard low != nil || high != nil else { throw AssertionError("word-count needs a number or {min, max} as its value") }
      let pass = (low.map { Double(words) >= $0 } ?? true) && (high.map { Double(words) <= $0 } ?? true)
      return verdict(pass, "\(words) words (bounds \(low.map(format) ?? "-")…\(high.map(format) ?? "-"))")
    case "latency":
      guard let limit = assertion.threshold ?? value?.doubleValue else { throw AssertionError("latency needs a `threshold` in milliseconds") }
      return verdict(latencyMs <= limit, "latency \(wholeNumber(latencyMs)) ms (limit \(format(limit)) ms)")
    case "cost":
      guard let limit = assertion.threshold ?? value?.doubleValue else { throw AssertionError("cost needs a `threshold` in dollars") }
      guard let cost else { return verdict(false, "the provider reported no cost") }
      return verdict(cost <= limit, "cost \(cost) (limit \(limit))")
    case "llm-rubric":
      guard let grader = grader(assertion) else {
        throw AssertionError("llm-rubric needs a grader: set `evals.grader`, `defaultTest.options.provider` or the assertion's `provider`")
      }
      let graded = try await grader.grade(rubric: text, output: output, assertion: assertion)
      let pass = graded.pass && graded.score >= (assertion.threshold ?? 0)
      return (pass, graded.score, graded.reason)
    default:
      throw AssertionError("unsupported assertion type \(assertion.type)")
    }
  }

  private func schemaVerdict(_ value: JSONValue, schema: JSONValue?, what: String) throws -> (Bool, Double, String) {
    guard let schema else { return (true, 1, "\(what) is JSON") }
    let problems = try schemaProblems(value, schema: schema)
    return problems.isEmpty ? (true, 1, "\(what) matches the schema") : (false, 0, "\(what) does not match the schema: \(problems.prefix(3).joined(separator: "; "))")
  }

  /// A schema that cannot be checked is an error of the test, never a verdict either way.
  private func schemaProblems(_ value: JSONValue, schema: JSONValue) throws -> [String] {
    do {
      return try JSONSchemaCheck.problems(value, schema: schema)
    } catch let unsupported as JSONSchemaCheck.Unsupported {
      throw AssertionError(unsupported.description)
    }
  }

  private func list(_ value: JSONValue?) -> [String] {
    switch value {
    case .array(let items)?: return items.map(\.templateText)
    case .string(let text)?: return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    case let other?: return [other.templateText]
    case nil: return []
    }
  }

  private func quote(_ text: String) -> String { "\"\(text.count > 80 ? String(text.prefix(77)) + "…" : text)\"" }
  private func format(_ value: Double) -> String { String(format: "%g", value) }
}

/// An assertion that cannot be checked (bad regex, missing threshold): a suite error, not a failure.
struct AssertionError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

enum JSONText {
  static func parse(_ text: String) -> JSONValue? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return nil }
    return try? JSONValue.parse(Data(trimmed.utf8))
  }

  /// JSON objects and arrays inside free text (a model that wraps JSON in prose or a code fence).
  static func embeddedValues(in text: String) -> [JSONValue] {
    let scalars = Array(text.utf8)
    var found: [JSONValue] = []
    var start = 0
    while start < scalars.count {
      guard scalars[start] == UInt8(ascii: "{") || scalars[start] == UInt8(ascii: "[") else { start += 1; continue }
      var depth = 0
      var inString = false
      var escaped = false
      var end: Int?
      for index in start..<scalars.count {
        let byte = scalars[index]
        if inString {
          if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
          continue
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
          depth -= 1
          if depth == 0 { end = index }
        default: break
        }
        if end != nil { break }
      }
      if let end, let value = try? JSONValue.parse(Data(scalars[start...end])) {
        found.append(value)
        start = end + 1
      } else {
        start += 1
      }
    }
    return found
  }
}

enum Levenshtein {
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
