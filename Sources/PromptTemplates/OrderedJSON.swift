import Foundation
import PromptModel

/// JSON as JavaScript holds it: mappings keep their keys in the order `JSON.parse` gives them
/// (integer-like keys first, ascending, then the others as written), so `JSON.stringify` of a
/// rendered chat prompt prints what promptfoo prints.
package indirect enum OrderedJSON: Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([OrderedJSON])
  case object([(key: String, value: OrderedJSON)])

  package static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.stringify(indent: 0) == b.stringify(indent: 0) }

  /// `JSON.parse`, or nil when the text is not JSON (white space around the value is allowed).
  package static func parse(_ text: String) -> OrderedJSON? {
    var reader = Reader(scalars: Array(text.unicodeScalars))
    reader.skipSpace()
    guard let value = reader.value(depth: 0) else { return nil }
    reader.skipSpace()
    return reader.index == reader.scalars.count ? value : nil
  }

  /// A YAML document as js-yaml would hand it to `JSON.stringify`, keeping the mapping order.
  package static func from(yaml node: YAMLValue) throws -> OrderedJSON {
    if let items = node.sequence { return .array(try items.map(from(yaml:))) }
    if let pairs = try node.stringPairs {
      return keyed(try pairs.map { ($0.key, try from(yaml: $0.value)) })
    }
    return OrderedJSON(try node.jsonValue())
  }

  init(_ value: JSONValue) {
    switch value {
    case .null: self = .null
    case .bool(let flag): self = .bool(flag)
    case .integer(let number): self = .number(Double(number))
    case .number(let number): self = .number(number)
    case .string(let text): self = .string(text)
    case .array(let items): self = .array(items.map(OrderedJSON.init))
    case .object(let members):
      self = OrderedJSON.keyed(members.sorted { $0.key < $1.key }.map { ($0.key, OrderedJSON($0.value)) })
    }
  }

  /// A JavaScript object made from pairs in order: a repeated key keeps its first place and its
  /// last value; integer-like keys come first, ascending.
  static func keyed(_ pairs: [(String, OrderedJSON)]) -> OrderedJSON {
    var order: [String] = []
    var values: [String: OrderedJSON] = [:]
    for (key, value) in pairs {
      if values[key] == nil { order.append(key) }
      values[key] = value
    }
    func arrayIndex(_ key: String) -> UInt32? {
      guard let number = UInt32(key), number < UInt32.max, String(number) == key else { return nil }
      return number
    }
    let indexed = order.compactMap { key in arrayIndex(key).map { ($0, key) } }.sorted { $0.0 < $1.0 }.map(\.1)
    let named = order.filter { arrayIndex($0) == nil }
    return .object((indexed + named).map { ($0, values[$0]!) })
  }

  /// The value for a template's context (key order is lost there; templates that would show it are
  /// refused by the renderer).
  var jsonValue: JSONValue {
    switch self {
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .number(let number): return .number(number)
    case .string(let text): return .string(text)
    case .array(let items): return .array(items.map(\.jsonValue))
    case .object(let members):
      return .object(Dictionary(members.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { $1 }))
    }
  }

  /// `JSON.stringify(value, null, indent)`.
  package func stringify(indent: Int, depth: Int = 0) -> String {
    let pad = indent > 0 ? "\n" + String(repeating: " ", count: indent * (depth + 1)) : ""
    let closePad = indent > 0 ? "\n" + String(repeating: " ", count: indent * depth) : ""
    switch self {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number): return number.isFinite ? JavaScriptText.number(number) : "null"
    case .string(let text): return JSONValue.quoted(text)
    case .array(let items):
      if items.isEmpty { return "[]" }
      return "[" + items.map { pad + $0.stringify(indent: indent, depth: depth + 1) }.joined(separator: ",") + closePad
        + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      return "{"
        + members.map {
          pad + JSONValue.quoted($0.key) + (indent > 0 ? ": " : ":")
            + $0.value.stringify(indent: indent, depth: depth + 1)
        }
        .joined(separator: ",") + closePad + "}"
    }
  }

  /// Every string in the value replaced by `transform` (promptfoo's `renderVarsInObject`: keys stay).
  package func mapStrings<E: Error>(_ transform: (String) throws(E) -> String) throws(E) -> OrderedJSON {
    switch self {
    case .string(let text): return .string(try transform(text))
    case .array(let items):
      var mapped: [OrderedJSON] = []
      for item in items { mapped.append(try item.mapStrings(transform)) }
      return .array(mapped)
    case .object(let members):
      var mapped: [(key: String, value: OrderedJSON)] = []
      for member in members { mapped.append((member.key, try member.value.mapStrings(transform))) }
      return .object(mapped)
    default: return self
    }
  }

  private struct Reader {
    let scalars: [Unicode.Scalar]
    var index = 0

    mutating func skipSpace() {
      while index < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[index]) { index += 1 }
    }

    mutating func literal(_ word: String) -> Bool {
      let word = Array(word.unicodeScalars)
      guard index + word.count <= scalars.count, Array(scalars[index..<(index + word.count)]) == word else {
        return false
      }
      index += word.count
      return true
    }

    mutating func value(depth: Int) -> OrderedJSON? {
      guard depth < 512, index < scalars.count else { return nil }
      switch scalars[index] {
      case "n": return literal("null") ? .null : nil
      case "t": return literal("true") ? .bool(true) : nil
      case "f": return literal("false") ? .bool(false) : nil
      case "\"": return string().map(OrderedJSON.string)
      case "[":
        index += 1
        skipSpace()
        var items: [OrderedJSON] = []
        if index < scalars.count, scalars[index] == "]" {
          index += 1
          return .array(items)
        }
        while true {
          skipSpace()
          guard let item = value(depth: depth + 1) else { return nil }
          items.append(item)
          skipSpace()
          guard index < scalars.count else { return nil }
          if scalars[index] == "," {
            index += 1
            continue
          }
          if scalars[index] == "]" {
            index += 1
            return .array(items)
          }
          return nil
        }
      case "{":
        index += 1
        skipSpace()
        var pairs: [(String, OrderedJSON)] = []
        if index < scalars.count, scalars[index] == "}" {
          index += 1
          return .object([])
        }
        while true {
          skipSpace()
          guard index < scalars.count, scalars[index] == "\"", let key = string() else { return nil }
          skipSpace()
          guard index < scalars.count, scalars[index] == ":" else { return nil }
          index += 1
          skipSpace()
          guard let item = value(depth: depth + 1) else { return nil }
          pairs.append((key, item))
          skipSpace()
          guard index < scalars.count else { return nil }
          if scalars[index] == "," {
            index += 1
            continue
          }
          if scalars[index] == "}" {
            index += 1
            return OrderedJSON.keyed(pairs)
          }
          return nil
        }
      default: return number()
      }
    }

    mutating func number() -> OrderedJSON? {
      let start = index
      if index < scalars.count, scalars[index] == "-" { index += 1 }
      guard index < scalars.count, ("0"..."9").contains(scalars[index]) else { return nil }
      if scalars[index] == "0" {
        index += 1
      } else {
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
      }
      if index < scalars.count, scalars[index] == "." {
        index += 1
        guard index < scalars.count, ("0"..."9").contains(scalars[index]) else { return nil }
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
      }
      if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
        index += 1
        if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
        guard index < scalars.count, ("0"..."9").contains(scalars[index]) else { return nil }
        while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
      }
      return Double(String(String.UnicodeScalarView(scalars[start..<index]))).map(OrderedJSON.number)
    }

    mutating func string() -> String? {
      index += 1
      var units: [UInt16] = []
      while index < scalars.count {
        let c = scalars[index]
        index += 1
        switch c {
        case "\"": return String(decoding: units, as: UTF16.self)
        case "\\":
          guard index < scalars.count else { return nil }
          let e = scalars[index]
          index += 1
          switch e {
          case "\"": units.append(0x22)
          case "\\": units.append(0x5C)
          case "/": units.append(0x2F)
          case "b": units.append(0x08)
          case "f": units.append(0x0C)
          case "n": units.append(0x0A)
          case "r": units.append(0x0D)
          case "t": units.append(0x09)
          case "u":
            guard index + 4 <= scalars.count,
              let unit = UInt16(String(String.UnicodeScalarView(scalars[index..<(index + 4)])), radix: 16)
            else { return nil }
            units.append(unit)
            index += 4
          default: return nil
          }
        default:
          guard c.value >= 0x20 else { return nil }
          units.append(contentsOf: String(c).utf16)
        }
      }
      return nil
    }
  }
}
