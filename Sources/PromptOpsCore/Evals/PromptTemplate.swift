import Foundation

/// Fills a prompt's `{{var}}` placeholders (`{{ var }}` too) with a test's variables.
///
/// A placeholder the test gives no value for is an error naming the test: rendering it as an
/// empty string would evaluate a prompt nobody will ever send.
public struct PromptTemplate: Sendable {
  let text: String
  let pattern: String

  public init(text: String, variablePattern: String) {
    self.text = text
    self.pattern = variablePattern
  }

  public struct MissingVariable: Error, Sendable, Equatable {
    public let names: [String]
  }

  public func render(_ vars: [String: JSONValue]) throws(MissingVariable) -> String {
    if pattern == Configuration.defaultVariablePattern, let rendered = try renderDefaultPattern(vars) { return rendered }
    guard let regex = try? NSRegularExpression(pattern: pattern), regex.numberOfCaptureGroups >= 1 else { return text }
    let source = text as NSString
    var out = ""
    var cursor = 0
    var missing: [String] = []
    for match in regex.matches(in: text, range: NSRange(location: 0, length: source.length)) {
      let name = source.substring(with: match.range(at: 1))
      out += source.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
      if let value = lookup(name, in: vars) {
        out += value.templateText
      } else {
        if !missing.contains(name) { missing.append(name) }
        out += source.substring(with: match.range)
      }
      cursor = match.range.location + match.range.length
    }
    out += source.substring(from: cursor)
    if !missing.isEmpty { throw MissingVariable(names: missing) }
    return out
  }

  /// The default pattern by the byte scanner the version rules use (a test holds it to the
  /// regular expression); nil where only the regular expression can decide.
  private func renderDefaultPattern(_ vars: [String: JSONValue]) throws(MissingVariable) -> String? {
    var text = self.text
    let rendered = text.withUTF8 { bytes -> (String, [String])? in
      guard let matches = VariableScanner.defaultPatternMatches(in: bytes) else { return nil }
      var out: [UInt8] = []
      out.reserveCapacity(bytes.count)
      var missing: [String] = []
      var cursor = 0
      for match in matches {
        out += UnsafeBufferPointer(rebasing: bytes[cursor..<match.whole.lowerBound])
        let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[match.name]), as: UTF8.self)
        if let value = lookup(name, in: vars) {
          out += value.templateText.utf8
        } else {
          if !missing.contains(name) { missing.append(name) }
          out += UnsafeBufferPointer(rebasing: bytes[match.whole])
        }
        cursor = match.whole.upperBound
      }
      out += UnsafeBufferPointer(rebasing: bytes[cursor...])
      return (String(decoding: out, as: UTF8.self), missing)
    }
    guard let (output, missing) = rendered else { return nil }
    if !missing.isEmpty { throw MissingVariable(names: missing) }
    return output
  }

  /// `a.b` reads a nested value when there is no variable literally named `a.b`.
  private func lookup(_ name: String, in vars: [String: JSONValue]) -> JSONValue? {
    if let value = vars[name] { return value }
    let parts = name.split(separator: ".").map(String.init)
    guard parts.count > 1, var value = vars[parts[0]] else { return nil }
    for part in parts.dropFirst() {
      guard let next = value[part] else { return nil }
      value = next
    }
    return value
  }
}
