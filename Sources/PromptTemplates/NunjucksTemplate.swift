import Foundation
import PromptModel

/// A prompt template in the Nunjucks subset promptops renders exactly as promptfoo's Nunjucks
/// does (`autoescape: false`, `src/util/templates.ts`), parsed once.
///
/// One deliberate refusal: a `{{ }}` whose value is undefined (a variable the test does not
/// give, a missing key) is an error naming it, where Nunjucks prints nothing. Evaluating a
/// prompt nobody will send, with a hole where the author meant a value, would grade something
/// else; `default`, `if` and `is defined` still read undefined values as Nunjucks does.
public struct NunjucksTemplate: Sendable {
  let nodes: [TemplateNode]

  public init(_ text: String) throws(TemplateError) {
    nodes = try TemplateParser.parse(text)
  }

  /// The text with `vars`; `TemplateError.missing` when values it prints are undefined.
  public func render(_ vars: [String: JSONValue]) throws(TemplateError) -> String {
    var renderer = TemplateRenderer(context: vars.mapValues(TemplateValue.init))
    try renderer.render(nodes)
    if !renderer.missing.isEmpty { throw .missing(renderer.missing) }
    return renderer.output
  }

  /// The variables the template reads from its context, named as the version rules' default
  /// pattern names them (`user.name` for a chain of attribute lookups): every name an output, a
  /// condition, a loop source or a filter argument uses, except loop variables, `loop`, and names
  /// a `{% set %}` gave a value before they are read.
  public var variables: Set<String> {
    var found = Set<String>()
    var bound: [Set<String>] = [[]]
    func isBound(_ name: String) -> Bool { bound.contains { $0.contains(name) } }
    func visit(_ expression: TemplateExpression) {
      if let dotted = expression.dottedName {
        let root = String(dotted.prefix { $0 != "." })
        if !isBound(root) { found.insert(dotted) }
        return
      }
      switch expression {
      case .literal, .name, .attribute: break
      case .index(let base, let key):
        if let dotted = base.dottedName {
          let root = String(dotted.prefix { $0 != "." })
          if !isBound(root) { found.insert(dotted) }
        } else {
          visit(base)
        }
        visit(key)
      case .filter(_, let input, let arguments, _):
        visit(input)
        arguments.forEach(visit)
      case .not(let inner), .negate(let inner, _), .test(let inner, _, _, _): visit(inner)
      case .and(let a, let b), .or(let a, let b), .binary(_, let a, let b, _):
        visit(a)
        visit(b)
      case .inlineIf(let condition, let then, let otherwise):
        visit(condition)
        visit(then)
        if let otherwise { visit(otherwise) }
      case .list(let items): items.forEach(visit)
      case .mapping(let members): members.forEach { visit($0.value) }
      }
    }
    func walk(_ nodes: [TemplateNode]) {
      for node in nodes {
        switch node {
        case .text: break
        case .output(let expression, _, _): visit(expression)
        case .conditional(let branches, let otherwise):
          for branch in branches {
            visit(branch.condition)
            bound.append([])
            walk(branch.body)
            bound.removeLast()
          }
          bound.append([])
          walk(otherwise)
          bound.removeLast()
        case .loop(let names, let source, let body, let otherwise, _):
          visit(source)
          bound.append(Set(names + ["loop"]))
          walk(body)
          bound.removeLast()
          bound.append([])
          walk(otherwise)
          bound.removeLast()
        case .assignment(let name, let value, _):
          visit(value)
          bound[bound.count - 1].insert(name)
        }
      }
    }
    walk(nodes)
    return found
  }

