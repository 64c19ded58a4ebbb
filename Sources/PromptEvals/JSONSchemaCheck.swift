import Foundation
import PromptModel

/// JSON Schema for `is-json` and `contains-json` values: the keywords of drafts 4 to 2020-12
/// that such schemas use, checked in-process.
///
/// A keyword it does not know, or a known one whose value has another shape than the keyword
/// takes, is never skipped: a validator that ignores `anyOf`, `$ref` or draft 3's
/// `required: true` would pass answers the schema rejects, so `validate` names them and suites
/// that use them are refused when they are read, before any provider is paid. Annotations (`title`,
/// `description`, `format`, `default`, `examples`, …) constrain nothing and are accepted.
enum JSONSchemaCheck {
  /// A schema that cannot be checked as written.
  struct Unsupported: Error, CustomStringConvertible {
    let description: String
  }

  static let annotations: Set<String> = [
    "$schema", "$id", "id", "$comment", "$anchor", "title", "description", "default", "examples", "format", "readOnly",
    "writeOnly", "deprecated", "contentMediaType", "contentEncoding", "definitions", "$defs",
  ]
  static let keywords: Set<String> = [
    "type", "enum", "const", "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$ref",
    "required", "properties", "additionalProperties", "patternProperties", "minProperties", "maxProperties",
    "items", "prefixItems", "minItems", "maxItems", "uniqueItems",
    "minLength", "maxLength", "pattern",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
  ]

  /// Throws when the schema (and every schema inside it or referred to) cannot be checked
  /// faithfully: an unknown keyword, a keyword's value of the wrong shape, a `$ref` that does
  /// not point to a schema inside this one, a pattern that is no regular expression.
  static func validate(_ schema: JSONValue) throws {
    var followed = Set<String>()
    try validate(schema, root: schema, at: "schema", followed: &followed)
  }

