import Foundation

/// The Nunjucks filters promptops renders, each as Nunjucks' `lib/filters.js` defines it (not as
/// Jinja2 does, where they differ: see docs/evals.md, "Templates").
enum TemplateFilters {
  static let names: Set<String> = [
    "default", "d", "dump", "join", "trim", "length", "replace", "upper", "lower", "capitalize", "title", "first",
    "last",
    "safe", "int", "float", "abs", "reverse",
  ]

  static func apply(_ name: String, _ input: TemplateValue, _ arguments: [TemplateValue], line: Int)
    throws(TemplateError) -> TemplateValue
  {
    func argument(_ index: Int) -> TemplateValue { index < arguments.count ? arguments[index] : .undefined }
    func text(_ value: TemplateValue) throws(TemplateError) -> String {
      guard let text = JavaScriptText.string(value) else {
        throw TemplateError(
          line: line, message: "filter `\(name)` got a mapping, which Nunjucks turns into the text [object Object]")
      }
      return text
    }
    /// Nunjucks' `normalize(value, '')`: null, undefined and false become the empty string.
    func normalized(_ value: TemplateValue) throws(TemplateError) -> String {
      switch value {
      case .undefined, .null, .bool(false): return ""
      default: return try text(value)
      }
    }
    switch name {
    case "default", "d":
      // `default(value, fallback, boolean)`: the fallback replaces undefined only, or any false
      // value when the third argument is true.
      if argument(1).isTruthy { return input.isTruthy ? input : argument(0) }
      return input.isUndefined ? argument(0) : input
    case "dump":
      var indent = 0
      if case .number(let spaces) = argument(0) { indent = max(0, min(10, Int(spaces))) }
      if case .string = argument(0) {
        throw TemplateError(line: line, message: "`dump` with a string indent is not supported")
      }
      guard let json = JavaScriptText.json(input, indent: indent) else {
        throw TemplateError(
          line: line,
          message:
            "`dump` of a mapping with more than one key: promptops does not keep the key order JSON.stringify would print"
        )
      }
      return json.map(TemplateValue.string) ?? .undefined
    case "join":
      guard case .array(var items) = input else { return input }
      if case .string(let attribute) = argument(1) {
        items = items.map { item in
          if case .object(let m) = item { return m[attribute] ?? .undefined }
          return .undefined
        }
      }
      var parts: [String] = []
      for item in items { parts.append(try text(item)) }
      return .string(parts.joined(separator: argument(0).isUndefined ? "" : try text(argument(0))))
    case "trim": return .string(JavaScriptText.trim(try normalized(input)))
    case "length":
      // JavaScript counts UTF-16 code units.
      switch input {
      case .string(let text): return .number(Double(text.utf16.count))
      case .array(let items): return .number(Double(items.count))
      case .object(let members): return .number(Double(members.count))
      case .undefined, .null: return .number(0)
      default: return .number(0)
      }
    case "replace": return try replace(input, argument(0), argument(1), argument(2), line: line)
    case "upper": return .string(try normalized(input).uppercased())
    case "lower": return .string(try normalized(input).lowercased())
    case "capitalize":
      let value = try normalized(input)
      guard let first = value.first else { return .string("") }
      return .string(String(first).uppercased() + value.dropFirst().lowercased())
    case "title":
      // Words split on spaces only: `hello-world` stays `Hello-world` (Jinja2 gives `Hello-World`).
      let words = try normalized(input).split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
        guard let first = word.first else { return "" }
        return String(first).uppercased() + word.dropFirst().lowercased()
      }
      return .string(words.joined(separator: " "))
    case "first", "last":
      switch input {
      case .array(let items): return (name == "first" ? items.first : items.last) ?? .undefined
      case .string(let text):
        let units = Array(text.unicodeScalars)
        guard let unit = name == "first" ? units.first : units.last else { return .undefined }
        return .string(String(unit))
      default: throw TemplateError(line: line, message: "filter `\(name)` needs a list or a text")
      }
    case "safe": return input
    case "int", "float":
      var number: Double?
      switch input {
      case .number(let value): number = value
      case .string(let text): number = parseNumber(text, integer: name == "int")
      case .bool(let flag): number = name == "int" ? nil : (flag ? 1 : 0)
      default: number = nil
      }
      guard var value = number, !value.isNaN else { return argument(0).isUndefined ? .number(0) : argument(0) }
      if name == "int" { value = value.rounded(.towardZero) }
      return .number(value)
    case "abs":
      guard case .number(let value) = input else {
        throw TemplateError(line: line, message: "filter `abs` needs a number")
      }
      return .number(abs(value))
    case "reverse":
      switch input {
      case .string(let text): return .string(String(text.unicodeScalars.reversed().map(Character.init)))
      case .array(let items): return .array(items.reversed())
      default: throw TemplateError(line: line, message: "filter `reverse` needs a list or a text")
      }
    default:
      throw TemplateError(line: line, message: "filter `\(name)` is not rendered by promptops")
    }
  }

  /// JavaScript's `parseInt(text, 10)` / `parseFloat(text)`: the longest number at the start,
  /// after white space.
  private static func parseNumber(_ text: String, integer: Bool) -> Double? {
    let scalars = Array(JavaScriptText.trim(text).unicodeScalars)
    var end = 0
    if end < scalars.count && (scalars[end] == "-" || scalars[end] == "+") { end += 1 }
    let digitsStart = end
    while end < scalars.count && ("0"..."9").contains(scalars[end]) { end += 1 }
    if !integer && end < scalars.count && scalars[end] == "." {
      end += 1
      while end < scalars.count && ("0"..."9").contains(scalars[end]) { end += 1 }
    }
    guard end > digitsStart, end > digitsStart + (end > digitsStart && scalars[digitsStart] == "." ? 1 : 0) else {
      return nil
    }
    return Double(String(String.UnicodeScalarView(scalars[0..<end])))
  }

  /// Nunjucks' `replace(str, old, new, maxCount)` for text: every occurrence (or the first
  /// `maxCount`), and an empty `old` puts `new` between every character and around them.
  private static func replace(
    _ input: TemplateValue, _ old: TemplateValue, _ new: TemplateValue, _ maxCount: TemplateValue, line: Int
  ) throws(TemplateError) -> TemplateValue {
    let oldText: String
    switch old {
    case .string(let text): oldText = text
    case .number(let number): oldText = JavaScriptText.number(number)
    default: return input
    }
    let source: String
    switch input {
    case .string(let text): source = text
    case .number(let number): source = JavaScriptText.number(number)
    default: return input
    }
    guard let replacement = JavaScriptText.string(new) else {
      throw TemplateError(line: line, message: "`replace` with a mapping as the replacement")
    }
    var limit = -1
    if case .number(let number) = maxCount { limit = Int(number) }
    if oldText.isEmpty {
      return .string(
        replacement + source.unicodeScalars.map { String($0) }.joined(separator: replacement) + replacement)
    }
    if limit == 0 { return .string(source) }
    var result = ""
    var rest = Substring(source)
    var done = 0
    while limit == -1 || done < limit, let range = rest.range(of: oldText, options: .literal) {
      result += rest[..<range.lowerBound] + replacement
      rest = rest[range.upperBound...]
      done += 1
    }
    return .string(result + rest)
  }
}
