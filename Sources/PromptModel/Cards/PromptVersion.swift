/// A prompt's SemVer 2.0.0 version, as written in its card (a leading `v` is accepted).
///
/// Validation is strict (the grammar of semver.org: no leading zeros, no empty identifiers), and
/// precedence is semver.org's §11 read on the identifiers as written: numbers of any length
/// compare as numbers (`1.0.0-100000000000000000000` is above `1.0.0-99999999999999999999`),
/// and an identifier with a letter or a hyphen in it (`-5`) is text, which ranks above every
/// number. Converting to a machine integer would misread both.
public struct PromptVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The text as written in the card, e.g. `v2.1.0`.
  public let text: String
  /// MAJOR, MINOR and PATCH as written: digits without leading zeros, however many.
  public let major: String
  public let minor: String
  public let patch: String
  /// The dot-separated identifiers after `-`; empty for a release.
  public let prereleaseIdentifiers: [String]

  public init?(_ text: String) {
    let trimmed = text.trimmedSpaces
    let bare = trimmed.hasPrefix("v") ? String(trimmed.dropFirst()) : trimmed
    guard Self.isValidSemVer(bare) else { return nil }
    let withoutBuild = bare.utf8.prefix { $0 != 43 }  // "+"
    let core = withoutBuild.prefix { $0 != 45 }  // "-"
    let numbers = core.split(separator: 46, omittingEmptySubsequences: false).map { String(Substring($0)) }  // "."
    self.text = trimmed
    major = numbers[0]
    minor = numbers[1]
    patch = numbers[2]
    prereleaseIdentifiers =
      core.endIndex < withoutBuild.endIndex
      ? withoutBuild[withoutBuild.index(after: core.endIndex)...].split(separator: 46, omittingEmptySubsequences: false)
        .map { String(Substring($0)) }
      : []
  }

  /// Whether `text` names this version (SemVer equality: build metadata aside), without parsing
  /// `text` unless it can match. Changelogs list every version a prompt ever had, and most
  /// entries are compared with a version they cannot be; valid versions without leading zeros
  /// are equal exactly when their texts are, less the `v` and the build metadata.
  package func isNamed(by text: String) -> Bool {
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
  /// without leading zeros.
  package static func isValidSemVer(_ text: String) -> Bool {
    let utf8 = Array(text.utf8)
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

  private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

  public var isPrerelease: Bool { !prereleaseIdentifiers.isEmpty }

  /// The version without `v` and without build metadata, for comparisons and messages.
  public var normalized: String {
    var text = "\(major).\(minor).\(patch)"
    if isPrerelease { text += "-" + prereleaseIdentifiers.joined(separator: ".") }
    return text
  }

  public var description: String { text }

  // MARK: - Precedence (semver.org §11)

  /// SemVer precedence: build metadata is ignored, so `1.0.0+a` and `1.0.0+b` are equal.
  public static func < (lhs: PromptVersion, rhs: PromptVersion) -> Bool { lhs.precedence(comparedWith: rhs) < 0 }

  /// Equal precedence is equal text (less `v` and build metadata): numbers have no leading zeros.
  public static func == (lhs: PromptVersion, rhs: PromptVersion) -> Bool {
    lhs.major == rhs.major && lhs.minor == rhs.minor && lhs.patch == rhs.patch
      && lhs.prereleaseIdentifiers == rhs.prereleaseIdentifiers
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(major)
    hasher.combine(minor)
    hasher.combine(patch)
    hasher.combine(prereleaseIdentifiers)
  }

  /// Negative, zero or positive as this version's precedence is below, equal to or above `other`'s.
  func precedence(comparedWith other: PromptVersion) -> Int {
    // §11.2: MAJOR, MINOR and PATCH, numerically.
    for (mine, theirs) in [(major, other.major), (minor, other.minor), (patch, other.patch)] {
      let order = Self.compareNumbers(mine, theirs)
      if order != 0 { return order }
    }
    // §11.3: a pre-release is below its release.
    switch (prereleaseIdentifiers.isEmpty, other.prereleaseIdentifiers.isEmpty) {
    case (true, true): return 0
    case (true, false): return 1
    case (false, true): return -1
    case (false, false): break
    }
    // §11.4: identifier by identifier; then the longer list is above.
    for (mine, theirs) in zip(prereleaseIdentifiers, other.prereleaseIdentifiers) {
      let order = Self.compareIdentifiers(mine, theirs)
      if order != 0 { return order }
    }
    return prereleaseIdentifiers.count == other.prereleaseIdentifiers.count
      ? 0 : (prereleaseIdentifiers.count < other.prereleaseIdentifiers.count ? -1 : 1)
  }

  /// §11.4.1–3: digits-only identifiers compare numerically, others in ASCII order, and a
  /// numeric one is below an alphanumeric one (`-5` has a hyphen, so it is alphanumeric).
  static func compareIdentifiers(_ a: String, _ b: String) -> Int {
    let aNumeric = a.utf8.allSatisfy(isDigit)
    let bNumeric = b.utf8.allSatisfy(isDigit)
    switch (aNumeric, bNumeric) {
    case (true, true): return compareNumbers(a, b)
    case (true, false): return -1
    case (false, true): return 1
    case (false, false): return compareBytes(a, b)
    }
  }

  /// Two digit strings without leading zeros, of any length, as numbers: the longer is larger,
  /// and equal lengths compare digit by digit.
  static func compareNumbers(_ a: String, _ b: String) -> Int {
    let (aCount, bCount) = (a.utf8.count, b.utf8.count)
    return aCount != bCount ? (aCount < bCount ? -1 : 1) : compareBytes(a, b)
  }

  private static func compareBytes(_ a: String, _ b: String) -> Int {
    if a == b { return 0 }
    return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
  }

  // MARK: - Suggestions

  /// The smallest version above this one at the given level: what a user should write.
  public func bumped(_ level: BumpLevel) -> String {
    let prefix = text.hasPrefix("v") ? "v" : ""
    switch level {
    case .none: return text
    case .patch: return prefix + "\(major).\(minor).\(isPrerelease ? patch : Self.successor(of: patch))"
    case .minor: return prefix + "\(major).\(Self.successor(of: minor)).0"
    case .major: return prefix + "\(Self.successor(of: major)).0.0"
    }
  }

  /// A digit string plus one, in decimal, however long (`999` → `1000`): never traps.
  static func successor(of number: String) -> String {
    var digits = Array(number.utf8)
    var index = digits.count - 1
    while index >= 0 && digits[index] == 57 {  // "9"
      digits[index] = 48
      index -= 1
    }
    if index >= 0 { digits[index] += 1 } else { digits.insert(49, at: 0) }
    return String(decoding: digits, as: UTF8.self)
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
    guard old < new else { return .none }
    if new.major != old.major { return .major }
    if new.minor != old.minor { return .minor }
    if new.patch != old.patch { return .patch }
    if new.patch != "0" { return .patch }
    return new.minor != "0" ? .minor : .major
  }
}
