import Foundation
import PromptModel
import PromptTemplates

/// What the rules need to know about a prompt text: its lines, template variables and
/// constraint lines.
package struct PromptText {
  package let lines: [String]

  package init(_ text: String?) {
    guard let text, !text.isEmpty else {
      lines = []
      return
    }
    // Split on bytes: a newline is one byte in UTF-8, and byte splitting skips grapheme breaking
    // (and the generic collection machinery, which cost more than the rules themselves).
    var utf8 = text
    lines = utf8.withUTF8 { bytes -> [String] in
      guard let base = bytes.baseAddress else { return [] }
      var lines: [String] = []
      var start = 0
      while start < bytes.count {
        let end =
          memchr(base + start, 10, bytes.count - start).map {
            UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base
          } ?? bytes.count
        var lineEnd = end
        if lineEnd > start && base[lineEnd - 1] == 13 { lineEnd -= 1 }
        lines.append(String(decoding: UnsafeBufferPointer(start: base + start, count: lineEnd - start), as: UTF8.self))
        start = end + 1
      }
      return lines
    }
  }
}

/// Finds template variables with the configured pattern (capture group 1 is the name).
///
/// The default pattern is matched by a byte scanner: compiling any `NSRegularExpression` first
/// builds ICU's static tables, which costs more than the rest of a one-prompt staged check. A
/// custom pattern, and text where the default pattern's `\s` could meet non-ASCII white space,
/// go through the regular expression; a test holds the two to the same answers.
package struct VariableScanner {
  private let pattern: String
  private let usesDefaultPattern: Bool

  package init(pattern: String) {
    self.pattern = pattern
    usesDefaultPattern = pattern == Configuration.defaultVariablePattern
  }

  /// With the default pattern a prompt is a Nunjucks template (as promptfoo renders it), so a
  /// text with tags, comments, filters or expressions is read by the template parser: `name` in
  /// `{{ name | upper }}` and a variable only tested by `{% if %}` or looped over count, a loop
  /// variable or a name `{% set %}` gives does not. The rest, nearly every prompt, stays on the
  /// byte scanner. A text the parser rejects (the eval reports it) keeps the scanner's answer.
  func variables(in text: String?) -> Set<String> {
    guard let text, !text.isEmpty else { return [] }
    guard usesDefaultPattern else { return regexVariables(in: text) }
    var bytes = text
    let scanned = bytes.withUTF8 { bytes -> (names: Set<String>?, needsParser: Bool) in
      guard let matches = Self.defaultPatternMatches(in: bytes) else { return (nil, true) }
      let names = Set(matches.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0.name]), as: UTF8.self) })
      return (names, NunjucksTemplate.needsParser(bytes, simplePlaceholders: matches.count))
    }
    if scanned.needsParser {
      do {
        return try NunjucksTemplate(text).variables
      } catch {
        // Not a template promptops renders: its evals report the construct at its line.
      }
    }
    return scanned.names ?? regexVariables(in: text)
  }

  func regexVariables(in text: String) -> Set<String> {
    // The configuration validated the pattern; the default is a known-good literal.
    let regex =
      (try? NSRegularExpression(pattern: pattern))
      ?? (try! NSRegularExpression(pattern: Configuration.defaultVariablePattern))
    var names = Set<String>()
    let range = NSRange(text.startIndex..., in: text)
    for match in regex.matches(in: text, range: range) where match.numberOfRanges > 1 {
      if let nameRange = Range(match.range(at: 1), in: text) { names.insert(String(text[nameRange])) }
    }
    return names
  }

  /// `\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}`, leftmost and non-overlapping like the regular
  /// expression; nil when a non-ASCII byte sits where `\s` would be tried.
  static func defaultPatternVariables(in text: String) -> Set<String>? {
    var text = text
    return text.withUTF8 { bytes -> Set<String>? in
      guard let matches = defaultPatternMatches(in: bytes) else { return nil }
      return Set(matches.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0.name]), as: UTF8.self) })
    }
  }

  /// The byte ranges of each default-pattern placeholder and of its name, in order; nil when a
  /// non-ASCII byte sits where `\s` would be tried (the regular expression decides those).
  static func defaultPatternMatches(in bytes: UnsafeBufferPointer<UInt8>) -> [(whole: Range<Int>, name: Range<Int>)]? {
    var matches: [(whole: Range<Int>, name: Range<Int>)] = []
    let count = bytes.count
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    func isNameStart(_ byte: UInt8) -> Bool {
      (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
    }
    func isName(_ byte: UInt8) -> Bool {
      isNameStart(byte) || (0x30...0x39).contains(byte) || byte == 0x2E || byte == 0x2D
    }
    var i = 0
    while i + 1 < count {
      guard bytes[i] == 0x7B, bytes[i + 1] == 0x7B else {
        i += 1
        continue
      }
      var j = i + 2
      while j < count && isSpace(bytes[j]) { j += 1 }
      if j < count && bytes[j] >= 0x80 { return nil }
      guard j < count, isNameStart(bytes[j]) else {
        i += 1
        continue
      }
      let nameStart = j
      while j < count && isName(bytes[j]) { j += 1 }
      let nameEnd = j
      while j < count && isSpace(bytes[j]) { j += 1 }
      if j < count && bytes[j] >= 0x80 { return nil }
      guard j + 1 < count, bytes[j] == 0x7D, bytes[j + 1] == 0x7D else {
        i += 1
        continue
      }
      matches.append((whole: i..<(j + 2), name: nameStart..<nameEnd))
      i = j + 2
    }
    return matches
  }
}

