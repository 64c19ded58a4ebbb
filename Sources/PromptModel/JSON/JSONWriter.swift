import Foundation

/// The one place JSON text is written from `Encodable` values: reports, lock files, the audit log,
/// history and eval notes all go through here, so every JSON file and report promptops writes
/// spells keys, slashes and indentation the same way.
///
/// Reading is split the same way: typed records are decoded with `JSONDecoder`, and untyped JSON
/// (suites, provider answers, eval outputs) is read once, by `JSONValue.parse`. Hashed and signed
/// text never comes from here: cache keys use `JSONValue.canonicalJSONBytes`, approval records
/// their own canonical form, because neither may change with Foundation's encoder.
package enum JSONWriter {
  /// Sorted keys, two-space indentation, `/` unescaped: reports, lock files, history.
  package static func pretty<Value: Encodable>(_ value: Value, snakeCaseKeys: Bool = false) throws -> Data {
    try encoder(pretty: true, snakeCaseKeys: snakeCaseKeys).encode(value)
  }

  /// The same on one line (JSON Lines: the audit log, eval notes).
  package static func line<Value: Encodable>(_ value: Value) throws -> Data {
    try encoder(pretty: false, snakeCaseKeys: false).encode(value)
  }

  private static func encoder(pretty: Bool, snakeCaseKeys: Bool) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
      pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
    return encoder
  }
}

extension JSONValue {
  /// `JSONWriter.pretty` of the value. A JSON value always encodes (a number JSON cannot hold is
  /// written as null, as `canonicalJSON` writes it); were the encoder ever to refuse, the value is
  /// written compact instead, never dropped.
  package var prettyJSON: Data {
    do {
      return try JSONWriter.pretty(self)
    } catch {
      return Data(canonicalJSONBytes)
    }
  }
}
