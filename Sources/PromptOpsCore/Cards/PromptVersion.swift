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

  public init?(_ text: String) {
    let trimmed = text.trimmedSpaces
    let bare = trimmed.hasPrefix("v") ? String(trimmed.dropFirst()) : trimmed
    guard Self.isValidSemVer(bare), let semver = Version(bare) else { return nil }
    self.text = trimmed
    self.semver = semver
  }

  /// Whether `text` names this version (SemVer equality: build metadata aside), without parsing
  /// `text` unless it can match. Changelogs list every version a prompt ever had, and most
  /// entries are compared with a version they cannot be; valid versions without leading zeros
  /// are equal exactly when their texts are, less the `v` and the build metadata.
  func isNamed(by text: String) -> Bool {
    func key(_ text: String) -> Substring {
      let trimmed = text.trimmedSpaces
      let bare = trimmed.hasPrefix("v") ? trimmed.dropFirst() : trimmed[...]
      return bare.prefix { $0 != "+" }
    }
    guard key(text) == key(self.text) else { return false }
    return PromptVersion(text) == self
  }

  /// The grammar of semver.org: `MAJOR.MINOR.PATCH`, numbers without leading zeros, optional
  /// `-pre.release` and `+build` identifiers of `[0-9A-Za-z-]`, numeric pre-release identifiers
  /// without leading zeros. (The Version package accepts more, so it is checked here first.)
  static func isValidSemVer(_ text: String) -> Bool {
    let utf8 = Array(text.utf8)
    func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    func isIdentifierCharacter(_ c: UInt8) -> Bool {
      isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45
    }
    func validNumber(_ part: ArraySlice<UInt8>) -> Bool {
      !part.isEmpty && part.allSatisfy(isDigit) && (part.count == 1 || part.first != 48)
    }
    let buildStart = utf8.firstIndex(of: 43) ?? utf8.endIndex  // "+"
    let preStart = utf8[..<buildStart].firstIndex(of: 45) ?? buildStart  // "-"
    let core = utf8[..<preStart].split(separator: 46, omittingEmptySubsequences: false)  // "."
    guard core.count == 3, core.allSatisfy(validNumber) else { return false }
    if preStart < buildStart {
      let identifiers = utf8[(preStart + 1)..<buildStart].split(separator: 46, omittingEmptySubsequences: false)
      for identifier in identifiers {
        guard !identifier.isEmpty, identifier.allSatisfy(isIdentifierCharacter) else { return false }
        if identifier.allSatisfy(isDigit) && !validNumber(identifier) { return false }
      }
    }
    if buildStart < utf8.endIndex {
      let identifiers = utf8[(buildStart + 1)...].split(separator: 46, omittingEmptySubsequences: false)
      guard identifiers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isIdentifierCharacter) }) else { return false }
    }
    return true
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
    // Saturating: a card may carry absurdly large numbers; the suggestion must not trap.
    func next(_ n: Int) -> Int { n == Int.max ? n : n + 1 }
    switch level {
    case .none: return text
    case .patch: return prefix + (isPrerelease ? "\(v.major).\(v.minor).\(v.patch)" : "\(v.major).\(v.minor).\(next(v.patch))")
    case .minor: return prefix + "\(v.major).\(next(v.minor)).0"
    case .major: return prefix + "\(next(v.major)).0.0"
    }
  }
}

extension String {
  /// Without leading and trailing spaces and tabs (cheaper than Foundation's CharacterSet trim).
  var trimmedSpaces: String {
    let utf8 = self.utf8
    guard let first = utf8.firstIndex(where: { $0 != 32 && $0 != 9 }) else { return "" }
    let last = utf8.lastIndex(where: { $0 != 32 && $0 != 9 })!
    return String(self[first...last])
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
  /// the level the release itself announces: `x.0.0` major, `x.y.0` minor, `x.y.z` patch.
  public static func between(_ old: PromptVersion, _ new: PromptVersion) -> BumpLevel {
    let a = old.semver
    let b = new.semver
    guard old < new else { return .none }
    if b.major != a.major { return .major }
    if b.minor != a.minor { return .minor }
    if b.patch != a.patch { return .patch }
    if b.patch > 0 { return .patch }
    return b.minor > 0 ? .minor : .major
  }
}
