import Foundation

/// Request bodies for the HTTP providers.
enum ProviderJSON {
  /// Compact JSON with sorted keys, written directly: JSONSerialization would first rebuild the
  /// value as Foundation objects, which on Linux costs more than the rest of a request.
  static func encode(_ value: JSONValue) -> Data {
    Data(value.canonicalJSON.utf8)
  }
}
