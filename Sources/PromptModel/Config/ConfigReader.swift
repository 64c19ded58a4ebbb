import Foundation

/// Reads typed values out of a `.promptops.yml` node tree, turning every mismatch into an
/// error that names the file, the line and the key.
///
/// One reader serves every configuration section, so each section's parser (prompts, evals,
/// approvals, promotion) reports problems in the same words.
public struct ConfigReader: Sendable {
  public let file: String

  public init(file: String) { self.file = file }

  public func invalid(_ line: Int?, _ message: String) -> PromptOpsError {
    .invalidConfiguration(file: file, line: line, message: message)
  }

  func mapping(_ node: YAMLValue, _ key: String) throws -> [(key: String, keyLine: Int, value: YAMLValue)] {
    guard let pairs = try pairs(node, "`\(key)`") else { throw invalid(node.line, "`\(key)` must be a mapping") }
    return pairs
  }

  /// The pairs of a mapping, nil for any other node; a key that YAML aliases blow up is an error.
  func pairs(_ node: YAMLValue, _ what: String) throws -> [(key: String, keyLine: Int, value: YAMLValue)]? {
    do {
      return try node.stringPairs
    } catch {
      throw invalid(node.line, "a key of \(what) \(error)")
    }
  }

  /// A value as JSON; past its bound an error at its line, never a `null` in its place.
  func json(_ node: YAMLValue, _ key: String) throws -> JSONValue {
    do {
      return try node.jsonValue()
    } catch {
      throw invalid(node.line, "`\(key)` \(error)")
    }
  }

  func string(_ node: YAMLValue, _ key: String) throws -> String {
    guard let text = node.scalarText, !text.isEmpty else {
      throw invalid(node.line, "`\(key)` must be a non-empty string")
    }
    return text
  }

  /// A list of strings; a single string stands for a list of one.
  func strings(_ node: YAMLValue, _ key: String) throws -> [String] {
    if let single = node.scalarText { return [single] }
    guard let sequence = node.sequence else { throw invalid(node.line, "`\(key)` must be a list of strings") }
    return try sequence.map { item in
      guard let text = item.scalarText, !text.isEmpty else {
        throw invalid(item.line, "`\(key)` must be a list of strings")
      }
      return text
    }
  }

  func bool(_ node: YAMLValue, _ key: String) throws -> Bool {
    switch node.scalarText {
    case "true", "True", "TRUE", "yes", "on": return true
    case "false", "False", "FALSE", "no", "off": return false
    default: throw invalid(node.line, "`\(key)` must be true or false")
    }
  }

  func integer(_ node: YAMLValue, _ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
    guard let text = node.scalarText, let value = Int(text), range.contains(value) else {
      throw invalid(node.line, "`\(key)` must be a whole number in \(range.lowerBound)…\(range.upperBound)")
    }
    return value
  }

  func number(
    _ node: YAMLValue, _ key: String,
    in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
  ) throws -> Double {
    guard let text = node.scalarText, let value = Double(text), value.isFinite, range.contains(value) else {
      throw invalid(node.line, "`\(key)` must be a number in \(range.lowerBound)…\(range.upperBound)")
    }
    return value
  }

  /// Rejects a key the section does not know, listing the ones it does.
  func unknownKey(_ key: String, line: Int, known: [String]) -> PromptOpsError {
    invalid(line, "unknown key `\(key)` (known: \(known.joined(separator: ", ")))")
  }
}