  static let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]

  /// `followed`: the references already checked, so a recursive schema (`{"$ref": "#"}` under
  /// `items`) is checked once, not forever.
  private static func validate(
    _ schema: JSONValue, root: JSONValue, at path: String, followed: inout Set<String>, depth: Int = 0
  ) throws {
    guard depth < 64 else { throw Unsupported(description: "\(path): the schema nests too deep") }
    func invalid(_ key: String, _ expected: String) -> Unsupported {
      Unsupported(description: "\(path).\(key) must be \(expected)")
    }
    func inner(_ value: JSONValue, _ location: String) throws {
      try validate(value, root: root, at: "\(path).\(location)", followed: &followed, depth: depth + 1)
    }
    switch schema {
    case .bool: return
    case .object(let rules):
      for key in rules.keys.sorted() where !keywords.contains(key) && !annotations.contains(key) {
        throw Unsupported(description: "\(path) uses the JSON Schema keyword `\(key)`, which promptops cannot check")
      }
      // Every keyword's value must have the shape the keyword takes: a value of another shape
      // (draft 3's `required: true`, `enum: "x"`) would otherwise constrain nothing.
      for (key, value) in rules.sorted(by: { $0.key < $1.key }) {
        switch key {
        case "type":
          let names: [JSONValue]
          if case .array(let list) = value { names = list } else { names = [value] }
          guard !names.isEmpty, names.allSatisfy({ $0.stringValue.map(typeNames.contains) ?? false }) else {
            throw invalid(key, "a type name or a list of them (\(typeNames.sorted().joined(separator: ", ")))")
          }
        case "enum":
          guard case .array = value else { throw invalid(key, "a list") }
        case "anyOf", "oneOf", "allOf", "prefixItems":
          guard case .array(let list) = value, !list.isEmpty else { throw invalid(key, "a non-empty list of schemas") }
          for (index, schema) in list.enumerated() { try inner(schema, "\(key)[\(index)]") }
        case "not", "if", "then", "else", "additionalProperties":
          guard value.isSchema else { throw invalid(key, "a schema") }
          try inner(value, key)
        case "items":
          if case .array(let list) = value {
            for (index, schema) in list.enumerated() { try inner(schema, "items[\(index)]") }
          } else {
            guard value.isSchema else { throw invalid(key, "a schema or a list of schemas") }
            try inner(value, key)
          }
        case "properties", "patternProperties", "definitions", "$defs":
          guard case .object(let members) = value else { throw invalid(key, "a mapping of schemas") }
          for (name, schema) in members.sorted(by: { $0.key < $1.key }) {
            if key == "patternProperties", (try? NSRegularExpression(pattern: name)) == nil {
              throw Unsupported(description: "\(path).patternProperties key \(name) is not a regular expression")
            }
            try inner(schema, "\(key).\(name)")
          }
        case "required":
          guard case .array(let names) = value, names.allSatisfy({ $0.stringValue != nil }) else {
            throw invalid(key, "a list of property names")
          }
        case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
          guard let number = value.doubleValue, number >= 0, number == number.rounded() else {
            throw invalid(key, "a whole number, 0 or more")
          }
        case "minimum", "maximum":
          guard value.doubleValue != nil else { throw invalid(key, "a number") }
        case "exclusiveMinimum", "exclusiveMaximum":
          guard value.doubleValue != nil || { if case .bool = value { return true } else { return false } }() else {
            throw invalid(key, "a number (or, in draft 4, true or false)")
          }
        case "multipleOf":
          guard let number = value.doubleValue, number > 0 else { throw invalid(key, "a number above 0") }
        case "uniqueItems":
          guard case .bool = value else { throw invalid(key, "true or false") }
        case "pattern":
          guard let text = value.stringValue, (try? NSRegularExpression(pattern: text)) != nil else {
            throw Unsupported(description: "\(path).pattern \(value.templateText) is not a regular expression")
          }
        case "$ref":
          // Only pointers into this schema ("#", "#/$defs/x"), to a schema, which is checked too.
          guard let text = value.stringValue, text == "#" || text.hasPrefix("#/"), let target = resolve(text, in: root),
            target.isSchema
          else {
            throw Unsupported(
              description:
                "\(path).$ref \(value.templateText) does not point to a schema inside this one (only #, #/definitions/… and #/$defs/… do)"
            )
          }
          if followed.insert(text).inserted {
            try validate(target, root: root, at: text, followed: &followed, depth: depth + 1)
          }
        default:
          break  // `const` takes any value; annotations constrain nothing
        }
      }
    default:
      throw Unsupported(description: "\(path) is \(schema.typeName), not a JSON Schema (an object or true/false)")
    }
  }

  /// What is wrong with `value` under `schema`; empty when it matches. Throws for a schema
  /// `validate` would refuse, so an unchecked keyword can never read as a match (or, under
  /// `not-is-json`, as a mismatch).
  static func problems(_ value: JSONValue, schema: JSONValue) throws -> [String] {
    try validate(schema)
    // Drafts 3 to 7 ignore every keyword beside a `$ref`; 2019-09 and later apply them too.
    let draft = schema["$schema"]?.stringValue ?? ""
    let refStandsAlone = ["draft-03", "draft-04", "draft-06", "draft-07"].contains { draft.contains($0) }
    return problems(value, schema: schema, root: schema, path: "$", depth: 0, refStandsAlone: refStandsAlone)
  }

  private static func problems(
    _ value: JSONValue, schema: JSONValue, root: JSONValue, path: String, depth: Int, refStandsAlone: Bool
  ) -> [String] {
    if case .bool(let accepts) = schema { return accepts ? [] : ["\(path) is not allowed"] }
    guard case .object(let rules) = schema else { return [] }
    // A reference cycle that never reaches a value (`{"$ref": "#"}`) would recurse forever.
    guard depth < 64 else { return ["\(path): the schema's references nest too deep"] }
    func check(_ inner: JSONValue, _ item: JSONValue = value, at location: String = path) -> [String] {
      Self.problems(item, schema: inner, root: root, path: location, depth: depth + 1, refStandsAlone: refStandsAlone)
    }
    var problems: [String] = []
    if let reference = rules["$ref"]?.stringValue, let target = resolve(reference, in: root) {
      problems += check(target)
      if refStandsAlone { return problems }
    }
    if let type = rules["type"] {
      let allowed: [String]
      switch type {
      case .string(let name): allowed = [name]
      case .array(let names): allowed = names.compactMap(\.stringValue)
      default: allowed = []
      }
      if !allowed.isEmpty && !allowed.contains(where: { matches(value, type: $0) }) {
        return problems + ["\(path) is \(value.typeName), expected \(allowed.joined(separator: " or "))"]
      }
    }
    if case .array(let options)? = rules["enum"], !options.contains(where: { same(value, $0) }) {
      problems.append("\(path) is not one of the allowed values")
    }
    if let constant = rules["const"], !same(constant, value) { problems.append("\(path) is not the required constant") }
    if case .array(let schemas)? = rules["allOf"] {
      for inner in schemas { problems += check(inner) }
    }
    if case .array(let schemas)? = rules["anyOf"], !schemas.contains(where: { check($0).isEmpty }) {
      problems.append("\(path) matches none of anyOf's \(schemas.count) schemas")
    }
    if case .array(let schemas)? = rules["oneOf"] {
      let matching = schemas.filter { check($0).isEmpty }.count
      if matching != 1 {
        problems.append("\(path) matches \(matching) of oneOf's \(schemas.count) schemas, not exactly one")
      }
    }
    if let inner = rules["not"], check(inner).isEmpty { problems.append("\(path) matches the schema under `not`") }
    if let condition = rules["if"] {
      if check(condition).isEmpty {
        if let then = rules["then"] { problems += check(then) }
      } else if let otherwise = rules["else"] {
        problems += check(otherwise)
      }
    }
    switch value {
    case .object(let object):
      if case .array(let required)? = rules["required"] {
        for key in required.compactMap(\.stringValue) where object[key] == nil {
          problems.append("\(path).\(key) is required")
        }
      }
      if let low = rules["minProperties"]?.doubleValue, Double(object.count) < low {
        problems.append("\(path) has fewer than \(wholeNumber(low)) properties")
      }
      if let high = rules["maxProperties"]?.doubleValue, Double(object.count) > high {
        problems.append("\(path) has more than \(wholeNumber(high)) properties")
      }
      let properties: [String: JSONValue]
      if case .object(let declared)? = rules["properties"] { properties = declared } else { properties = [:] }
      var patterns: [(NSRegularExpression, JSONValue)] = []
      if case .object(let declared)? = rules["patternProperties"] {
        for (pattern, rule) in declared.sorted(by: { $0.key < $1.key }) {
          if let regex = try? NSRegularExpression(pattern: pattern) { patterns.append((regex, rule)) }
        }
      }
      for (key, item) in object.sorted(by: { $0.key < $1.key }) {
        var matched = false
        if let rule = properties[key] {
          matched = true
          problems += check(rule, item, at: "\(path).\(key)")
        }
        for (regex, rule) in patterns where regex.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
        {
          matched = true
          problems += check(rule, item, at: "\(path).\(key)")
        }
        if !matched, let rule = rules["additionalProperties"] {
          if case .bool(false) = rule {
            problems.append("\(path).\(key) is not allowed")
          } else {
            problems += check(rule, item, at: "\(path).\(key)")
          }
        }
      }
    case .array(let items):
      // `prefixItems` (2020-12) or an array under `items` (drafts 4–2019) fix the first items;
      // a schema under `items` then covers the rest (2020-12) or every item (older drafts).
      var positional: [JSONValue] = []
      if case .array(let list)? = rules["prefixItems"] {
        positional = list
      } else if case .array(let list)? = rules["items"] {
        positional = list
      }
      for (index, item) in items.enumerated() {
        if index < positional.count {
          problems += check(positional[index], item, at: "\(path)[\(index)]")
        } else if let rule = rules["items"], rule.isSchema {
          problems += check(rule, item, at: "\(path)[\(index)]")
        }
      }
      if let low = rules["minItems"]?.doubleValue, Double(items.count) < low {
        problems.append("\(path) has fewer than \(wholeNumber(low)) items")
      }
      if let high = rules["maxItems"]?.doubleValue, Double(items.count) > high {
        problems.append("\(path) has more than \(wholeNumber(high)) items")
      }
      if case .bool(true)? = rules["uniqueItems"] {
        for index in items.indices where items[..<index].contains(where: { same($0, items[index]) }) {
          problems.append("\(path)[\(index)] repeats an earlier item")
          break
        }
      }
    case .string(let text):
      let length = text.unicodeScalars.count
      if let low = rules["minLength"]?.doubleValue, Double(length) < low {
        problems.append("\(path) is shorter than \(wholeNumber(low))")
      }
      if let high = rules["maxLength"]?.doubleValue, Double(length) > high {
        problems.append("\(path) is longer than \(wholeNumber(high))")
      }
      if let pattern = rules["pattern"]?.stringValue, let regex = try? NSRegularExpression(pattern: pattern),
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
      {
        problems.append("\(path) does not match /\(pattern)/")
      }
    case .integer, .number:
      let number = value.doubleValue ?? 0
      if let low = rules["minimum"]?.doubleValue {
        // Draft 4 spells an exclusive bound `exclusiveMinimum: true` beside `minimum`.
        if case .bool(true)? = rules["exclusiveMinimum"] {
          if number <= low { problems.append("\(path) is not above \(format(low))") }
        } else if number < low {
          problems.append("\(path) is below \(format(low))")
        }
      }
      if let high = rules["maximum"]?.doubleValue {
        if case .bool(true)? = rules["exclusiveMaximum"] {
          if number >= high { problems.append("\(path) is not below \(format(high))") }
        } else if number > high {
          problems.append("\(path) is above \(format(high))")
        }
      }
      if let low = rules["exclusiveMinimum"]?.doubleValue, number <= low {
        problems.append("\(path) is not above \(format(low))")
      }
      if let high = rules["exclusiveMaximum"]?.doubleValue, number >= high {
        problems.append("\(path) is not below \(format(high))")
      }
      if let divisor = rules["multipleOf"]?.doubleValue, divisor > 0 {
        let quotient = number / divisor
        if abs(quotient - quotient.rounded()) > 1e-9 * max(1, abs(quotient)) {
          problems.append("\(path) is not a multiple of \(format(divisor))")
        }
      }
    default: break
    }
    return problems
  }

  /// `#`, `#/definitions/name`, `#/$defs/name` and deeper JSON pointers into the schema itself.
  private static func resolve(_ reference: String, in root: JSONValue) -> JSONValue? {
    guard reference.hasPrefix("#") else { return nil }
    var current = root
    for token in reference.dropFirst().split(separator: "/", omittingEmptySubsequences: true) {
      let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
      switch current {
      case .object(let members):
        guard let next = members[name] else { return nil }
        current = next
      case .array(let items):
        guard let index = Int(name), items.indices.contains(index) else { return nil }
        current = items[index]
      default: return nil
      }
    }
    return current
  }

  /// JSON Schema's types: an integer is any number without a fractional part (5.0 included).
  private static func matches(_ value: JSONValue, type: String) -> Bool {
    switch (type, value) {
    case ("integer", .integer): return true
    case ("integer", .number(let number)): return number.rounded() == number
    case ("number", .integer), ("number", .number): return true
    default: return value.typeName == type
    }
  }

  /// Equality as JSON Schema's `enum`, `const` and `uniqueItems` see it: 1 and 1.0 are equal.
  private static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.integer, .number), (.number, .integer), (.integer, .integer), (.number, .number):
      return a.doubleValue == b.doubleValue
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
    case (.object(let x), .object(let y)):
      return x.count == y.count && x.allSatisfy { key, item in y[key].map { same(item, $0) } ?? false }
    default: return a == b
    }
  }

  private static func format(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
  }
}

extension JSONValue {
  /// Whether this value can stand as a schema (an object, or `true`/`false`).
  fileprivate var isSchema: Bool {
    switch self {
    case .object, .bool: return true
    default: return false
    }
  }
}
