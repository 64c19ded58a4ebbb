import Foundation

/// What the rules need to know about a prompt text: its lines, template variables and
/// constraint lines.
struct PromptText {
  let lines: [String]

  init(_ text: String?) {
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
        let end = memchr(base + start, 10, bytes.count - start).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? bytes.count
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
struct VariableScanner {
  private let pattern: String
  private let usesDefaultPattern: Bool

  init(pattern: String) {
    self.pattern = pattern
    usesDefaultPattern = pattern == Configuration.defaultVariablePattern
  }

  func variables(in text: String?) -> Set<String> {
    guard let text, !text.isEmpty else { return [] }
    if usesDefaultPattern, let names = Self.defaultPatternVariables(in: text) { return names }
    return regexVariables(in: text)
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
struct ConstraintScanner {
  /// The keywords by their first word: a line's words are looked up one by one, instead of
  /// every keyword being tried at every position of every line.
  private let keywordsByFirstWord: [Substring: [(text: String, words: [Substring])]]

  init(keywords: [String]) {
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

/// A constraint line that a change removed or weakened.
struct LostConstraint: Equatable {
  let oldLine: String
  /// The line that replaced it without its keywords, for a weakened constraint.
  let replacement: String?
  /// 1-based line in the new text where the constraint was (or where its replacement is).
  let newLineNumber: Int
  let lostKeywords: [String]
}

enum ConstraintDiff {
  /// Constraint lines of `old` that are gone from `new`: removed outright, or replaced by a
  /// similar line that lost the constraint words. A constraint that only moved is not lost.
  static func lostConstraints(old: PromptText, new: PromptText, scanner: ConstraintScanner) -> [LostConstraint] {
    // Aligning two texts costs time that grows with the product of their changed lines; past a
    // few thousand lines the answer comes from which lines are gone, without alignment.
    if old.lines.count + new.lines.count > 4000 { return unaligned(old: old, new: new, scanner: scanner) }
    // Lines kept at the start and end are left out of the alignment: an edit touches a few
    // lines, and aligning only those is much cheaper than aligning the whole texts.
    var head = 0
    while head < old.lines.count && head < new.lines.count && old.lines[head] == new.lines[head] { head += 1 }
    var tail = 0
    while tail < old.lines.count - head && tail < new.lines.count - head
      && old.lines[old.lines.count - 1 - tail] == new.lines[new.lines.count - 1 - tail]
    {
      tail += 1
    }
    let oldMiddle = old.lines[head..<(old.lines.count - tail)]
    let newMiddle = new.lines[head..<(new.lines.count - tail)]
    guard !oldMiddle.isEmpty || !newMiddle.isEmpty else { return [] }
    var insertions: [(offset: Int, line: String)] = []
    var removals: [(offset: Int, line: String)] = []
    if oldMiddle.isEmpty || newMiddle.isEmpty {
      // Lines only added (the common edit) or only removed: nothing to align.
      insertions = newMiddle.enumerated().map { (head + $0.offset, $0.element) }
      removals = oldMiddle.enumerated().map { (head + $0.offset, $0.element) }
    } else {
      for change in Array(newMiddle).difference(from: Array(oldMiddle)) {
        switch change {
        case .insert(let offset, let line, _): insertions.append((head + offset, line))
        case .remove(let offset, let line, _): removals.append((head + offset, line))
        }
      }
    }
    // Where each old line lands in the new text, to place a removal's finding.
    var newPosition = Array(repeating: 0, count: old.lines.count + 1)
    do {
      let removedOffsets = Set(removals.map(\.offset))
      let insertedOffsets = Set(insertions.map(\.offset))
      var newIndex = 0
      var oldIndex = 0
      while oldIndex <= old.lines.count {
        while insertedOffsets.contains(newIndex) { newIndex += 1 }
        newPosition[oldIndex] = newIndex
        if oldIndex < old.lines.count && !removedOffsets.contains(oldIndex) { newIndex += 1 }
        oldIndex += 1
      }
    }

    var lost: [LostConstraint] = []
    var usedInsertions = Set<Int>()
    var remaining: Set<String>?  // built on first need: most changes remove no constraint
    for removal in removals {
      let oldKeywords = scanner.keywords(in: removal.line)
      guard !oldKeywords.isEmpty else { continue }
      if remaining == nil { remaining = Set(new.lines.map(normalize)) }
      guard remaining?.contains(normalize(removal.line)) == false else { continue }
      // The most similar inserted line is taken to be its rewrite.
      let candidates = insertions.filter { !usedInsertions.contains($0.offset) }
      let best = candidates.map { ($0, similarity(removal.line, $0.line)) }.max { $0.1 < $1.1 }
      if let (insertion, score) = best, score >= 0.6 {
        usedInsertions.insert(insertion.offset)
        let newKeywords = scanner.keywords(in: insertion.line)
        let missing = oldKeywords.subtracting(newKeywords)
        if missing.isEmpty { continue }
        lost.append(LostConstraint(oldLine: removal.line, replacement: insertion.line, newLineNumber: insertion.offset + 1, lostKeywords: missing.sorted()))
      } else {
        let line = min(newPosition[removal.offset] + 1, max(new.lines.count, 1))
        lost.append(LostConstraint(oldLine: removal.line, replacement: nil, newLineNumber: line, lostKeywords: oldKeywords.sorted()))
      }
    }
    return lost
  }

  private static func unaligned(old: PromptText, new: PromptText, scanner: ConstraintScanner) -> [LostConstraint] {
    let remaining = Set(new.lines.map(normalize))
    return old.lines.enumerated().compactMap { index, line in
      let keywords = scanner.keywords(in: line)
      guard !keywords.isEmpty, !remaining.contains(normalize(line)) else { return nil }
      return LostConstraint(oldLine: line, replacement: nil, newLineNumber: min(index + 1, max(new.lines.count, 1)), lostKeywords: keywords.sorted())
    }
  }

  private static func normalize(_ line: String) -> String {
    line.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// Word-set overlap of two lines (shared words over the shorter line's words): a rewrite that
  /// keeps most of a line's words but drops its "must" still counts as the same line.
  static func similarity(_ a: String, _ b: String) -> Double {
    func words(_ s: String) -> Set<String> {
      Set(s.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "'" }.map(String.init))
    }
    let x = words(a)
    let y = words(b)
    guard !x.isEmpty || !y.isEmpty else { return 1 }
    guard !x.isEmpty, !y.isEmpty else { return 0 }
    return Double(x.intersection(y).count) / Double(min(x.count, y.count))
  }
}
