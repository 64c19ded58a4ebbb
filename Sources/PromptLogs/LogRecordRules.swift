import PromptModel

/// The rules of `schemas/prompt-log.schema.json` and `schemas/agent-trace.schema.json`, checked
/// in code so a million-line log validates in seconds; the tests hold every verdict to
/// check-jsonschema's on the same records.
enum LogRecordRules {
  enum Kind: String, CaseIterable, Sendable {
    case promptLog = "prompt-log"
    case agentTrace = "agent-trace"
  }

  /// What is wrong with one record: the field (a JSON pointer-ish path) and why.
  struct Violation: Equatable, Sendable {
    let field: String
    let message: String
  }

  static func check(_ record: [String: JSONValue], as kind: Kind) -> [Violation] {
    var violations: [Violation] = []
    func fail(_ field: String, _ message: String) { violations.append(Violation(field: field, message: message)) }
    func require(_ key: String) -> JSONValue? {
      guard let value = record[key] else {
        fail(key, "required field is missing")
        return nil
      }
      return value
    }
    func string(_ field: String, _ value: JSONValue?, nonEmpty: Bool = false) {
      guard let value else { return }
      guard case .string(let text) = value else { return fail(field, "expected a string, got \(value.typeName)") }
      if nonEmpty && text.isEmpty { fail(field, "must not be empty") }
    }
    func count(_ field: String, _ value: JSONValue?, minimum: Int64 = 0) {
      guard let value else { return }
      guard case .integer(let number) = value else { return fail(field, "expected an integer, got \(value.typeName)") }
      if number < minimum { fail(field, "must be at least \(minimum), got \(number)") }
    }
    func amount(_ field: String, _ value: JSONValue?) {
      guard let value else { return }
      switch value {
      case .integer(let number) where number >= 0: return
      case .number(let number) where number >= 0: return
      case .integer, .number: fail(field, "must not be negative")
      default: fail(field, "expected a number, got \(value.typeName)")
      }
    }
    func object(_ field: String, _ value: JSONValue?) {
      guard let value else { return }
      if case .object = value { return }
      fail(field, "expected an object, got \(value.typeName)")
    }
    func timestamp(_ field: String, _ value: JSONValue?) {
      guard let value else { return }
      guard case .string(let text) = value else { return fail(field, "expected a string, got \(value.typeName)") }
      if !RFC3339.isDateTime(text) { fail(field, "'\(text)' is not an RFC 3339 date-time (e.g. 2026-11-25T14:03:00Z)") }
    }
    func hash(_ field: String, _ value: JSONValue?) {
      guard let value else { return }
      guard case .string(let text) = value else { return fail(field, "expected a string, got \(value.typeName)") }
      let utf8 = text.utf8
      if utf8.count != 64 || !utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) {
        fail(field, "expected the SHA-256 of the prompt text: 64 lowercase hex digits")
      }
    }
    func optional(_ key: String, _ check: (String, JSONValue) -> Void, nullable: Bool = false) {
      guard let value = record[key] else { return }
      if nullable, case .null = value { return }
      check(key, value)
    }

    // Shared optional fields.
    optional("version") { field, value in
      guard case .string(let text) = value else { return fail(field, "expected a string, got \(value.typeName)") }
      if !PromptVersion.isValidSemVer(text.hasPrefix("v") ? String(text.dropFirst()) : text) {
        fail(field, "'\(text)' is not a SemVer version")
      }
    }
    optional("environment") { string($0, $1) }
    optional("run_id", { string($0, $1) }, nullable: true)