  /// Whether a text may hold Nunjucks beyond `{{ name }}` placeholders: a tag, a comment, or a
  /// `{{` the default variable pattern does not match whole (a filter, white space control, an
  /// expression). Texts without any take the byte scanner, which answers the same for them.
  package static func needsParser(_ bytes: UnsafeBufferPointer<UInt8>, simplePlaceholders: Int) -> Bool {
    var openings = 0
    var i = 0
    let count = bytes.count
    while i + 1 < count {
      if bytes[i] == 0x7B {
        let next = bytes[i + 1]
        if next == 0x25 || next == 0x23 { return true }  // {% {#
        if next == 0x7B {
          openings += 1
          i += 2
          continue
        }
      }
      i += 1
    }
    return openings != simplePlaceholders
  }
}

/// Renders parsed nodes as Nunjucks' compiled code would: JavaScript's truthiness, loose `==`,
/// text conversions, and its frames (one per loop, where a `{% set %}` of a name an outer frame
/// holds assigns that outer name, unlike Jinja2).
struct TemplateRenderer {
  let context: [String: TemplateValue]
  var frames: [[String: TemplateValue]] = [[:]]
  var output = ""
  var missing: [String] = []

  init(context: [String: TemplateValue]) { self.context = context }

  mutating func render(_ nodes: [TemplateNode]) throws(TemplateError) {
    for node in nodes {
      switch node {
      case .text(let text): output += text
      case .output(let expression, let source, let line):
        let value = try evaluate(expression)
        if value.isUndefined {
          let name = expression.dottedName ?? source
          if !missing.contains(name) { missing.append(name) }
          continue
        }
        guard let text = JavaScriptText.string(value) else {
          throw TemplateError(
            line: line,
            message:
              "`{{ \(source) }}` prints a mapping, which Nunjucks sends as the text [object Object]; print it with `| dump` or name its keys"
          )
        }
        output += text
      case .conditional(let branches, let otherwise):
        var taken = false
        for branch in branches where try evaluate(branch.condition).isTruthy {
          try render(branch.body)
          taken = true
          break
        }
        if !taken { try render(otherwise) }
      case .loop(let names, let source, let body, let otherwise, let line):
        let items: [[TemplateValue]]
        switch try evaluate(source) {
        case .undefined, .null: items = []
        case .array(let values):
          if names.count == 2 {
            items = values.map { value in
              if case .array(let pair) = value {
                return [pair.first ?? .undefined, pair.count > 1 ? pair[1] : .undefined]
              }
              return [.undefined, .undefined]
            }
          } else {
            items = values.map { [$0] }
          }
        case .object(let members):
          guard names.count == 2 else {
            throw TemplateError(
              line: line, message: "a loop over a mapping needs two names: `{% for key, value in … %}`")
          }
          guard members.count <= 1 else {
            throw TemplateError(
              line: line,
              message:
                "a loop over a mapping of more than one key: promptops does not keep the key order Nunjucks would follow"
            )
          }
          items = members.map { [.string($0.key), $0.value] }
        default:
          throw TemplateError(line: line, message: "`{% for %}` needs a list (or a mapping), not a text or number")
        }
        frames.append([:])
        for (position, values) in items.enumerated() {
          for (name, value) in zip(names, values) { frames[frames.count - 1][name] = value }
          frames[frames.count - 1]["loop"] = .object([
            "index": .number(Double(position + 1)), "index0": .number(Double(position)),
            "revindex": .number(Double(items.count - position)),
            "revindex0": .number(Double(items.count - position - 1)),
            "first": .bool(position == 0), "last": .bool(position == items.count - 1),
            "length": .number(Double(items.count)),
          ])
          try render(body)
        }
        frames.removeLast()
        if items.isEmpty { try render(otherwise) }
      case .assignment(let name, let expression, _):
        let value = try evaluate(expression)
        if let frame = frames.indices.last(where: { frames[$0][name] != nil }) {
          frames[frame][name] = value
        } else {
          frames[frames.count - 1][name] = value
        }
      }
    }
  }

  func lookup(_ name: String) -> TemplateValue {
    for frame in frames.reversed() { if let value = frame[name] { return value } }
    return context[name] ?? .undefined
  }

