import Foundation

/// A card's changelog, in any of the three forms teams write.
public enum Changelog: Sendable, Equatable {
  /// `changelog:` as a list of `{version, date, author, changes}`.
  case entries([ChangelogEntry])
  /// The seed's `changelog: |` block of bullet lines: a new version must add a line.
  case lines([String])

  /// Parses the `## [x.y.z]` headings of a Keep-a-Changelog file (`## x.y.z` and `## [vx.y.z] -
  /// date` too); `## [Unreleased]` is not a version. Only headings a Markdown reader shows as the
  /// document's own count: not one in an HTML comment, a code block, a quote or a list item.
  public static func markdownVersions(_ text: String) -> [String] {
    MarkdownHeadings.level2(in: text).compactMap(version(inHeading:))
  }

  /// The version a level-2 heading's text names, if any.
  static func version(inHeading heading: String) -> String? {
    var heading = Substring(heading)
    if heading.hasPrefix("[") {
      guard let close = heading.firstIndex(of: "]") else { return nil }
      heading = heading[heading.index(after: heading.startIndex)..<close]
    } else {
      heading = heading.prefix { !$0.isWhitespace }
    }
    let text = String(heading)
    return PromptVersion(text) != nil ? text : nil
  }
}

public struct ChangelogEntry: Sendable, Equatable {
  public let version: String
  public let line: Int
}
