import Foundation

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
  package var doubleValue: Double? {
    switch self {
    case .integer(let value): return Double(value)
    case .number(let value): return value
    case .string(let text): return Double(text.trimmingCharacters(in: .whitespaces))
    default: return nil
    }
  }

  package var stringValue: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  package subscript(key: String) -> JSONValue? {
    if case .object(let object) = self { return object[key] }
    return nil
  }

  /// JSON text with sorted keys and no spaces: the same value always gives the same bytes, so it
  /// can go into cache keys and be compared across commits.
  public var canonicalJSON: String {
    String(decoding: canonicalJSONBytes, as: UTF8.self)
  }

  /// `canonicalJSON` as UTF-8, written as bytes: a cache key is computed per test, and appending
  /// small strings to a String cost more than everything else the key needs.
  public var canonicalJSONBytes: [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    writeCanonical(into: &out)
    return out
  }

  private func writeCanonical(into out: inout [UInt8]) {
    switch self {
    case .null: out += "null".utf8
    case .bool(let value): out += (value ? "true" : "false").utf8
    case .integer(let value): out += String(value).utf8
    case .number(let value): out += (value.isFinite ? value.description : "null").utf8
    case .string(let text): JSONValue.appendQuoted(text, to: &out)
    case .array(let items):
      out.append(0x5B)  // [
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(0x2C) }
        item.writeCanonical(into: &out)
      }
      out.append(0x5D)
    case .object(let object):
      out.append(0x7B)  // {
      // Sorted as Swift orders strings, which is what the keys of earlier caches and notes used.
      for (index, key) in object.keys.sorted().enumerated() {
        if index > 0 { out.append(0x2C) }
        JSONValue.appendQuoted(key, to: &out)
        out.append(0x3A)
        object[key]!.writeCanonical(into: &out)
      }
      out.append(0x7D)
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
    // As `canonicalJSON` writes it: JSON has no infinities or NaN.
    case .number(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }
}

/// A non-negative whole number from a measured or file-supplied value, without trapping on NaN,
/// infinities or values out of range.
package func wholeNumber(_ value: Double) -> Int64 {
  guard value.isFinite, value > 0 else { return 0 }
  return value >= 1e15 ? 1_000_000_000_000_000 : Int64(value.rounded())
}
