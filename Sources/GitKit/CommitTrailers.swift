/// The trailers of a commit message (`Key: value` lines such as `Signed-off-by:` and
/// `Co-authored-by:`), found as git finds them: what `git log --format=%(trailers)` and
/// `git interpret-trailers --parse --no-divider` print, with no `trailer.*` configuration and
/// `#` as the comment character.
///
/// Only the last paragraph of the message can hold trailers (never the title), and only when
/// every line of it is a trailer or a continuation of one, or it holds a line git itself
/// generates (`Signed-off-by: `, `(cherry picked from commit `) and at least a quarter of its
/// lines are trailers. Trailing blank and comment lines, an old `Conflicts:` block and everything
/// after a scissors line are not part of the message. Works on bytes: a message need not be UTF-8.
public enum CommitTrailers {
  public struct Trailer: Sendable, Equatable {
    /// As written (git compares keys case-insensitively).
    public let key: String
    /// Trimmed, with continuation lines unfolded into single spaces.
    public let value: String
  }

  public static func parse(_ text: String) -> [Trailer] { parse(Array(text.utf8)) }

  public static func parse(_ message: [UInt8]) -> [Trailer] {
    let end = message.count - ignoredTail(message)
    let start = blockStart(message, end: end)
    // Split the block into lines (each with its newline), joining continuation lines to the
    // trailer before them.
    var items: [[UInt8]] = []
    var lastIsTrailer = false
    var position = start
    while position < end {
      let next = lineEnd(message, from: position, limit: end)
      let line = Array(message[position..<next])
      position = next
      if lastIsTrailer, let first = line.first, isSpace(first) {
        items[items.count - 1] += line
        continue
      }
      items.append(line)
      lastIsTrailer = separator(in: line) >= 1
    }
    var trailers: [Trailer] = []
    for item in items where item.first != comment {
      let at = separator(in: item)
      guard at >= 1 else { continue }
      let key = trimmed(item[..<at])
      let value = unfolded(item[(at + 1)...])
      trailers.append(Trailer(key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
    }
    return trailers
  }

  /// The values of every trailer whose key is `key`, compared as git does (ASCII, any case).
  public static func values(of key: String, in message: [UInt8]) -> [String] {
    parse(message).filter { $0.key.lowercased() == key.lowercased() }.map(\.value)
  }

  // MARK: - git's trailer.c and commit.c, byte for byte

  private static let comment = UInt8(ascii: "#")
  private static let newline = UInt8(ascii: "\n")
  private static let scissors = Array("# ------------------------ >8 ------------------------\n".utf8)
  private static let gitGenerated = [Array("Signed-off-by: ".utf8), Array("(cherry picked from commit ".utf8)]

  /// C's `isspace` in the C locale.
  private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
  }

  /// Where the line starting at `from` ends (after its newline), within `limit`.
  private static func lineEnd(_ bytes: [UInt8], from: Int, limit: Int) -> Int {
    var index = from
    while index < limit {
      if bytes[index] == newline { return index + 1 }
      index += 1
    }
    return limit
  }

  /// The start of the last line before `length` (a final newline belongs to that line), or -1.
  private static func lastLine(_ bytes: [UInt8], before length: Int) -> Int {
    if length == 0 { return -1 }
    if length == 1 { return 0 }
    var index = length - 2
    while index >= 0 {
      if bytes[index] == newline { return index + 1 }
      index -= 1
    }
    return 0
  }

  private static func isBlankLine(_ bytes: [UInt8], at start: Int, limit: Int) -> Bool {
    var index = start
    while index < limit, bytes[index] != newline, isSpace(bytes[index]) { index += 1 }
    return index >= limit || bytes[index] == newline
  }

  private static func hasPrefix(_ bytes: [UInt8], at start: Int, limit: Int, _ prefix: [UInt8]) -> Bool {
    guard limit - start >= prefix.count else { return false }
    return bytes[start..<start + prefix.count].elementsEqual(prefix)
  }

  /// git's `find_separator`: the position of the `:` after a token of letters, digits and `-`
  /// (whitespace may follow the token), or -1. The line ends at its newline.
  private static func separator<Line: Collection>(in line: Line) -> Int where Line.Element == UInt8, Line.Index == Int {
    var whitespaceFound = false
    var offset = 0
    for index in line.indices {
      defer { offset += 1 }
      let byte = line[index]
      if byte == UInt8(ascii: ":") { return offset }
      if !whitespaceFound && (isAlphanumeric(byte) || byte == UInt8(ascii: "-")) { continue }
      if offset != 0 && (byte == 0x20 || byte == 0x09) {
        whitespaceFound = true
        continue
      }
      break
    }
    return -1
  }

  private static func separator(in bytes: [UInt8], at start: Int, limit: Int) -> Int {
    separator(in: bytes[start..<lineEnd(bytes, from: start, limit: limit)])
  }

  /// commit.c's `ignore_non_trailer`: how many bytes at the end are not part of the message
  /// (trailing blank and comment lines, an old `Conflicts:` block, a scissors line and after).
  private static func ignoredTail(_ bytes: [UInt8]) -> Int {
    let length = bytes.count
    var cutoff = length
    if hasPrefix(bytes, at: 0, limit: length, scissors) {
      cutoff = 0
    } else if length > scissors.count {
      var index = 0
      while index + 1 + scissors.count <= length {
        if bytes[index] == newline && hasPrefix(bytes, at: index + 1, limit: length, scissors) {
          cutoff = index + 1
          break
        }
        index += 1
      }
    }
    var runStart = 0
    var line = 0
    var inConflicts = false
    while line < cutoff {
      let next = lineEnd(bytes, from: line, limit: cutoff)
      if bytes[line] == comment || bytes[line] == newline {
        if runStart == 0 { runStart = line }
      } else if hasPrefix(bytes, at: line, limit: length, Array("Conflicts:\n".utf8)) {
        inConflicts = true
        if runStart == 0 { runStart = line }
      } else if inConflicts && bytes[line] == 0x09 {
        // a path in the conflicts block
      } else if runStart != 0 {
        runStart = 0
        inConflicts = false
      }
      line = next
    }
    return runStart != 0 ? length - runStart : length - cutoff
  }

  /// trailer.c's `find_trailer_start`: where the trailer block begins, or `end` when there is none.
  private static func blockStart(_ bytes: [UInt8], end: Int) -> Int {
    var endOfTitle = 0
    while endOfTitle < end {
      if bytes[endOfTitle] != comment && isBlankLine(bytes, at: endOfTitle, limit: end) { break }
      endOfTitle = lineEnd(bytes, from: endOfTitle, limit: end)
    }
    var onlySpaces = true
    var recognizedPrefix = false
    var trailerLines = 0
    var nonTrailerLines = 0
    var possibleContinuationLines = 0
    var line = lastLine(bytes, before: end)
    while line >= endOfTitle {
      defer { line = lastLine(bytes, before: line) }
      if bytes[line] == comment {
        nonTrailerLines += possibleContinuationLines
        possibleContinuationLines = 0
        continue
      }
      if isBlankLine(bytes, at: line, limit: end) {
        if onlySpaces { continue }
        nonTrailerLines += possibleContinuationLines
        if recognizedPrefix && trailerLines * 3 >= nonTrailerLines { return lineEnd(bytes, from: line, limit: end) }
        if trailerLines > 0 && nonTrailerLines == 0 { return lineEnd(bytes, from: line, limit: end) }
        return end
      }
      onlySpaces = false
      if gitGenerated.contains(where: { hasPrefix(bytes, at: line, limit: end, $0) }) {
        trailerLines += 1
        possibleContinuationLines = 0
        recognizedPrefix = true
        continue
      }
      if separator(in: bytes, at: line, limit: end) >= 1 && !isSpace(bytes[line]) {
        trailerLines += 1
        possibleContinuationLines = 0
      } else if isSpace(bytes[line]) {
        possibleContinuationLines += 1
      } else {
        nonTrailerLines += 1 + possibleContinuationLines
        possibleContinuationLines = 0
      }
    }
    return end
  }

  private static func trimmed(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var result = Array(bytes)
    while let last = result.last, isSpace(last) { result.removeLast() }
    let leading = result.prefix(while: isSpace).count
    return Array(result.dropFirst(leading))
  }

  /// trailer.c's `unfold_value` on the trimmed value: each newline and the whitespace after it
  /// become one space.
  private static func unfolded(_ bytes: some Collection<UInt8>) -> [UInt8] {
    let value = trimmed(bytes)
    var result: [UInt8] = []
    var index = 0
    while index < value.count {
      let byte = value[index]
      index += 1
      if byte == newline {
        while index < value.count, isSpace(value[index]) { index += 1 }
        result.append(0x20)
      } else {
        result.append(byte)
      }
    }
    return trimmed(result)
  }
}
