import Foundation
import PromptModel

/// The keys trusted to sign approvals, read from an `allowed_signers` file in the format git and
/// `ssh-keygen -Y verify` use (ssh-keygen(1), ALLOWED SIGNERS):
///
///     principals [options] keytype base64-key [comment]
///
/// `principals` is a pattern-list of identities (`*` and `?` wildcards, `!` negation);
/// options are `namespaces="…"` (a pattern-list), `valid-after=`/`valid-before=` (YYYYMMDD[Z] or
/// YYYYMMDDHHMM[SS][Z]; local standard time unless `Z`, UTC recommended) and `cert-authority`. Certificate authorities are
/// refused: promptops verifies plain keys only, and says so rather than ignoring the line.
public struct AllowedSigners: Sendable {
  public struct Entry: Sendable {
    public let principals: String
    public let namespaces: String?
    public let validAfter: Date?
    public let validBefore: Date?
    public let key: SSHPublicKey
    public let line: Int
  }

  public let file: String
  public let entries: [Entry]
  /// Lines whose key approvals cannot verify (hardware keys, RSA keys under 2048 bits), with the type.
  public let unsupportedLines: [(line: Int, type: String)]

  /// Parses the file's text; an unreadable line is an error naming the file and line.
  public init(_ text: String, file: String, timeZone: TimeZone = .current) throws {
    self.file = file
    var entries: [Entry] = []
    var unsupported: [(Int, String)] = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty || line.hasPrefix("#") { continue }
      func invalid(_ message: String) -> PromptOpsError {
        .invalidConfiguration(file: file, line: lineNumber, message: message)
      }
      var scanner = FieldScanner(line)
      guard let principals = scanner.next(), !principals.isEmpty else {
        throw invalid("expected `principals [options] keytype key`")
      }
      guard var field = scanner.next() else { throw invalid("no key after the principals") }
      var namespaces: String?
      var validAfter: Date?
      var validBefore: Date?
      if !Self.looksLikeKeyType(field) {
        for option in Self.splitOptions(field) {
          let (name, value) = Self.option(option)
          switch name.lowercased() {
          case "cert-authority":
            throw invalid(
              "cert-authority lines are not supported: list each reviewer's own key (ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa)"
            )
          case "namespaces":
            guard let value, !value.isEmpty else { throw invalid("namespaces= needs a value") }
            namespaces = value
          case "valid-after":
            guard let value, let date = Self.timestamp(value, timeZone: timeZone) else {
              throw invalid("valid-after must be YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]")
            }
            validAfter = date
          case "valid-before":
            guard let value, let date = Self.timestamp(value, timeZone: timeZone) else {
              throw invalid("valid-before must be YYYYMMDD[Z] or YYYYMMDDHHMM[SS][Z]")
            }
            validBefore = date
          default:
            throw invalid("unknown option '\(name)' (known: namespaces, valid-after, valid-before)")
          }
        }
        guard let next = scanner.next() else { throw invalid("no key after the options") }
        field = next
      }
      guard let base64 = scanner.next() else { throw invalid("the key type \(field) has no key after it") }
      let key: SSHPublicKey
      do {
        key = try SSHPublicKey(type: field, base64: base64)
      } catch .unsupportedKeyType(let type) {
        // The same file often serves git's commit signing with RSA or hardware keys: such a
        // line is kept out of approvals (never trusted), not a reason to stop the gate.
        unsupported.append((lineNumber, type))
        continue
      } catch .tooShort(let bits) {
        unsupported.append((lineNumber, "\(field) (\(bits) bits)"))
        continue
      } catch {
        throw invalid(error.description)
      }
      entries.append(
        Entry(
          principals: principals, namespaces: namespaces, validAfter: validAfter, validBefore: validBefore, key: key,
          line: lineNumber))
    }
    self.entries = entries
    self.unsupportedLines = unsupported
  }

  /// Finds the line that trusts `key` for `principal` in `namespace` at `time`, as
  /// `ssh-keygen -Y verify -I principal -n namespace -Overify-time=…` does.
  public func authorize(key: SSHPublicKey, principal: String, namespace: String, at time: Date) -> Result<
    Entry, ApprovalError
  > {
    var refusal: ApprovalError = .unknownKey(principal: principal, key: key.description)
    for entry in entries where entry.key == key && PatternList.matches(principal, entry.principals) {
      if let namespaces = entry.namespaces, !PatternList.matches(namespace, namespaces) {
        refusal = .namespaceNotAllowed(principal: principal, namespace: namespace, line: entry.line)
        continue
      }
      if let after = entry.validAfter, time < after {
        refusal = .notYetValid(principal: principal, line: entry.line)
        continue
      }
      if let before = entry.validBefore, time > before {
        refusal = .expired(principal: principal, line: entry.line)
        continue
      }
      return .success(entry)
    }
    return .failure(refusal)
  }

  /// Who may hold `key`, as far as this file can tell: the principals of every line that lists
  /// it, whatever that line's namespaces or validity (they limit what the key may sign, not who
  /// holds it).
  public func holder(of key: SSHPublicKey) -> KeyHolder {
    KeyHolder(principalLists: entries.filter { $0.key == key }.map(\.principals))
  }

  // MARK: - Line syntax

  private static func looksLikeKeyType(_ field: String) -> Bool {
    field.hasPrefix("ssh-") || field.hasPrefix("ecdsa-") || field.hasPrefix("sk-") || field.hasPrefix("rsa-")
  }

  /// Splits `a,b="x,y",c` at commas outside quotes.
  private static func splitOptions(_ field: String) -> [String] {
    var options: [String] = []
    var current = ""
    var quoted = false
    for character in field {
      if character == "\"" { quoted.toggle() }
      if character == "," && !quoted {
        options.append(current)
        current = ""
      } else {
        current.append(character)
      }
    }
    options.append(current)
    return options
  }

  private static func option(_ text: String) -> (String, String?) {
    guard let equals = text.firstIndex(of: "=") else { return (text, nil) }
    var value = String(text[text.index(after: equals)...])
    if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
    return (String(text[..<equals]), value)
  }

  /// `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`, in local time unless suffixed with `Z`.
  static func timestamp(_ text: String, timeZone: TimeZone) -> Date? {
    var digits = Array(text.utf8)
    var utc = false
    if let last = digits.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") {
      digits.removeLast()
      utc = true
    }
    guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
    func value(_ start: Int, _ length: Int) -> Int {
      digits[start..<start + length].reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
    guard
      let seconds = UTCTime.seconds(
        year: value(0, 4), month: value(4, 2), day: value(6, 2), hour: digits.count >= 12 ? value(8, 2) : 0,
        minute: digits.count >= 12 ? value(10, 2) : 0, second: digits.count == 14 ? value(12, 2) : 0)
    else { return nil }
    let wallClock = Date(timeIntervalSince1970: TimeInterval(seconds))
    if utc { return wallClock }
    // A local wall-clock time, read as ssh-keygen reads it: mktime() with tm_isdst = 0, that is
    // in the zone's standard time even while daylight saving time is in effect (so
    // "202607011230" in Europe/Berlin is 11:30 UTC, not 10:30). Verdicts then match
    // `ssh-keygen -Y verify` on the same machine.
    let offset = timeZone.secondsFromGMT(for: wallClock) - Int(timeZone.daylightSavingTimeOffset(for: wallClock))
    return wallClock.addingTimeInterval(-TimeInterval(offset))
  }
}

