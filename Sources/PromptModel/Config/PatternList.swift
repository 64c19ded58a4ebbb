/// OpenSSH pattern-lists (ssh_config(5), PATTERNS): comma-separated patterns with `*` and `?`;
/// a `!` pattern that matches vetoes the whole list. Case-sensitive, as ssh-keygen matches
/// principals and namespaces.
package enum PatternList {
  package static func matches(_ text: String, _ list: String) -> Bool {
    var matched = false
    for pattern in list.split(separator: ",", omittingEmptySubsequences: true) {
      if pattern.hasPrefix("!") {
        if wildcard(Array(text.utf8), Array(pattern.dropFirst().utf8)) { return false }
      } else if wildcard(Array(text.utf8), Array(pattern.utf8)) {
        matched = true
      }
    }
    return matched
  }

  /// `*` matches any run of bytes, `?` one byte.
  package static func wildcard(_ text: [UInt8], _ pattern: [UInt8]) -> Bool {
    wildcard(text, pattern, anyRun: UInt8(ascii: "*"), one: UInt8(ascii: "?"))
  }

  /// `anyRun` in `pattern` matches any run of elements, `one` a single element; the rest match
  /// themselves. Linear backtracking to the last star only, so no pattern is exponential.
  static func wildcard<Element: Equatable>(_ text: [Element], _ pattern: [Element], anyRun: Element, one: Element)
    -> Bool
  {
    var t = 0
    var p = 0
    var star = -1
    var mark = 0
    while t < text.count {
      if p < pattern.count && (pattern[p] == one || pattern[p] == text[t]) {
        t += 1
        p += 1
      } else if p < pattern.count && pattern[p] == anyRun {
        star = p
        mark = t
        p += 1
      } else if star >= 0 {
        p = star + 1
        mark += 1
        t = mark
      } else {
        return false
      }
    }
    while p < pattern.count && pattern[p] == anyRun { p += 1 }
    return p == pattern.count
  }
}

/// The globs `.promptops.yml` selects prompts by (`approvals.policy[].prompts` and
/// `evals.suites[].prompts`): one matcher for both, so a policy and a suite that name the same
/// pattern always cover the same prompts. An id is one path component (a folder's or file's
/// name), so `*` (any run) and `?` (one character) are all a pattern needs; both count Unicode
/// scalars, so `?` matches `é` as it matches `e`.
package enum PromptIDGlob {
  package static func matches(_ id: String, _ pattern: String) -> Bool {
    PatternList.wildcard(Array(id.unicodeScalars), Array(pattern.unicodeScalars), anyRun: "*", one: "?")
  }
}
