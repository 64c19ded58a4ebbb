import Foundation
import PromptModel

/// Request bodies for the HTTP providers.
enum ProviderJSON {
  struct NotRepresentable: Error, CustomStringConvertible {
    var description: String { "the request holds a number JSON cannot represent (NaN or infinity)" }
  }

  /// Compact JSON with sorted keys, written directly: JSONSerialization would first rebuild the
  /// value as Foundation objects, which on Linux costs more than the rest of a request. A
  /// number JSON cannot hold is an error, as it is for JSONSerialization, never a silent null.
  static func encode(_ value: JSONValue) throws -> Data {
    guard isRepresentable(value) else { throw NotRepresentable() }
    return Data(value.canonicalJSONBytes)
  }

  private static func isRepresentable(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let number): return number.isFinite
    case .array(let items): return items.allSatisfy(isRepresentable)
    case .object(let members): return members.values.allSatisfy(isRepresentable)
    case .null, .bool, .integer, .string: return true
    }
  }
}
