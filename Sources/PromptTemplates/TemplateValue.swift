import Foundation
import PromptModel

/// A value as a Nunjucks template sees it: JavaScript's kinds, `undefined` included (a name no
/// variable, loop or `set` gives). Numbers are doubles, as in JavaScript.
package enum TemplateValue: Equatable, Sendable {
  case undefined
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([TemplateValue])
  case object([String: TemplateValue])

  package init(_ json: JSONValue) {
    switch json {
    case .null: self = .null
    case .bool(let value): self = .bool(value)
    case .integer(let value): self = .number(Double(value))
    case .number(let value): self = .number(value)
    case .string(let value): self = .string(value)
    case .array(let items): self = .array(items.map(TemplateValue.init))
    case .object(let members): self = .object(members.mapValues(TemplateValue.init))
    }
  }

  /// JavaScript truthiness, which Nunjucks' `if`, `and`, `or` and `not` use: an empty list or
  /// mapping is true (Jinja2, like Python, calls them false).
  var isTruthy: Bool {
    switch self {
    case .undefined, .null: return false
    case .bool(let value): return value
    case .number(let value): return value != 0 && !value.isNaN
    case .string(let text): return !text.isEmpty
    case .array, .object: return true
    }
  }

  var isUndefined: Bool { self == .undefined }
}

/// JavaScript's conversions of values to text, which Nunjucks applies to every `{{ }}` output.
package enum JavaScriptText {
  /// `String(value)` for what a template prints; nil for a mapping, which JavaScript prints as
  /// `[object Object]` (a template that prints one is refused instead of sending that).
  package static func string(_ value: TemplateValue) -> String? {
    switch value {
    case .undefined, .null: return ""
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number): return self.number(number)
    case .string(let text): return text
    case .array(let items):
      // `Array.prototype.toString`: items joined by commas, null and undefined as empty.
      var parts: [String] = []
      for item in items {
        guard let text = string(item) else { return nil }
        parts.append(text)
      }
      return parts.joined(separator: ",")
    case .object: return nil
    }
  }

  /// ECMAScript's Number::toString: integers without a fraction, fixed notation from 1e-7 up to
  /// 1e21, exponential beyond, with the shortest digits that read back as the same double.
  static func number(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    if value == 0 { return "0" }
    if value < 0 { return "-" + number(-value) }
    // Swift's description holds the shortest round-trip digits; only its layout differs.
    let description = "\(value)"
    var mantissa = description
    var exponent = 0
    if let e = description.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = String(description[..<e])
      exponent = Int(description[description.index(after: e)...]) ?? 0
    }
    var digits = mantissa.replacingOccurrences(of: ".", with: "")
    var pointPosition =
      mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
    // Leading zeros (0.00123) move the point; trailing zeros are not significant.
    while digits.hasPrefix("0") && digits.count > 1 {
      digits.removeFirst()
      pointPosition -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    let k = digits.count
    let n = pointPosition + exponent  // the value is 0.digits × 10^n
    if k <= n && n <= 21 { return digits + String(repeating: "0", count: n - k) }
    if 0 < n && n <= 21 {
      let index = digits.index(digits.startIndex, offsetBy: n)
      return digits[..<index] + "." + digits[index...]
    }
    if -6 < n && n <= 0 { return "0." + String(repeating: "0", count: -n) + digits }
    let sign = n - 1 < 0 ? "-" : "+"
    let head = String(digits.prefix(1))
    let tail = digits.dropFirst()
    return head + (tail.isEmpty ? "" : "." + tail) + "e" + sign + String(abs(n - 1))
  }

  /// `JSON.stringify(value, null, indent)`; nil for `undefined` (which JavaScript leaves out) and
  /// for a mapping of more than one key, whose key order promptops does not keep.
  static func json(_ value: TemplateValue, indent: Int = 0, depth: Int = 0) -> String?? {
    let pad = indent > 0 ? "\n" + String(repeating: " ", count: indent * (depth + 1)) : ""
    let closePad = indent > 0 ? "\n" + String(repeating: " ", count: indent * depth) : ""
    switch value {
    case .undefined: return .some(nil)
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number): return number.isFinite ? self.number(number) : "null"
    case .string(let text): return JSONValue.quoted(text)
    case .array(let items):
      if items.isEmpty { return "[]" }
      var parts: [String] = []
      for item in items {
        guard let text = json(item, indent: indent, depth: depth + 1) else { return nil }
        parts.append(text ?? "null")
      }
      return "[" + parts.map { pad + $0 }.joined(separator: ",") + closePad + "]"
    case .object(let members):
      if members.isEmpty { return "{}" }
      guard members.count == 1, let (key, member) = members.first else { return nil }
      guard let text = json(member, indent: indent, depth: depth + 1) else { return nil }
      guard let text else { return "{}" }
      return "{" + pad + JSONValue.quoted(key) + (indent > 0 ? ": " : ":") + text + closePad + "}"
    }
  }

  /// JavaScript's `\s`, which Nunjucks' whitespace control and `trim` strip.
  package static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
    default: return false
    }
  }

  /// `String.prototype.trim`.
  package static func trim(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !isSpace($0) })!
    return String(scalars[first...last])
  }
}