    switch kind {
    case .promptLog:
      string("prompt_id", require("prompt_id"), nonEmpty: true)
      hash("version_hash", require("version_hash"))
      timestamp("timestamp", require("timestamp"))
      string("trace_id", require("trace_id"), nonEmpty: true)
      string("model", require("model"))
      count("tokens_input", require("tokens_input"))
      count("tokens_output", require("tokens_output"))
      amount("cost_usd", require("cost_usd"))
      object("inputs", require("inputs"))
      object("outputs", require("outputs"))
      optional("duration_ms", { count($0, $1) }, nullable: true)
      optional(
        "retrieved_docs",
        { field, value in
          guard case .array(let items) = value else { return fail(field, "expected an array, got \(value.typeName)") }
          for (index, item) in items.enumerated() { string("\(field)/\(index)", item) }
        }, nullable: true)
      optional(
        "eval_results",
        { field, value in
          guard case .object(let results) = value else {
            return fail(field, "expected an object, got \(value.typeName)")
          }
          if let pass = results["pass"], case .bool = pass {
          } else if let pass = results["pass"] {
            fail(field + "/pass", "expected a boolean, got \(pass.typeName)")
          }
          if let score = results["score"] {
            switch score {
            case .null, .integer, .number: break
            default: fail(field + "/score", "expected a number, got \(score.typeName)")
            }
          }
          if let tags = results["tags"] {
            switch tags {
            case .null: break
            case .array(let items): for (index, item) in items.enumerated() { string("\(field)/tags/\(index)", item) }
            default: fail(field + "/tags", "expected an array, got \(tags.typeName)")
            }
          }
          if let criteria = results["criteria"] {
            switch criteria {
            case .null: break
            case .object(let items):
              for (key, item) in items.sorted(by: { $0.key < $1.key }) { string("\(field)/criteria/\(key)", item) }
            default: fail(field + "/criteria", "expected an object, got \(criteria.typeName)")
            }
          }
        }, nullable: true)
    case .agentTrace:
      string("prompt_id", require("prompt_id"), nonEmpty: true)
      timestamp("timestamp", require("timestamp"))
      string("model", require("model"))
      optional("version_hash") { hash($0, $1) }
      optional("trace_id") { string($0, $1, nonEmpty: true) }
      guard let trace = require("agent_trace") else { break }
      guard case .object(let body) = trace else {
        fail("agent_trace", "expected an object, got \(trace.typeName)")
        break
      }
      if let final = body["final_output"] { string("agent_trace/final_output", final) }
      if let total = body["total_cost_usd"] { amount("agent_trace/total_cost_usd", total) }
      guard let steps = body["steps"] else {
        fail("agent_trace/steps", "required field is missing")
        break
      }
      guard case .array(let items) = steps, !items.isEmpty else {
        fail("agent_trace/steps", "expected a non-empty array of steps")
        break
      }
      for (index, item) in items.enumerated() {
        let base = "agent_trace/steps/\(index)"
        guard case .object(let step) = item else {
          fail(base, "expected an object, got \(item.typeName)")
          continue
        }
        for key in ["step_number", "tool_call", "observation", "reasoning"] where step[key] == nil {
          fail("\(base)/\(key)", "required field is missing")
        }
        count("\(base)/step_number", step["step_number"], minimum: 1)
        for key in ["tool_call", "observation", "reasoning"] { string("\(base)/\(key)", step[key]) }
        count("\(base)/output_tokens", step["output_tokens"])
        amount("\(base)/cost_usd", step["cost_usd"])
      }
    }
    return violations
  }
}

/// RFC 3339 `date-time`, as JSON Schema's format means it.
enum RFC3339 {
  static func isDateTime(_ text: String) -> Bool { epochSeconds(text) != nil }

  /// Seconds since 1970 in UTC, or nil when `text` is not an RFC 3339 date-time. Accepts a date
  /// alone (`2026-11-25`) only where `allowDate` says so (for `--since`).
  static func epochSeconds(_ text: String, allowDate: Bool = false) -> Double? {
    var text = text
    if allowDate && text.utf8.count == 10 { text += "T00:00:00Z" }
    let b = Array(text.utf8)
    func digits(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= b.count else { return nil }
      var value = 0
      for index in range {
        guard b[index] >= 48 && b[index] <= 57 else { return nil }
        value = value * 10 + Int(b[index] - 48)
      }
      return value
    }
    guard b.count >= 20, let year = digits(0..<4), b[4] == 45, let month = digits(5..<7), b[7] == 45,
      let day = digits(8..<10), b[10] == 84 || b[10] == 116,  // T or t
      let hour = digits(11..<13), b[13] == 58, let minute = digits(14..<16), b[16] == 58, let second = digits(17..<19)
    else { return nil }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard (1...12).contains(month), (1...days[month - 1]).contains(day), hour < 24, minute < 60, second <= 60 else {
      return nil
    }
    var index = 19
    var fraction = 0.0
    if index < b.count && b[index] == 46 {  // fraction
      index += 1
      let start = index
      var scale = 0.1
      while index < b.count && b[index] >= 48 && b[index] <= 57 {
        fraction += Double(b[index] - 48) * scale
        scale /= 10
        index += 1
      }
      guard index > start else { return nil }
    }
    guard index < b.count else { return nil }
    var offset = 0
    if b[index] == 90 || b[index] == 122 {  // Z or z
      guard index + 1 == b.count else { return nil }
    } else {
      guard b[index] == 43 || b[index] == 45, index + 6 == b.count, let offsetHour = digits((index + 1)..<(index + 3)),
        b[index + 3] == 58, let offsetMinute = digits((index + 4)..<(index + 6)), offsetHour < 24, offsetMinute < 60
      else { return nil }
      offset = (offsetHour * 60 + offsetMinute) * 60 * (b[index] == 45 ? -1 : 1)
    }
    // Days since 1970-01-01 (civil calendar).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let daysSinceEpoch = era * 146097 + dayOfEra - 719468
    return Double(daysSinceEpoch * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
  }
}
