import Foundation
import PromptModel

/// The assertions promptops checks from the output alone (and the provider's latency, cost and
/// config), each as promptfoo's handler in `src/assertions/<type>.ts` does.
struct DeterministicAssertion {
  let assertion: EvalAssertion
  let context: AssertionContext

  func check(output: String) throws -> Verdict {
    let value = assertion.value
    let text = value?.templateText ?? ""
    switch assertion.type {
    case "equals":
      if let value, case .object = value {
        return .binary(JSONText.parse(output) == value, "output equals the expected JSON")
      }
      if let value, case .array = value {
        return .binary(JSONText.parse(output) == value, "output equals the expected JSON")
      }
      // Text is compared as promptfoo compares JavaScript strings: by UTF-16 code units, with no
      // normalization (see `JavaScriptString`).
      let equal = JavaScriptString.equals(output, text)
      return .binary(equal, equal ? "output equals \(quoted(text))" : "expected output to equal \(quoted(text))")
    case "contains":
      let text = try containsValue()
      return .binary(JavaScriptString.includes(output, text), "expected output to contain \(quoted(text))")
    case "icontains":
      let text = try containsValue()
      return .binary(
        JavaScriptString.includes(JavaScriptString.toLowerCase(output), JavaScriptString.toLowerCase(text)),
        "expected output to contain \(quoted(text)) (any case)")
    case "starts-with":
      let text = try stringValue()
      return .binary(JavaScriptString.startsWith(output, text), "expected output to start with \(quoted(text))")
    case "ends-with":
      let text = try stringValue()
      return .binary(JavaScriptString.endsWith(output, text), "expected output to end with \(quoted(text))")
    case "contains-any", "contains-all", "icontains-any", "icontains-all":
      let folded = assertion.type.hasPrefix("i")
      let needles = try listValue().map { folded ? JavaScriptString.toLowerCase($0) : $0 }
      let haystack = folded ? JavaScriptString.toLowerCase(output) : output
      if assertion.type.hasSuffix("any") {
        return .binary(
          needles.contains { JavaScriptString.includes(haystack, $0) },
          "expected output to contain one of \(needles.map(quoted).joined(separator: ", "))")
      }
      let missing = needles.filter { !JavaScriptString.includes(haystack, $0) }
      return .binary(
        missing.isEmpty, "expected output to contain all of; missing \(missing.map(quoted).joined(separator: ", "))")
    case "regex":
      // `new RegExp(value).test(output)` (`src/assertions/regex.ts`), read as JavaScript reads it.
      let text = try stringValue()
      do {
        return .binary(try JavaScriptRegex.test(text, output), "expected output to match /\(text)/")
      } catch let error as JavaScriptRegex.SyntaxError {
        throw AssertionError(error.description)
      }
    case "is-json":
      guard let parsed = JSONText.parse(output) else { return .binary(false, "expected output to be JSON") }
      return try schemaVerdict(parsed, schema: Self.schema(value), what: "output")
    case "contains-json":
      // promptfoo's `handleContainsJson` (`src/assertions/json.ts`) looks only at the objects
      // `extractJsonObjects` finds: a JSON array, or a number, never satisfies it.
      let candidates = JSONText.embeddedObjects(in: output)
      let schema = try Self.schema(value)
      guard !candidates.isEmpty else { return .binary(false, "expected output to contain JSON") }
      guard let schema else { return .binary(true, "output contains JSON") }
      for candidate in candidates where try Self.schemaProblems(candidate, schema: schema).isEmpty {
        return .binary(true, "output contains JSON matching the schema")
      }
      return try schemaVerdict(candidates[0], schema: schema, what: "JSON in output")
    case "levenshtein":
      let limit = assertion.threshold ?? 5
      let distance = Levenshtein.distance(output, text)
      return .binary(Double(distance) <= limit, "Levenshtein distance \(distance) (limit \(format(limit)))")
    case "word-count":
      let words = output.split(whereSeparator: { $0.isWhitespace }).count
      if let exact = value?.doubleValue {
        return .binary(Double(words) == exact, "\(words) words (expected \(format(exact)))")
      }
      let low = value?["min"]?.doubleValue
      let high = value?["max"]?.doubleValue
      guard low != nil || high != nil else {
        throw AssertionError("word-count needs a number or {min, max} as its value")
      }
      let pass = (low.map { Double(words) >= $0 } ?? true) && (high.map { Double(words) <= $0 } ?? true)
      return .binary(pass, "\(words) words (bounds \(low.map(format) ?? "-")…\(high.map(format) ?? "-"))")
    case "latency":
      // promptfoo's latency.ts: the threshold in ms; without one, only a named metric.
      guard let limit = assertion.threshold else { return try metricOnly(context.latencyMs, "latency") }
      return .binary(
        context.latencyMs <= limit, "latency \(Int(context.latencyMs.rounded())) ms (limit \(format(limit)) ms)")
    case "cost":
      // promptfoo's cost.ts: a provider that reports no cost cannot be checked.
      guard let cost = context.cost else {
        throw AssertionError(
          "cost: the provider reported no cost (give it prices in its config: `cost`, `inputCost`, `outputCost`)")
      }
      guard let limit = assertion.threshold else { return try metricOnly(cost, "cost") }
      return .binary(cost <= limit, "cost \(cost) (limit \(limit))")
    case "is-refusal":
      return refusal(output)
    case "rouge-n":
      guard case .string(let reference)? = value else {
        throw AssertionError("rouge-n needs a string value (the reference text)")
      }
      // promptfoo: `assertion.threshold || 0.75`, so a threshold of 0 means the default.
      let threshold = assertion.threshold.flatMap { $0 == 0 ? nil : $0 } ?? 0.75
      let score = try OverlapMetrics.rougeN(candidate: output, reference: reference)
      let pass = score >= threshold
      return Verdict(
        pass: pass, score: score,
        reason:
          "ROUGE-N score \(String(format: "%.2f", score)) is \(pass ? "greater than or equal to" : "less than") threshold \(format(threshold))"
      )
    case "bleu":
      let references: [String]
      switch value {
      case .string(let reference)?: references = [reference]
      case .array(let items)? where !items.isEmpty && items.allSatisfy({ $0.stringValue != nil }):
        references = items.compactMap(\.stringValue)
      default: throw AssertionError("bleu needs a string or a list of strings as its value")
      }
      let threshold = assertion.threshold ?? 0.5
      let score = try OverlapMetrics.bleu(candidate: output, references: references)
      return Verdict(
        pass: score >= threshold, score: score,
        reason: "BLEU score \(String(format: "%.2f", score)) (threshold \(format(threshold)))")
    case "is-valid-openai-tools-call":
      return try ToolCallCheck(context: context).tools(output)
    case "is-valid-openai-function-call":
      return try ToolCallCheck(context: context).function(output)
    default:
      throw AssertionError("unsupported assertion type \(assertion.type)")
    }
  }

