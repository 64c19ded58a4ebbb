import Foundation
import PromptModel

/// Typed reads of a provider's `config` mapping. A value of the wrong type is a `ProviderError`
/// naming the key, never silently ignored: a typo'd `timeout: "5s"` must not mean "no timeout".
struct ProviderConfig: Sendable {
  let providerID: String
  let values: [String: JSONValue]

  init(_ spec: ProviderSpec) {
    self.providerID = spec.id
    self.values = spec.config
  }

  func error(_ message: String) -> ProviderError {
    ProviderError(providerID: providerID, message: message)
  }

  func string(_ key: String) throws -> String? {
    switch values[key] {
    case nil, .null?: return nil
    case .string(let text)?: return text
    case let other?: throw error("config `\(key)` must be a string, not \(other.typeName)")
    }
  }

  func bool(_ key: String) throws -> Bool? {
    switch values[key] {
    case nil, .null?: return nil
    case .bool(let flag)?: return flag
    case let other?: throw error("config `\(key)` must be true or false, not \(other.typeName)")
    }
  }

  /// A number (integer or not), checked against a lower bound.
  func number(_ key: String, atLeast minimum: Double = 0) throws -> Double? {
    let value: Double
    switch values[key] {
    case nil, .null?: return nil
    case .integer(let whole)?: value = Double(whole)
    case .number(let fraction)?: value = fraction
    case let other?: throw error("config `\(key)` must be a number, not \(other.typeName)")
    }
    guard value.isFinite, value >= minimum else {
      throw error("config `\(key)` must be a number of at least \(minimum.formatted()), not \(value.formatted())")
    }
    return value
  }

  func integer(_ key: String, atLeast minimum: Int64 = 0) throws -> Int? {
    switch values[key] {
    case nil, .null?: return nil
    case .integer(let whole)?:
      guard whole >= minimum else {
        throw error("config `\(key)` must be an integer of at least \(minimum), not \(whole)")
      }
      return Int(whole)
    case let other?: throw error("config `\(key)` must be an integer, not \(other.typeName)")
    }
  }
}

extension Double {
  /// `5` rather than `5.0` in messages.
  fileprivate func formatted() -> String {
    rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : String(self)
  }
}
