import Foundation
import Yams

/// Typed values out of suite and test files (YAML, or JSON read as YAML so every value keeps its
/// line).
///
/// The configuration parser keeps every plain scalar a string (a version `1.10` stays `1.10`);
/// suites need promptfoo's types instead: `threshold: 0.8` is a number, `value: true` a boolean.
extension Node {
  /// The value as JSON: plain scalars typed as YAML 1.2's core schema types them, quoted ones
  /// kept as strings. Bounded, so a file of nested aliases cannot blow up into gigabytes.
  var jsonValue: JSONValue {
    var budget = 200_000
    return jsonValue(budget: &budget)
  }

  private func jsonValue(budget: inout Int) -> JSONValue {
    guard budget > 0 else { return .null }
    budget -= 1
    switch self {
    case .scalar(let scalar):
      budget -= scalar.string.utf8.count / 64
      guard scalar.style == .plain else { return .string(scalar.string) }
      return Node.typedPlainScalar(scalar.string)
    case .sequence(let sequence):
      return .array(sequence.map { $0.jsonValue(budget: &budget) })
    case .mapping(let mapping):
      var object: [String: JSONValue] = [:]
      for (key, value) in mapping { object[key.string ?? key.canonicalText] = value.jsonValue(budget: &budget) }
      return .object(object)
    case .alias:
      return .null
    }
  }

  static func typedPlainScalar(_ text: String) -> JSONValue {
    switch text {
    case "", "~", "null", "Null", "NULL": return .null
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    default: break
    }
    if let integer = Int64(text) { return .integer(integer) }
    if let first = text.first, first.isNumber || first == "-" || first == "+" || first == ".",
      let double = Double(text), double.isFinite
    {
      return .number(double)
    }
    return .string(text)
  }
}

extension JSONValue {
  /// The text of a string, or the JSON text of anything else (numbers in vars are text to a template).
  public var templateText: String {
    switch self {
    case .string(let text): return text
    case .null: return ""
    case .bool(let value): return value ? "true" : "false"
    case .integer(let value): return String(value)
    case .number(let value): return value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    case .array, .object: return canonicalJSON
    }
  }

  /// A number, from a number or from a string holding one.
  var doubleValue: Double? {
    switch self {
    case .integer(let value): return Double(value)
    case .number(let value): return value
    case .string(let text): return Double(text.trimmingCharacters(in: .whitespaces))
    default: return nil
    }
  }

  var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  /// JSON text with sorted keys and no spaces: the same value always gives the same bytes, so it
  /// can go into cache keys and be compared across commits.
  public var canonicalJSON: String {
    var out = ""
    writeCanonical(into: &out)
    return out
  }

  private func writeCanonical(into out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .integer(let value): out += String(value)
    case .number(let value): out += value.isFinite ? "\(value)" : "null"
    case .string(let text): out += JSONValue.quoted(text)
    case .array(let items):
      out += "["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        item.writeCanonical(into: &out)
      }
      out += "]"
    case .object(let object):
      out += "{"
      for (index, key) in object.keys.sorted().enumerated() {
        if index > 0 { out += "," }
        out += JSONValue.quoted(key) + ":"
        object[key]!.writeCanonical(into: &out)
      }
      out += "}"
    }
  }

  /// The value as Foundation objects, for JSONSerialization.
  public var foundationObject: Any {
    switch self {
    case .null: return NSNull()
    case .bool(let value): return value
    case .integer(let value): return value
    case .number(let value): return value.isFinite ? value : NSNull()
    case .string(let text): return text
    case .array(let items): return items.map(\.foundationObject)
    case .object(let object): return object.mapValues(\.foundationObject)
    }
  }
}

extension JSONValue: Codable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .integer(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}
