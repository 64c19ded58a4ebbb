import PromptModel

/// Text compared as promptfoo's handlers compare it: JavaScript strings, which are sequences of
/// UTF-16 code units. `===`, `includes`, `startsWith` and `endsWith` look at code units with no
/// Unicode normalization and no notion of characters, where Swift's `String` compares by
/// canonical equivalence and grapheme clusters: `"👍🏽".includes("👍")` is true in JavaScript,
/// `"👍🏽".contains("👍")` false in Swift; `"é" === "e\u{301}"` is false in JavaScript and
/// `==` true in Swift.
enum JavaScriptString {
  /// `a === b`.
  static func equals(_ a: String, _ b: String) -> Bool { a.utf16.elementsEqual(b.utf16) }

  /// `haystack.includes(needle)`.
  static func includes(_ haystack: String, _ needle: String) -> Bool {
    let needle = Array(needle.utf16)
    guard !needle.isEmpty else { return true }
    let haystack = Array(haystack.utf16)
    guard haystack.count >= needle.count else { return false }
    let first = needle[0]
    var start = 0
    while start <= haystack.count - needle.count {
      if haystack[start] == first && haystack[start..<start + needle.count].elementsEqual(needle) { return true }
      start += 1
    }
    return false
  }

  /// `text.startsWith(prefix)`.
  static func startsWith(_ text: String, _ prefix: String) -> Bool { text.utf16.starts(with: prefix.utf16) }

  /// `text.endsWith(suffix)`.
  static func endsWith(_ text: String, _ suffix: String) -> Bool {
    text.utf16.reversed().starts(with: suffix.utf16.reversed())
  }

  /// `text.toLowerCase()`: Unicode's default lowercase mapping, whole (`İ` becomes `i̇`), with
  /// the one context rule JavaScript applies, the final sigma: `Σ` after a cased letter and not
  /// before one (case-ignorable characters skipped both ways) becomes `ς`.
  static func toLowerCase(_ text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    var result = String.UnicodeScalarView()
    for (index, scalar) in scalars.enumerated() {
      if scalar == "\u{03A3}" && isFinalSigma(scalars, at: index) {
        result.append("\u{03C2}")
      } else {
        result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
      }
    }
    return String(result)
  }

  /// Unicode's Final_Sigma condition (Table 3-17 of the standard).
  private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
    var before = index - 1
    while before >= 0 && scalars[before].properties.isCaseIgnorable { before -= 1 }
    guard before >= 0, scalars[before].properties.isCased else { return false }
    var after = index + 1
    while after < scalars.count && scalars[after].properties.isCaseIgnorable { after += 1 }
    return after >= scalars.count || !scalars[after].properties.isCased
  }

  /// `String(value)` for the values promptfoo's text assertions accept: a string as it is, a
  /// number as JavaScript prints it.
  static func string(_ value: JSONValue) -> String? {
    switch value {
    case .string(let text): return text
    case .integer, .number: return value.templateText
    default: return nil
    }
  }
}
