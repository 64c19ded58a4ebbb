import Foundation

/// A parsed JSON value that keeps integers, other numbers and booleans apart, as JSON Schema
/// does (`1` is an integer, `1.5` a number, `true` neither).
public indirect enum JSONValue: Hashable, Sendable {
  /// Parses one JSON document with Foundation's JSONSerialization (several times faster than
  /// decoding through `Decodable`, which must try each type in turn), keeping JSON's types apart.
  public static func parse(_ data: Data) throws -> JSONValue {
    JSONValue(foundation: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
  }

  /// JSONSerialization returns Swift strings, arrays and dictionaries, and NSNumber and NSNull
  /// for the rest. Which of the two kinds a value is, is asked of its type first: a cast of a
  /// Swift dictionary to a class such as NSNumber makes the runtime bridge the whole dictionary
  /// to Foundation's before it can say no, and a cast of an NSNumber to a Swift collection tries
  /// the bridge the other way.
  public init(foundation value: Any) {
    if type(of: value) is AnyObject.Type {
      let object = value as AnyObject
      if let number = object as? NSNumber {
        // Booleans arrive as NSNumber too; their Objective-C type code is "c".
        switch String(cString: number.objCType) {
        case "c", "B": self = .bool(number.boolValue)
        case "d", "f":
          // Numbers longer than 17 characters arrive as NSDecimalNumber, whose `doubleValue` can
          // be a unit in the last place off; its decimal text converts exactly. (JSONEncoder
          // writes most latencies and many scores that long.)
          let double = (number as? NSDecimalNumber).flatMap { Double($0.description) } ?? number.doubleValue
          self = double.rounded() == double && abs(double) < 9e15 ? .integer(Int64(double)) : .number(double)
        default: self = .integer(number.int64Value)
        }
      } else if let text = object as? String {
        self = .string(text)
      } else if let members = object as? [String: Any] {
        self = .object(members.mapValues(JSONValue.init(foundation:)))
      } else if let items = object as? [Any] {
        self = .array(items.map(JSONValue.init(foundation:)))
      } else {
        self = .null  // NSNull
      }
      return
    }
    switch value {
    case let text as String: self = .string(text)
    case let members as [String: Any]: self = .object(members.mapValues(JSONValue.init(foundation:)))
    case let items as [Any]: self = .array(items.map(JSONValue.init(foundation:)))
    // Swift's own scalars, for values not made by JSONSerialization.
    case let flag as Bool: self = .bool(flag)
    case let whole as Int: self = .integer(Int64(whole))
    case let whole as Int64: self = .integer(whole)
    case let fraction as Double: self = .number(fraction)
    default: self = .null
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
  package static func quoted(_ text: String, alsoEscaping: ((UInt32) -> Bool)? = nil) -> String {
    if alsoEscaping == nil {
      // Most strings need no escape and are copied whole.
      guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + text + "\"" }
      var out: [UInt8] = []
      appendQuoted(text, to: &out)
      return String(decoding: out, as: UTF8.self)
    }
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
        if scalar.value < 0x20 || alsoEscaping?(scalar.value) == true {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }

  /// Appends `quoted(text)` as UTF-8. The escapes concern ASCII bytes only, so the text is
  /// escaped byte by byte.
  static func appendQuoted(_ text: String, to out: inout [UInt8]) {
    let utf8 = text.utf8
    out.reserveCapacity(out.count + utf8.count + 2)
    out.append(0x22)
    for byte in utf8 {
      switch byte {
      case 0x22:
        out.append(0x5C)
        out.append(0x22)
      case 0x5C:
        out.append(0x5C)
        out.append(0x5C)
      case 0x0A:
        out.append(0x5C)
        out.append(0x6E)
      case 0x0D:
        out.append(0x5C)
        out.append(0x72)
      case 0x09:
        out.append(0x5C)
        out.append(0x74)
      case 0x08:
        out.append(0x5C)
        out.append(0x62)
      case 0x0C:
        out.append(0x5C)
        out.append(0x66)
      case ..<0x20:
        let hex: StaticString = "0123456789abcdef"
        out += [0x5C, 0x75, 0x30, 0x30, hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)]]
      default: out.append(byte)
      }
    }
    out.append(0x22)
  }
}
