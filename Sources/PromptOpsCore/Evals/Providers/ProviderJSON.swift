import Foundation

/// Conversions between `JSONValue` and what Foundation's JSONSerialization reads and writes,
/// for request bodies and the JSON arguments of `exec:` programs.
enum ProviderJSON {
  static func foundationObject(_ value: JSONValue) -> Any {
    switch value {
    case .null: return NSNull()
    case .bool(let flag): return flag
    case .integer(let whole): return whole
    case .number(let fraction): return fraction
    case .string(let text): return text
    case .array(let items): return items.map(foundationObject)
    case .object(let members): return members.mapValues(foundationObject)
    }
  }

  static func encode(_ value: JSONValue) throws -> Data {
    try JSONSerialization.data(
      withJSONObject: foundationObject(value), options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
  }
}
