import Foundation

/// A parsed JSON value that keeps integers, other numbers and booleans apart, as JSON Schema
/// does (`1` is an integer, `1.5` a number, `true` neither).
public indirect enum JSONValue: Hashable, Sendable {
  /// Parses one JSON document with Foundation's JSONSerialization (several times faster than
  /// decoding through `Decodable`, which must try each type in turn), keeping JSON's types apart.
  public static func parse(_ data: Data) throws -> JSONValue {
    JSONValue(foundation: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
  }

  public init(foundation value: Any) {
    switch value {
    case is NSNull:
      self = .null
    case let number as NSNumber:
      // Booleans arrive as NSNumber too; their Objective-C type code is "c".
      switch String(cString: number.objCType) {
      case "c", "B": self = .bool(number.boolValue)
      case "d", "f":
        let double = number.doubleValue
        self = double.rounded() == double && abs(double) < 9e15 ? .integer(Int64(double)) : .number(double)
      default: self = .integer(number.int64Value)
      }
    case let text as String:
      self = .string(text)
    case let array as [Any]:
      self = .array(array.map(JSONValue.init(foundation:)))
    case let object as [String: Any]:
      self = .object(object.mapValues(JSONValue.init(foundation:)))
    default:
      self = .null
    }
  }

  case null
  case bool(Bool)
  case integer(Int64)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// The JSON Schema type name, for messages.
  public var typeName: String {
    switch self {
    case .null: return "null"
    case .bool: return "boolean"
    case .integer: return "integer"
    case .number: return "number"
    case .string: return "string"
    case .array: return "array"
    case .object: return "object"
    }
  }
}

extension JSONValue {
  /// A JSON string literal, with the short escapes where JSON has them and `\u00XX` for the other
  /// control characters: the one quoting every hand-written JSON text here uses (canonical forms
  /// that are signed or hashed must not depend on Foundation's encoder).
  ///
  /// `alsoEscaping` names further code points to write as `\uXXXX` (YAML's double-quoted
  /// scalars take the same escapes but allow fewer characters raw).
  static func quoted(_ text: String, alsoEscaping: (UInt32) -> Bool = { _ in false }) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if scalar.value < 0x20 || alsoEscaping(scalar.value) {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