/// The people one key may stand for: every email its allowed signers lines name. One person
/// with two addresses (`alice@work,alice@home ssh-ed25519 …`, or two lines with the same key) is
/// one holder, so an approval signed as one address is the approval of the other too.
///
/// A pattern principal (`*@example.com`) names no one person: it is taken to stand for everyone
/// it matches, the stricter reading (a key listed as `*@example.com` is the same person as any
/// author at example.com). A negation (`!mallory@example.com`) does not narrow it: it says which
/// principal the key may not sign as, not who holds the key. Emails compare without regard to case.
public struct KeyHolder: Sendable, Equatable {
  /// Literal principals, lowercased.
  public let emails: Set<String>
  /// Principals with `*` or `?`, lowercased.
  public let patterns: [String]

  init(principalLists: [String]) {
    var emails: Set<String> = []
    var patterns: [String] = []
    for list in principalLists {
      for principal in list.split(separator: ",", omittingEmptySubsequences: true) where !principal.hasPrefix("!") {
        let lowercased = principal.lowercased()
        if lowercased.contains("*") || lowercased.contains("?") {
          if !patterns.contains(lowercased) { patterns.append(lowercased) }
        } else {
          emails.insert(lowercased)
        }
      }
    }
    self.emails = emails
    self.patterns = patterns
  }

  /// The principal (an email, or a pattern) by which this holder may be `email`, or nil.
  public func principal(naming email: String) -> String? {
    let email = email.lowercased()
    if emails.contains(email) { return email }
    return patterns.first { PatternList.wildcard(Array(email.utf8), Array($0.utf8)) }
  }
}

/// Splits an `allowed_signers` line into whitespace-separated fields, keeping double-quoted
/// runs (which may hold spaces) inside one field.
struct FieldScanner {
  private var rest: Substring

  init(_ line: String) { rest = Substring(line) }

  mutating func next() -> String? {
    rest = rest.drop { $0 == " " || $0 == "\t" }
    guard !rest.isEmpty else { return nil }
    var field = ""
    var quoted = false
    while let character = rest.first {
      if !quoted && (character == " " || character == "\t") { break }
      if character == "\"" { quoted.toggle() }
      field.append(character)
      rest = rest.dropFirst()
    }
    if field.count >= 2, field.hasPrefix("\""), field.hasSuffix("\""), !field.dropFirst().dropLast().contains("\"") {
      return String(field.dropFirst().dropLast())
    }
    return field
  }
}
