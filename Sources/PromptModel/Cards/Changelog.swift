import Foundation

/// A card's changelog, in any of the three forms teams write.
public enum Changelog: Sendable, Equatable {
  /// `changelog:` as a list of `{version, date, author, changes}`.
  case entries([ChangelogEntry])
  /// The seed's `changelog: |` block of bullet lines: a new version must add a line.
  case lines([String])

  /// Parses the `## [x.y.z]` headings of a Keep-a-Changelog file (`## x.y.z` and `## [vx.y.z] -
  /// date` too); `## [Unreleased]` is not a version.
  public static func markdownVersions(_ text: String) -> [String] {
    var versions: [String] = []
    // Split on the newline byte: as Characters, "\r\n" is one character and never equals "\n".
    for bytes in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
      // Most lines are prose; only one with a `#` can be a heading, and trimming costs.
      guard bytes.contains(UInt8(ascii: "#")) else { continue }
      let line = String(decoding: bytes, as: UTF8.self)
      let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
      guard trimmed.hasPrefix("## ") else { continue }
      var heading = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
      if heading.hasPrefix("[") {
        guard let close = heading.firstIndex(of: "]") else { continue }
        heading = String(heading[heading.index(after: heading.startIndex)..<close])
      } else {
        heading = String(heading.prefix { !$0.isWhitespace })
      }
      if PromptVersion(heading) != nil { versions.append(heading) }
    }
    return versions
  }
}

public struct ChangelogEntry: Sendable, Equatable {
  public let version: String
  public let line: Int
}