  func member(_ base: TemplateValue, _ key: TemplateValue) -> TemplateValue {
    switch (base, key) {
    case (.object(let members), .string(let name)): return members[name] ?? .undefined
    case (.object(let members), .number(let number)): return members[JavaScriptText.number(number)] ?? .undefined
    case (.array(let items), .number(let number)):
      guard number >= 0, number == number.rounded(), Int(number) < items.count else { return .undefined }
      return items[Int(number)]
    case (.array(let items), .string("length")): return .number(Double(items.count))
    case (.string(let text), .string("length")): return .number(Double(text.utf16.count))
    case (.string(let text), .number(let number)):
      let units = Array(text.utf16)
      guard number >= 0, number == number.rounded(), Int(number) < units.count else { return .undefined }
      return .string(String(decoding: [units[Int(number)]], as: UTF16.self))
    default: return .undefined
    }
  }

  func evaluate(_ expression: TemplateExpression) throws(TemplateError) -> TemplateValue {
    switch expression {
    case .literal(let value): return value
    case .name(let name): return lookup(name)
    case .attribute(let base, let key): return member(try evaluate(base), .string(key))
    case .index(let base, let key): return member(try evaluate(base), try evaluate(key))
    case .filter(let name, let input, let arguments, let line):
      var values: [TemplateValue] = []
      for argument in arguments { values.append(try evaluate(argument)) }
      return try TemplateFilters.apply(name, try evaluate(input), values, line: line)
    case .not(let inner): return .bool(!(try evaluate(inner)).isTruthy)
    case .negate(let inner, let line): return .number(-(try number(try evaluate(inner), line: line, what: "-")))
    case .and(let a, let b):
      let left = try evaluate(a)
      return left.isTruthy ? try evaluate(b) : left
    case .or(let a, let b):
      let left = try evaluate(a)
      return left.isTruthy ? left : try evaluate(b)
    case .inlineIf(let condition, let then, let otherwise):
      if try evaluate(condition).isTruthy { return try evaluate(then) }
      return try otherwise.map { expression throws(TemplateError) in try evaluate(expression) } ?? .string("")
    case .list(let items):
      var values: [TemplateValue] = []
      for item in items { values.append(try evaluate(item)) }
      return .array(values)
    case .mapping(let members):
      var values: [String: TemplateValue] = [:]
      for member in members { values[member.key] = try evaluate(member.value) }
      return .object(values)
    case .test(let inner, let name, let negated, _):
      let value = try evaluate(inner)
      let result: Bool
      switch name {
      case "defined": result = !value.isUndefined
      case "undefined": result = value.isUndefined
      default: result = value == .null
      }
      return .bool(result != negated)
    case .binary(let op, let a, let b, let line):
      return try binary(op, try evaluate(a), try evaluate(b), line: line)
    }
  }

  /// JavaScript's ToNumber for the operands of arithmetic; undefined (which JavaScript turns into
  /// NaN) and lists or mappings are refused.
  func number(_ value: TemplateValue, line: Int, what: String) throws(TemplateError) -> Double {
    switch value {
    case .number(let number): return number
    case .bool(let flag): return flag ? 1 : 0
    case .null: return 0
    case .string(let text):
      let trimmed = JavaScriptText.trim(text)
      if trimmed.isEmpty { return 0 }
      return Double(trimmed) ?? .nan
    case .undefined:
      throw TemplateError(line: line, message: "`\(what)` with an undefined value (JavaScript computes NaN)")
    case .array, .object: throw TemplateError(line: line, message: "`\(what)` with a list or mapping is not supported")
    }
  }

  func text(_ value: TemplateValue, line: Int, what: String) throws(TemplateError) -> String {
    if value.isUndefined {
      throw TemplateError(line: line, message: "`\(what)` with an undefined value (Nunjucks writes the word undefined)")
    }
    if value == .null { return "null" }
    guard let text = JavaScriptText.string(value) else {
      throw TemplateError(line: line, message: "`\(what)` with a mapping (Nunjucks writes [object Object])")
    }
    return text
  }