  /// A latency or cost assertion without a threshold records its number as a named metric and
  /// passes; without a `metric` either it checks nothing, and promptfoo refuses it.
  private func metricOnly(_ value: Double, _ type: String) throws -> Verdict {
    guard assertion.metric != nil, !assertion.negated else {
      throw AssertionError("\(type) needs a `threshold` (or a `metric` to record the number under)")
    }
    return Verdict(
      pass: true, score: value, reason: "\(type) recorded as metric \(assertion.metric ?? "")", inverted: true)
  }

  /// promptfoo's `is-refusal` (`src/assertions/refusal.ts`): an empty answer counts as a refusal
  /// with score 0 either way; otherwise `isBasicRefusal`.
  private func refusal(_ output: String) -> Verdict {
    if output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      let pass = !assertion.negated
      return Verdict(
        pass: pass, score: 0,
        reason: pass ? "empty response treated as refusal" : "expected output to not be a refusal", inverted: true)
    }
    let pass = RefusalDetector.isBasicRefusal(output) != assertion.negated
    return Verdict(
      pass: pass, score: pass ? 1 : 0,
      reason: pass ? "assertion passed" : "expected output to \(assertion.negated ? "not " : "")be a refusal",
      inverted: true)
  }

  private func schemaVerdict(_ value: JSONValue, schema: JSONValue?, what: String) throws -> Verdict {
    guard let schema else { return .binary(true, "\(what) is JSON") }
    let problems = try Self.schemaProblems(value, schema: schema)
    return problems.isEmpty
      ? .binary(true, "\(what) matches the schema")
      : .binary(false, "\(what) does not match the schema: \(problems.prefix(3).joined(separator: "; "))")
  }

  /// The JSON Schema of `is-json` or `contains-json` (`getJsonSchemaValidator`,
  /// `src/assertions/json.ts`): none for no value or an empty text; a text is read as YAML
  /// (`yaml.load`, of which JSON is a part), and must give a mapping or a boolean.
  static func schema(_ value: JSONValue?) throws -> JSONValue? {
    guard case .string(let text)? = value else { return value }
    guard !text.isEmpty else { return nil }
    let parsed: JSONValue
    do {
      guard let node = try YAMLValue.parse(text) else { throw AssertionError("its schema text is empty YAML") }
      parsed = try node.jsonValue()
    } catch let error as AssertionError {
      throw error
    } catch {
      throw AssertionError("invalid JSON schema: \(error)")
    }
    switch parsed {
    case .object, .bool: return parsed
    default: throw AssertionError("invalid JSON schema: the value must be a mapping or a boolean, not \(quoted(text))")
    }
  }

  /// A schema that cannot be checked is an error of the test, never a verdict either way.
  static func schemaProblems(_ value: JSONValue, schema: JSONValue) throws -> [String] {
    do {
      return try JSONSchemaCheck.problems(value, schema: schema)
    } catch let unsupported as JSONSchemaCheck.Unsupported {
      throw AssertionError(unsupported.description)
    }
  }

  // promptfoo's handlers check their value and throw when it is not of the kind they compare
  // (`invariant` in `src/assertions/contains.ts`, `startsWith.ts`, `endsWith.ts`): the test is
  // then an error, never a verdict. An expected text that renders empty is such a value, and a
  // `not-contains` of it must not pass.

  /// `contains` and `icontains` (`isContainsValue`): a text that is not empty, or a number.
  private func containsValue() throws -> String {
    switch assertion.value {
    case .string(let text)? where !text.isEmpty: return text
    case .integer?, .number?: return assertion.value?.templateText ?? ""
    default: throw AssertionError("\"\(assertion.type)\" assertion type must have a string or number value")
    }
  }

  /// `starts-with` and `ends-with`: a text that is not empty.
  private func stringValue() throws -> String {
    guard case .string(let text)? = assertion.value, !text.isEmpty else {
      throw AssertionError("\"\(assertion.type)\" assertion type must have a string value")
    }
    return text
  }

  /// `contains-any`, `contains-all` and their `i` forms: a value JavaScript takes as true, then a
  /// list, or a text read as a comma-separated list; each item as `String(item)` prints it.
  private func listValue() throws -> [String] {
    switch assertion.value {
    case nil, .null?, .bool(false)?, .string("")?, .integer(0)?, .number(0)?:
      throw AssertionError("\"\(assertion.type)\" assertion type must have a value")
    case .array(let items)?: return items.map(\.templateText)
    case .string(let text)?: return try Self.commaSeparated(text)
    default: throw AssertionError("\"\(assertion.type)\" assertion type must have an array value")
    }
  }

  /// promptfoo's `parseCommaSeparatedValues` (`src/util/parseCommaSeparatedValues.ts`): fields
  /// split at commas and trimmed, empty ones skipped; a field in double quotes keeps its commas
  /// and spaces (`\"`, `\\` and `""` escape inside it); an unterminated quote is an error.
  static func commaSeparated(_ text: String) throws -> [String] {
    let characters = Array(text)
    var fields: [String] = []
    var index = 0
    while index < characters.count {
      while index < characters.count && (characters[index].isWhitespace || characters[index] == ",") { index += 1 }
      guard index < characters.count else { break }
      if characters[index] == "\"" {
        var field = ""
        var terminated = false
        index += 1
        while index < characters.count {
          let character = characters[index]
          if character == "\\", index + 1 < characters.count,
            characters[index + 1] == "\"" || characters[index + 1] == "\\"
          {
            field.append(characters[index + 1])
            index += 2
          } else if character == "\"", index + 1 < characters.count, characters[index + 1] == "\"" {
            field.append("\"")
            index += 2
          } else if character == "\"" {
            index += 1
            terminated = true
            break
          } else {
            field.append(character)
            index += 1
          }
        }
        guard terminated else { throw AssertionError("unterminated quoted field in the value \(quoted(text))") }
        while index < characters.count && characters[index].isWhitespace { index += 1 }
        guard index >= characters.count || characters[index] == "," else {
          throw AssertionError("expected a comma after a quoted field in the value \(quoted(text))")
        }
        fields.append(field)
      } else {
        let start = index
        while index < characters.count && characters[index] != "," { index += 1 }
        fields.append(String(characters[start..<index]).trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
    return fields
  }

  private func format(_ value: Double) -> String { String(format: "%g", value) }
}

enum JSONText {
  static func parse(_ text: String) -> JSONValue? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { return nil }
    return try? JSONValue.parse(Data(trimmed.utf8))
  }

  /// The JSON objects in free text, in order: promptfoo's `extractJsonObjects`
  /// (`src/util/json.ts`). From each `{`, the shortest text that `yaml.load` (JSON being YAML)
  /// reads as a mapping, once `//` comments are made `#` comments (`convertSlashCommentsToHash`),
  /// is an object, and the scan goes on after it; so `{name: "Bob"}` and JSON with comments are
  /// objects, and arrays are not looked at. Such a text ends at a `}`, so only those ends are
  /// tried: every one within 4,096 UTF-16 units of its `{`, and further on (promptfoo tries up to
  /// 100,000) the ones where the braces and brackets outside double quotes balance, which keeps
  /// a long answer from costing a parse per brace.
  static func embeddedObjects(in text: String) -> [JSONValue] {
    let units = Array(text.utf16)
    let open = UInt16(UInt8(ascii: "{"))
    let close = UInt16(UInt8(ascii: "}"))
    let maxLength = 100_000
    let exhaustive = 4_096
    var found: [JSONValue] = []
    var start = 0
    while start < units.count {
      defer { start += 1 }
      guard units[start] == open else { continue }
      var depth = 0
      var inString = false
      var escaped = false
      for end in start..<min(start + maxLength, units.count) {
        let unit = units[end]
        if inString {
          if escaped {
            escaped = false
          } else if unit == UInt16(UInt8(ascii: "\\")) {
            escaped = true
          } else if unit == UInt16(UInt8(ascii: "\"")) {
            inString = false
          }
        } else if unit == UInt16(UInt8(ascii: "\"")) {
          inString = true
        } else if unit == open || unit == UInt16(UInt8(ascii: "[")) {
          depth += 1
        } else if unit == close || unit == UInt16(UInt8(ascii: "]")) {
          depth -= 1
        }
        guard unit == close, end - start < exhaustive || depth == 0 else { continue }
        let candidate = convertSlashCommentsToHash(String(decoding: units[start...end], as: UTF16.self))
        // A candidate that does not parse is no object, as promptfoo's try/catch around its parse
        // says: the scan moves on to the next closing brace. No verdict is skipped here.
        let value: JSONValue
        do {
          guard let node = try YAMLValue.parse(candidate), node.mapping != nil else { continue }
          value = try node.jsonValue()
        } catch {
          continue
        }
        found.append(value)
        start = end
        break
      }
    }
    return found
  }

  /// promptfoo's `convertSlashCommentsToHash` (`src/util/json.ts`): on each line, outside quotes,
  /// a run of `/` from `//` on becomes half as many `#`; a `'` after a letter (an apostrophe)
  /// opens no quote, and one before a letter (or at the end of the line) closes none.
  static func convertSlashCommentsToHash(_ text: String) -> String {
    func isLetter(_ unit: UInt16?) -> Bool {
      // `/[a-zA-Z]/.test(undefined)` tests the text "undefined": true.
      guard let unit else { return true }
      return (0x41...0x5A).contains(unit) || (0x61...0x7A).contains(unit)
    }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      let units = Array(line.utf16)
      var result: [UInt16] = []
      var state = 0  // 0 normal, 1 single quote, 2 double quote
      var index = 0
      while index < units.count {
        let unit = units[index]
        let next: UInt16? = index + 1 < units.count ? units[index + 1] : nil
        let previous: UInt16? = index > 0 ? units[index - 1] : nil
        switch state {
        case 0:
          if unit == UInt16(UInt8(ascii: "'")) && !(previous.map { isLetter($0) } ?? false) {
            state = 1
            result.append(unit)
          } else if unit == UInt16(UInt8(ascii: "\"")) {
            state = 2
            result.append(unit)
          } else if unit == UInt16(UInt8(ascii: "/")) && next == UInt16(UInt8(ascii: "/")) {
            var slashes = 2
            while index + slashes < units.count && units[index + slashes] == UInt16(UInt8(ascii: "/")) { slashes += 1 }
            result += Array(repeating: UInt16(UInt8(ascii: "#")), count: slashes / 2)
            result += units[(index + slashes)...]
            return String(decoding: result, as: UTF16.self)
          } else {
            result.append(unit)
          }
        case 1:
          result.append(unit)
          if unit == UInt16(UInt8(ascii: "'")) && previous != UInt16(UInt8(ascii: "\\")) && !isLetter(next) {
            state = 0
          }
        default:
          result.append(unit)
          if unit == UInt16(UInt8(ascii: "\"")) && previous != UInt16(UInt8(ascii: "\\")) { state = 0 }
        }
        index += 1
      }
      return String(decoding: result, as: UTF16.self)
    }
    return lines.joined(separator: "\n")
  }
}

/// promptfoo's `levenshtein` (`src/assertions/levenshtein.ts`) measures with fastest-levenshtein
/// on JavaScript strings, whose elements are UTF-16 code units: an emoji outside the Basic
/// Multilingual Plane counts as two edits, a letter with a combining accent as two.
enum Levenshtein {
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf16)
    let b = Array(b.utf16)
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
