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
    var t = 0
    var p = 0
    var star = -1
    var mark = 0
    while t < text.count {
      if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t]) {
        t += 1
        p += 1
      } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
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
    while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }
}