/// Recognises constraint lines: lines that say what the model must, must never, or may only do.
///
/// Matching is on whole words, case-insensitively, with curly apostrophes folded to straight
/// ones; it needs no regular expressions, so scanning costs nothing at start-up.
package struct ConstraintScanner {
  /// The keywords by their first word: a line's words are looked up one by one, instead of
  /// every keyword being tried at every position of every line.
  private let keywordsByFirstWord: [Substring: [(text: String, words: [Substring])]]

  package init(keywords: [String]) {
    var byFirstWord: [Substring: [(text: String, words: [Substring])]] = [:]
    for keyword in keywords {
      let words = Self.words(of: keyword)
      guard let first = words.first else { continue }
      byFirstWord[first, default: []].append((words.joined(separator: " "), words))
    }
    keywordsByFirstWord = byFirstWord
  }

  static func words(of text: String) -> [Substring] {
    if let words = asciiWords(of: text) { return words }
    let folded = text.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
    return folded.split { !($0.isLetter || $0.isNumber || $0 == "'") }
  }

  /// The same words for a line of plain ASCII, found byte by byte: most prompt lines are ASCII,
  /// and splitting by `Character` costs more than every other part of the rule. Nil otherwise.
  private static func asciiWords(of text: String) -> [Substring]? {
    var text = text
    let lowered: [UInt8]? = text.withUTF8 { bytes in
      var lowered = [UInt8]()
      lowered.reserveCapacity(bytes.count)
      for byte in bytes {
        guard byte < 0x80 else { return nil }
        lowered.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
      }
      return lowered
    }
    guard let lowered else { return nil }
    let folded = String(decoding: lowered, as: UTF8.self)
    func isWordByte(_ byte: UInt8) -> Bool {
      (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x27
    }
    var words: [Substring] = []
    let utf8 = folded.utf8
    var index = utf8.startIndex
    while index != utf8.endIndex {
      guard isWordByte(utf8[index]) else {
        index = utf8.index(after: index)
        continue
      }
      let start = index
      while index != utf8.endIndex && isWordByte(utf8[index]) { index = utf8.index(after: index) }
      words.append(folded[start..<index])
    }
    return words
  }

  /// The constraint keywords a line holds (lower-cased), empty for an ordinary line.
  func keywords(in line: String) -> Set<String> {
    let words = Self.words(of: line)
    guard !words.isEmpty else { return [] }
    var found = Set<String>()
    for start in words.indices {
      guard let candidates = keywordsByFirstWord[words[start]] else { continue }
      for keyword in candidates
      where start + keyword.words.count <= words.count
        && words[start..<(start + keyword.words.count)].elementsEqual(keyword.words)
      {
        found.insert(keyword.text)
      }
    }
    return found
  }
}