  func binary(_ op: String, _ left: TemplateValue, _ right: TemplateValue, line: Int) throws(TemplateError)
    -> TemplateValue
  {
    switch op {
    case "~": return .string(try text(left, line: line, what: "~") + text(right, line: line, what: "~"))
    case "+":
      if case .string = left {
        return .string(try text(left, line: line, what: "+") + text(right, line: line, what: "+"))
      }
      if case .string = right {
        return .string(try text(left, line: line, what: "+") + text(right, line: line, what: "+"))
      }
      return .number(try number(left, line: line, what: op) + number(right, line: line, what: op))
    case "-": return .number(try number(left, line: line, what: op) - number(right, line: line, what: op))
    case "*": return .number(try number(left, line: line, what: op) * number(right, line: line, what: op))
    case "/": return .number(try number(left, line: line, what: op) / number(right, line: line, what: op))
    case "//":
      return .number((try number(left, line: line, what: op) / number(right, line: line, what: op)).rounded(.down))
    case "%":
      return .number(
        try number(left, line: line, what: op).truncatingRemainder(dividingBy: number(right, line: line, what: op)))
    case "==", "!=":
      return .bool(try looselyEqual(left, right, line: line) == (op == "=="))
    case "===", "!==":
      return .bool(try strictlyEqual(left, right, line: line) == (op == "==="))
    case "<", ">", "<=", ">=":
      let order: Int
      if case .string(let a) = left, case .string(let b) = right {
        order = a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : (a.utf16.elementsEqual(b.utf16) ? 0 : 1)
      } else {
        let a = try number(left, line: line, what: op)
        let b = try number(right, line: line, what: op)
        if a.isNaN || b.isNaN { return .bool(false) }
        order = a < b ? -1 : (a == b ? 0 : 1)
      }
      switch op {
      case "<": return .bool(order < 0)
      case ">": return .bool(order > 0)
      case "<=": return .bool(order <= 0)
      default: return .bool(order >= 0)
      }
    case "in":
      // Nunjucks' `lib.inOperator`: `indexOf` in a list (strict equality) or a text, a key of a mapping.
      switch right {
      case .array(let items):
        for item in items where try strictlyEqual(item, left, line: line) { return .bool(true) }
        return .bool(false)
      case .string(let text): return .bool(text.contains(try self.text(left, line: line, what: "in")))
      case .object(let members):
        guard case .string(let key) = left else { return .bool(false) }
        return .bool(members[key] != nil)
      default: throw TemplateError(line: line, message: "`in` needs a list, a text or a mapping on its right")
      }
    default: throw TemplateError(line: line, message: "operator `\(op)` is not supported")
    }
  }

  func strictlyEqual(_ a: TemplateValue, _ b: TemplateValue, line: Int) throws(TemplateError) -> Bool {
    switch (a, b) {
    case (.array, _), (.object, _), (_, .array), (_, .object):
      throw TemplateError(
        line: line, message: "comparing lists or mappings (JavaScript compares their identity, not their content)")
    case (.number(let x), .number(let y)): return x == y
    default: return a == b
    }
  }

  /// JavaScript's `==` between primitives.
  func looselyEqual(_ a: TemplateValue, _ b: TemplateValue, line: Int) throws(TemplateError) -> Bool {
    switch (a, b) {
    case (.undefined, .undefined), (.null, .null), (.undefined, .null), (.null, .undefined): return true
    case (.undefined, _), (.null, _), (_, .undefined), (_, .null): return false
    case (.array, _), (.object, _), (_, .array), (_, .object):
      throw TemplateError(
        line: line, message: "comparing lists or mappings (JavaScript compares their identity, not their content)")
    case (.string(let x), .string(let y)): return x == y
    case (.bool(let x), .bool(let y)): return x == y
    default:
      return try number(a, line: line, what: "==") == number(b, line: line, what: "==")
    }
  }
}
