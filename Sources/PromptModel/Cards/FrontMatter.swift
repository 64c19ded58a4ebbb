/// Splits a single-file prompt into its YAML front matter (the card) and its body (the text).
///
/// Works on the file's bytes: the body's hash is the hash of its exact bytes (two different
/// invalid UTF-8 sequences must not look alike), and CRLF line ends and a UTF-8 byte order mark
/// are accepted, as editors write them.
package struct FrontMatter {
  package let yaml: String
  /// Lines before the YAML starts (the opening `---`), for line numbers in the file.
  let yamlLineOffset: Int
  /// The body exactly as stored.
  package let body: ArraySlice<UInt8>
  /// 1-based line of the file where the body starts.
  let bodyStartLine: Int

  /// Returns nil when the file does not start with a `---` line or never closes it.
  package init?(_ bytes: [UInt8]) {
    var start = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // UTF-8 byte order mark
    func lineEnd(from index: Int) -> Int { bytes[index...].firstIndex(of: 0x0A) ?? bytes.count }
    func isFence(_ from: Int, _ end: Int) -> Bool {
      var line = bytes[from..<end]
      while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line = line.dropLast() }
      return line.elementsEqual([0x2D, 0x2D, 0x2D])  // ---
    }
    let firstEnd = lineEnd(from: start)
    guard isFence(start, firstEnd), firstEnd < bytes.count else { return nil }
    var cursor = firstEnd + 1
    var line = 2
    while cursor <= bytes.count {
      let end = lineEnd(from: cursor)
      if cursor < bytes.count && isFence(cursor, end) {
        yaml = String(decoding: bytes[(firstEnd + 1)..<cursor], as: UTF8.self)
        yamlLineOffset = 1
        body = end < bytes.count ? bytes[(end + 1)...] : []
        bodyStartLine = line + 1
        return
      }
      guard end < bytes.count else { return nil }
      cursor = end + 1
      line += 1
    }
    return nil
  }
}
