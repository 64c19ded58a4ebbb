import Foundation

/// A constraint line that a change removed or weakened.
package struct LostConstraint: Equatable {
  package let oldLine: String
  /// The line that replaced it without its keywords, for a weakened constraint.
  package let replacement: String?
  /// 1-based line in the new text where the constraint was (or where its replacement is).
  package let newLineNumber: Int
  package let lostKeywords: [String]
}

/// Finds the constraint lines a rewrite lost: removed outright, or replaced by a similar line
/// without the constraint words. A constraint that only moved is not lost.
///
/// Bounded for any input a person can write: the texts are aligned (Myers, whose trace grows
/// with the square of the lines that differ) only while the differing middle is small; past that
/// the removed and inserted lines come from counting, in linear time. Each line is split into
/// words once, and a removed constraint is compared only with the inserted lines around its
/// counterpart (the inserted line at the same rank of its hunk, ± `window`), so a rewrite in
/// which every line says "must" costs at most 513 word-set comparisons per removed line, not a
/// re-tokenising comparison with every inserted line.
package enum ConstraintDiff {
  /// Differing lines (both sides together) up to which the texts are aligned exactly.
  static let alignmentLimit = 2000
  /// Inserted lines on each side of a removed constraint's counterpart that may be its rewrite.
  static let window = 256

  /// The constraints `new` lost from `old`, both given as the bytes git stores. Only the lines
  /// between the longest common start and end are split into lines and aligned; the rest of the
  /// text is looked at as bytes (a one-line edit of a 100 MB prompt splits one line).
  package static func lostConstraints(old: [UInt8], new: [UInt8], scanner: ConstraintScanner) -> [LostConstraint] {
    var start = 0
    var common = 0  // equal bytes at the end, not reaching into the common start
    old.withUnsafeBufferPointer { a in
      new.withUnsafeBufferPointer { b in
        guard let a = a.baseAddress, let b = b.baseAddress else { return }
        // Whole blocks by memcmp, then the bytes of the first block that differs.
        let block = 4096
        let shorter = min(old.count, new.count)
        while start + block <= shorter && memcmp(a + start, b + start, block) == 0 { start += block }
        while start < shorter && a[start] == b[start] { start += 1 }
        while start > 0 && a[start - 1] != 0x0A { start -= 1 }  // back to the start of its line
        let room = min(old.count, new.count) - start
        while common + block <= room
          && memcmp(a + old.count - common - block, b + new.count - common - block, block) == 0
        { common += block }
        while common < room && a[old.count - 1 - common] == b[new.count - 1 - common] { common += 1 }
      }
    }
    guard start < old.count || start < new.count else { return [] }
    // On to the end of the line the last difference is on (the newline stays in the middle).
    var oldEnd = old.count - common
    while oldEnd < old.count && (oldEnd == 0 || old[oldEnd - 1] != 0x0A) { oldEnd += 1 }
    let newEnd = new.count - (old.count - oldEnd)
    let head = lineCount(old[..<start], endsComplete: true)
    let oldMiddle = PromptText(String(decoding: old[start..<oldEnd], as: UTF8.self)).lines
    let newMiddle = PromptText(String(decoding: new[start..<newEnd], as: UTF8.self)).lines
    return lost(
      oldMiddle: oldMiddle, newMiddle: newMiddle, head: head, newLineCount: lineCount(new[...], endsComplete: false),
      scanner: scanner,
      present: { wanted in presentLines(wanted, in: new) })
  }

  /// The same, for texts already split into lines (the diff command's and the tests' entry).
  package static func lostConstraints(old: PromptText, new: PromptText, scanner: ConstraintScanner) -> [LostConstraint]
  {
    var head = 0
    while head < old.lines.count && head < new.lines.count && old.lines[head] == new.lines[head] { head += 1 }
    var tail = 0
    while tail < old.lines.count - head && tail < new.lines.count - head
      && old.lines[old.lines.count - 1 - tail] == new.lines[new.lines.count - 1 - tail]
    {
      tail += 1
    }
    return lost(
      oldMiddle: Array(old.lines[head..<(old.lines.count - tail)]),
      newMiddle: Array(new.lines[head..<(new.lines.count - tail)]),
      head: head, newLineCount: new.lines.count, scanner: scanner,
      present: { wanted in Set(new.lines.lazy.map(normalize).filter(wanted.contains)) })
  }

  /// Lines in a text: newlines, plus one for a last line without its newline (unless
  /// `endsComplete`, for a text that is the start of another and ends where a line starts).
  private static func lineCount(_ bytes: ArraySlice<UInt8>, endsComplete: Bool) -> Int {
    var count = 0
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var at = 0
      while at < buffer.count, let found = memchr(base + at, 0x0A, buffer.count - at) {
        count += 1
        at = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base + 1
      }
      if !endsComplete && at < buffer.count { count += 1 }
    }
    return count
  }

  /// Which of the `wanted` normalized lines occur in `text`, read line by line without keeping
  /// the lines.
  private static func presentLines(_ wanted: Set<String>, in text: [UInt8]) -> Set<String> {
    guard !wanted.isEmpty else { return [] }
    var found = Set<String>()
    text.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      var start = 0
      while start < buffer.count {
        let end =
          memchr(base + start, 0x0A, buffer.count - start).map {
            UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base
          } ?? buffer.count
        let line = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        let normalized = normalize(line)  // a carriage return is white space: it goes too
        if wanted.contains(normalized) { found.insert(normalized) }
        start = end + 1
      }
    }
    return found
  }

  /// The lost constraints among the differing middles of two texts; `head` is the (0-based) line
  /// of the new and old texts where the middles start.
  private static func lost(
    oldMiddle: [String], newMiddle: [String], head: Int, newLineCount: Int, scanner: ConstraintScanner,
    present: (Set<String>) -> Set<String>
  ) -> [LostConstraint] {
    guard !oldMiddle.isEmpty || !newMiddle.isEmpty else { return [] }
    // Most edits remove no constraint line at all: nothing else needs computing then.
    guard oldMiddle.contains(where: { !scanner.keywords(in: $0).isEmpty }) else { return [] }

    let (removals, insertions) = differingLines(oldMiddle[...], newMiddle[...], head: head)
    let removedConstraints = removals.compactMap { removal -> (Removal, Set<String>)? in
      let keywords = scanner.keywords(in: removal.line)
      return keywords.isEmpty ? nil : (removal, keywords)
    }
    // A constraint line still present anywhere (moved, or spaced differently) is not lost.
    let stillPresent = present(Set(removedConstraints.map { normalize($0.0.line) }))
    var words = WordSets()
    var usedInsertions = Set<Int>()
    let candidates = removedConstraints.filter { !stillPresent.contains(normalize($0.0.line)) }
    // Rewrites keep their order: a removed line whose counterpart (same rank in its hunk) is
    // similar enough is paired with it first; the others then take the most similar unused
    // inserted line around their counterpart.
    var partner = [Int?](repeating: nil, count: candidates.count)
    for (index, (removal, _)) in candidates.enumerated() where insertions.indices.contains(removal.counterpart) {
      let score = WordSets.similarity(words.of(removal.line), words.of(insertions[removal.counterpart].line))
      if score >= 0.6, usedInsertions.insert(removal.counterpart).inserted { partner[index] = removal.counterpart }
    }
    for (index, (removal, _)) in candidates.enumerated() where partner[index] == nil {
      let nearby = max(0, removal.counterpart - window)..<min(insertions.count, removal.counterpart + window + 1)
      var best: (index: Int, score: Double)?
      let removedWords = words.of(removal.line)
      for candidate in nearby where !usedInsertions.contains(candidate) {
        let score = WordSets.similarity(removedWords, words.of(insertions[candidate].line))
        if score > (best?.score ?? -1) { best = (candidate, score) }
      }
      if let best, best.score >= 0.6 {
        usedInsertions.insert(best.index)
        partner[index] = best.index
      }
    }
    var lost: [LostConstraint] = []
    for (index, (removal, oldKeywords)) in candidates.enumerated() {
      if let paired = partner[index] {
        let insertion = insertions[paired]
        let missing = oldKeywords.subtracting(scanner.keywords(in: insertion.line))
        if missing.isEmpty { continue }
        lost.append(
          LostConstraint(
            oldLine: removal.line, replacement: insertion.line, newLineNumber: insertion.offset + 1,
            lostKeywords: missing.sorted()))
      } else {
        let line = min(removal.newPosition + 1, max(newLineCount, 1))
        lost.append(
          LostConstraint(
            oldLine: removal.line, replacement: nil, newLineNumber: line, lostKeywords: oldKeywords.sorted()))
      }
    }
    return lost
  }

  /// A removed line: where it stood in the new text, and the inserted line (an index into the
  /// insertions) that most likely took its place: the one at the same rank in its hunk.
  struct Removal {
    let line: String
    let newPosition: Int
    let counterpart: Int
  }

  /// The removed lines and the inserted ones (ascending offsets in the new text); `head` is the
  /// line both middles start at.
  private static func differingLines(
    _ oldLines: ArraySlice<String>, _ newLines: ArraySlice<String>, head: Int
  ) -> (removals: [Removal], insertions: [Line]) {
    // Index the middles from `head`, the line they start at in their texts.
    let oldMiddle = Array(oldLines)
    let newMiddle = Array(newLines)
    if oldMiddle.isEmpty || newMiddle.isEmpty || oldMiddle.count + newMiddle.count > alignmentLimit {
      // Lines only added or only removed need no alignment; a large rewrite is counted instead:
      // a line is removed when the new middle has fewer copies of it, and its counterpart and
      // place are at the same proportion of the new middle as it had of the old.
      var counts: [String: Int] = [:]
      for line in newMiddle { counts[line, default: 0] += 1 }
      var removed: [Line] = []
      for (offset, line) in zip(oldMiddle.indices, oldMiddle) {
        if let count = counts[line], count > 0 {
          counts[line] = count - 1
        } else {
          removed.append(Line(offset: head + offset, line: line))
        }
      }
      counts = [:]
      for line in oldMiddle { counts[line, default: 0] += 1 }
      var insertions: [Line] = []
      for (offset, line) in zip(newMiddle.indices, newMiddle) {
        if let count = counts[line], count > 0 {
          counts[line] = count - 1
        } else {
          insertions.append(Line(offset: head + offset, line: line))
        }
      }
      let removals = removed.enumerated().map { rank, line in
        Removal(
          line: line.line, newPosition: head + (line.offset - head) * newMiddle.count / max(oldMiddle.count, 1),
          counterpart: rank * insertions.count / max(removed.count, 1))
      }
      return (removals, insertions)
    }
    var insertions: [Line] = []
    var removed: [Line] = []
    for change in newMiddle.difference(from: oldMiddle) {
      switch change {
      case .insert(let offset, let line, _): insertions.append(Line(offset: head + offset, line: line))
      case .remove(let offset, let line, _): removed.append(Line(offset: head + offset, line: line))
      }
    }
    insertions.sort { $0.offset < $1.offset }
    removed.sort { $0.offset < $1.offset }
    // Where each old line lands in the new text: past the insertions before it.
    let removedOffsets = Set(removed.map(\.offset))
    let insertedOffsets = Set(insertions.map(\.offset))
    var positions: [Int] = []
    positions.reserveCapacity(oldMiddle.count + 1)
    var newIndex = head
    let oldEnd = head + oldMiddle.count
    for oldIndex in head...oldEnd {
      while insertedOffsets.contains(newIndex) { newIndex += 1 }
      positions.append(newIndex)
      if oldIndex < oldEnd && !removedOffsets.contains(oldIndex) { newIndex += 1 }
    }
    // A hunk is a run of removed lines and the run of inserted lines that ends where they land.
    var removals: [Removal] = []
    var start = 0
    while start < removed.count {
      var end = start + 1
      while end < removed.count && removed[end].offset == removed[end - 1].offset + 1 { end += 1 }
      let place = positions[removed[start].offset - head]
      var (low, high) = (0, insertions.count)  // the first insertion at or after `place`
      while low < high {
        let middle = (low + high) / 2
        if insertions[middle].offset < place { low = middle + 1 } else { high = middle }
      }
      let runEnd = low
      var runStart = runEnd
      while runStart > 0
        && insertions[runStart - 1].offset == (runStart == runEnd ? place : insertions[runStart].offset) - 1
      {
        runStart -= 1
      }
      for rank in 0..<(end - start) {
        removals.append(
          Removal(
            line: removed[start + rank].line, newPosition: place,
            counterpart: runStart + rank * (runEnd - runStart) / (end - start)))
      }
      start = end
    }
    return (removals, insertions)
  }

  struct Line {
    let offset: Int
    let line: String
  }

  /// Lower-cased, with runs of white space as one space and none at either end.
  static func normalize(_ line: String) -> String {
    var line = line
    let ascii: String? = line.withUTF8 { bytes in
      var out = [UInt8]()
      out.reserveCapacity(bytes.count)
      var pendingSpace = false
      for byte in bytes {
        guard byte < 0x80 else { return nil }
        if byte == 0x20 || (0x09...0x0D).contains(byte) {
          pendingSpace = !out.isEmpty
          continue
        }
        if pendingSpace {
          out.append(0x20)
          pendingSpace = false
        }
        out.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte)
      }
      return String(decoding: out, as: UTF8.self)
    }
    return ascii ?? line.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// Word-set overlap of two lines (shared words over the shorter line's words): a rewrite that
  /// keeps most of a line's words but drops its "must" still counts as the same line.
  static func similarity(_ a: String, _ b: String) -> Double {
    var words = WordSets()
    return WordSets.similarity(words.of(a), words.of(b))
  }
}

