/// Splits a single-file prompt into its YAML front matter (the card) and its body (the text).
struct FrontMatter {
  let yaml: String
  /// Lines before the YAML starts (the opening `---`), for line numbers in the file.
  let yamlLineOffset: Int
  let body: String
  /// 1-based line of the file where the body starts.
  let bodyStartLine: Int

  /// Returns nil when the file does not start with a `---` line or never closes it.
  init?(_ text: String) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    func isFence(_ line: Substring) -> Bool { line.trimmingCharacters(in: .whitespaces.union(["\r"])) == "---" }
    guard let first = lines.first, isFence(first) else { return nil }
    guard let close = lines.dropFirst().firstIndex(where: isFence) else { return nil }
    yaml = lines[1..<close].joined(separator: "\n")
    yamlLineOffset = 1
    let bodyLines = lines[(close + 1)...]
    var body = bodyLines.joined(separator: "\n")
    if text.hasSuffix("\n") && !bodyLines.isEmpty { body += "\n" }
    self.body = body
    bodyStartLine = close + 2
  }
}
