/// Prompt ids that differ only by case are one id.
///
/// `prompts/a/` and `prompts/A/` are two folders to git, but one on the case-insensitive file
/// systems of a default macOS or Windows checkout: whichever is written last wins, and the
/// prompt a team reviewed is not the one that runs. So duplicates are found, and deletions are
/// paired with additions, by the folded id.
package enum PromptIDCase {
  /// The id with ASCII letters lowercased (`A`–`Z` to `a`–`z`, byte by byte); an id holding any
  /// other character is lowercased whole by Swift's `lowercased()`, Unicode's default lowercase
  /// mapping (not full case folding: `ß` and `SS` stay apart, as most file systems keep them).
  /// Folded ids compare as Swift strings, as ids always have.
  package static func folded(_ id: String) -> String {
    guard id.utf8.allSatisfy({ $0 < 0x80 }) else { return id.lowercased() }
    guard id.utf8.contains(where: { (0x41...0x5A).contains($0) }) else { return id }
    return String(decoding: id.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
  }
}
