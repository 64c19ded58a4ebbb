import Foundation
import Version

/// A prompt's SemVer 2.0.0 version, as written in its card (a leading `v` is accepted).
///
/// Validation is strict (the grammar of semver.org: no leading zeros, no empty identifiers);
/// precedence comes from the Version package.
public struct PromptVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The text as written in the card, e.g. `v2.1.0`.
  public let text: String
  public let semver: Version

  private static let grammar = try! NSRegularExpression(
    pattern: #"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"#
      + #"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"#
      + #"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"#)

  public init?(_ text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    let bare = trimmed.hasPrefix("v") ? String(trimmed.dropFirst()) : trimmed
    let range = NSRange(bare.startIndex..., in: bare)
    guard Self.grammar.firstMatch(in: bare, range: range) != nil, let semver = Version(bare) else { return nil }
    self.text = trimmed
    self.semver = semver
  }

  public var isPrerelease: Bool { !semver.prereleaseIdentifiers.isEmpty }

  /// The version without `v` and without build metadata, for comparisons and messages.
  public var normalized: String {
    var text = "\(semver.major).\(semver.minor).\(semver.patch)"
    if isPrerelease { text += "-" + semver.prereleaseIdentifiers.joined(separator: ".") }
    return text
  }

  public var description: String { text }

  /// SemVer precedence: build metadata is ignored, so `1.0.0+a` and `1.0.0+b` are equal.
  public static func < (lhs: PromptVersion, rhs: PromptVersion) -> Bool { lhs.semver < rhs.semver }
  public static func == (lhs: PromptVersion, rhs: PromptVersion) -> Bool { lhs.semver == rhs.semver }
  public func hash(into hasher: inout Hasher) { hasher.combine(semver) }

  /// The smallest version above this one at the given level: what a user should write.
  public func bumped(_ level: BumpLevel) -> String {
    let prefix = text.hasPrefix("v") ? "v" : ""
    let v = semver
    switch level {
    case .none: return text
    case .patch: return prefix + (isPrerelease ? "\(v.major).\(v.minor).\(v.patch)" : "\(v.major).\(v.minor).\(v.patch + 1)")
    case .minor: return prefix + "\(v.major).\(v.minor + 1).0"
    case .major: return prefix + "\(v.major + 1).0.0"
    }
  }
}

/// How big a version change is, or must be.
public enum BumpLevel: String, Codable, Sendable, Comparable, CaseIterable {
  case none, patch, minor, major

  private var rank: Int { BumpLevel.allCases.firstIndex(of: self)! }
  public static func < (lhs: BumpLevel, rhs: BumpLevel) -> Bool { lhs.rank < rhs.rank }

  /// The level of the step from `old` to `new`, which must be higher.
  ///
  /// Moving within a pre-release line (`2.0.0-rc.1` → `2.0.0-rc.2` or → `2.0.0`) counts as
  /// major: the pre-release already announced the level of the release it leads to.
  public static func between(_ old: PromptVersion, _ new: PromptVersion) -> BumpLevel {
    let a = old.semver
    let b = new.semver
    guard old < new else { return .none }
    if b.major != a.major { return .major }
    if b.minor != a.minor { return .minor }
    if b.patch != a.patch { return .patch }
    return .major
  }
}