/// Lines as sets of words, each line split once: words are numbered as they are first seen and
/// a line is its sorted, distinct word numbers, so comparing two lines is one merge.
struct WordSets {
  private var numbers: [Substring: Int] = [:]
  private var byLine: [String: [Int]] = [:]

  /// Words as the constraint scanner reads them (lower-cased; letters, digits and apostrophes).
  mutating func of(_ line: String) -> [Int] {
    if let known = byLine[line] { return known }
    var set: [Int] = []
    for word in ConstraintScanner.words(of: line) {
      if let number = numbers[word] {
        set.append(number)
      } else {
        set.append(numbers.count)
        numbers[word] = numbers.count
      }
    }
    set.sort()
    var distinct: [Int] = []
    distinct.reserveCapacity(set.count)
    for number in set where distinct.last != number { distinct.append(number) }
    byLine[line] = distinct
    return distinct
  }

  /// Shared words over the shorter set's size; two empty sets are alike, one empty set is not.
  static func similarity(_ a: [Int], _ b: [Int]) -> Double {
    guard !a.isEmpty || !b.isEmpty else { return 1 }
    guard !a.isEmpty, !b.isEmpty else { return 0 }
    var (i, j, shared) = (0, 0, 0)
    while i < a.count && j < b.count {
      if a[i] == b[j] {
        shared += 1
        i += 1
        j += 1
      } else if a[i] < b[j] {
        i += 1
      } else {
        j += 1
      }
    }
    return Double(shared) / Double(Swift.min(a.count, b.count))
  }
}
