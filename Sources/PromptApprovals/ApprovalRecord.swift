import Foundation
import PromptModel

/// One reviewer's signed decision about one prompt's exact content for one environment: a YAML
/// file under `approvals/<id>/`.
///
/// The signature covers every other field through `canonicalBytes`, so no field can change
/// after signing, and a record copied to another prompt or version still names the original.
public struct ApprovalRecord: Sendable, Equatable {
  public enum Decision: String, Sendable, CaseIterable {
    case approved
    case rejected
    case changesRequested = "changes-requested"
  }

  /// What a sign-off covers. Each item is recorded as ticked or not, so a record shows what the
  /// reviewer looked at as well as what they did not.
  public enum ChecklistItem: String, Sendable, CaseIterable, Comparable {
    case evalsPassed = "evals_passed"
    case scoresReviewed = "scores_reviewed"
    case testsForNewBehaviour = "tests_for_new_behaviour"
    case costWithinLimits = "cost_within_limits"
    case injectionRiskReviewed = "injection_risk_reviewed"
    case sensitiveDataReviewed = "sensitive_data_reviewed"
    case rollbackPathKnown = "rollback_path_known"

    public var meaning: String {
      switch self {
      case .evalsPassed: return "the eval results were reviewed and passed"
      case .scoresReviewed: return "the pass rate and scores were seen"
      case .testsForNewBehaviour: return "new behaviour has new test cases"
      case .costWithinLimits: return "cost and tokens are within limits"
      case .injectionRiskReviewed: return "prompt-injection risk was considered"
      case .sensitiveDataReviewed: return "no sensitive data is exposed"
      case .rollbackPathKnown: return "a fallback and rollback path exists"
      }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
  }

  public var promptID: String
  public var version: String
  public var sha256: String
  public var environment: String
  public var reviewer: String
  public var role: String
  public var decision: Decision
  /// When the reviewer decided, in UTC, to the second; allowed-signer validity is checked here.
  public var reviewedAt: Date
  public var checklist: [ChecklistItem: Bool]
  public var notes: String
  /// The armored SSHSIG over `canonicalBytes`; nil when unsigned.
  public var signature: String?

  public init(
    promptID: String, version: String, sha256: String, environment: String, reviewer: String, role: String,
    decision: Decision, reviewedAt: Date, checklist: [ChecklistItem: Bool] = [:], notes: String = "",
    signature: String? = nil
  ) {
    self.promptID = promptID
    self.version = version
    self.sha256 = sha256
    self.environment = environment
    self.reviewer = reviewer
    self.role = role
    self.decision = decision
    self.reviewedAt = Date(timeIntervalSince1970: reviewedAt.timeIntervalSince1970.rounded(.down))
    self.checklist = Dictionary(uniqueKeysWithValues: ChecklistItem.allCases.map { ($0, checklist[$0] ?? false) })
    self.notes = notes
    self.signature = signature
  }

  /// The SSH signature namespace of approvals: a signature made for git commits, files or any
  /// other purpose never verifies as an approval.
  public static let signatureNamespace = "promptops-approval"

  /// Where each field starts in the file, for findings.
  public struct Lines: Sendable, Equatable {
    public var promptID = 1, version = 1, sha256 = 1, environment = 1, reviewer = 1, role = 1, decision = 1,
      reviewedAt = 1
    public var signature = 1
  }

  public var lines = Lines()

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.canonicalBytes == rhs.canonicalBytes && lhs.signature == rhs.signature
  }

  // MARK: - Canonical form

  /// The exact bytes the signature covers: every field but `signature` as one line of JSON, keys
  /// in byte order, no insignificant whitespace, strings escaped only where JSON requires
  /// (`"`, `\`, control characters), `reviewed_at` as `YYYY-MM-DDTHH:MM:SSZ`. Independent of how
  /// the YAML file happens to be laid out, so reformatting a record never breaks it, while any
  /// change of a value does.
  public var canonicalBytes: [UInt8] {
    var fields: [(String, String)] = [
      (
        "checklist",
        "{"
          + ChecklistItem.allCases.sorted().map { "\(Self.jsonString($0.rawValue)):\(checklist[$0] == true)" }.joined(
            separator: ",") + "}"
      ),
      ("decision", Self.jsonString(decision.rawValue)),
      ("environment", Self.jsonString(environment)),
      ("notes", Self.jsonString(notes)),
      ("prompt_id", Self.jsonString(promptID)),
      ("reviewed_at", Self.jsonString(Self.formatTimestamp(reviewedAt))),
      ("reviewer", Self.jsonString(reviewer)),
      ("role", Self.jsonString(role)),
      ("sha256", Self.jsonString(sha256)),
      ("version", Self.jsonString(version)),
    ]
    fields.sort { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
    return Array(("{" + fields.map { "\(Self.jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}").utf8)
  }

  static func jsonString(_ text: String) -> String { JSONValue.quoted(text) }

  // MARK: - Timestamps

  public static func formatTimestamp(_ date: Date) -> String {
    UTCTime.rfc3339(date)
  }

  /// `YYYY-MM-DDTHH:MM:SSZ`, UTC only: one spelling per instant, so the canonical form is unique.
  public static func parseTimestamp(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T"),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for byte in bytes[range] {
        guard (0x30...0x39).contains(byte) else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
      let minute = number(14..<16), let second = number(17..<19),
      let seconds = UTCTime.seconds(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    else { return nil }
    return Date(timeIntervalSince1970: TimeInterval(seconds))
  }

  // MARK: - The YAML file

  /// The record as a YAML file. Every string is double-quoted (YAML's JSON-compatible style),
  /// so no value is ever read back as a number, date or boolean.
  public var yaml: String {
    var text = "# A signed approval made by `promptops approve`. Any edit invalidates the signature.\n"
    text += "prompt_id: \(Self.yamlString(promptID))\n"
    text += "version: \(Self.yamlString(version))\n"
    text += "sha256: \(Self.yamlString(sha256))\n"
    text += "environment: \(Self.yamlString(environment))\n"
    text += "reviewer: \(Self.yamlString(reviewer))\n"
    text += "role: \(Self.yamlString(role))\n"
    text += "decision: \(Self.yamlString(decision.rawValue))\n"
    text += "reviewed_at: \(Self.yamlString(Self.formatTimestamp(reviewedAt)))\n"
    text += "checklist:\n"
    for item in ChecklistItem.allCases {
      text += "  \(item.rawValue): \(checklist[item] == true)\n"
    }
    text += "notes: \(Self.yamlString(notes))\n"
    if let signature {
      text += "signature: |\n"
      for line in signature.split(whereSeparator: \.isNewline) where !line.isEmpty {
        text += "  \(line)\n"
      }
    }
    return text
  }

  /// A YAML double-quoted scalar: JSON escaping, plus the characters YAML does not allow raw.
  static func yamlString(_ text: String) -> String {
    JSONValue.quoted(text) { value in
      value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029 || value == 0xFEFF
    }
  }

  static let fieldNames = [
    "prompt_id", "version", "sha256", "environment", "reviewer", "role", "decision", "reviewed_at", "checklist",
    "notes", "signature",
  ]

  /// Reads a record file strictly: every field typed, no unknown keys (an unsigned extra field
  /// would look like part of the approval without being covered by the signature).
  public static func parse(_ text: String, file: String) throws(ApprovalError) -> ApprovalRecord {
    func fail(_ line: Int, _ message: String) -> ApprovalError {
      .record(file: file, line: max(line, 1), message: message)
    }
    let root: YAMLValue?
    do {
      root = try YAMLValue.parse(text)
    } catch {
      throw fail(error.line ?? 1, error.message)
    }
    func mappingPairs(_ node: YAMLValue, _ what: String) throws(ApprovalError) -> [(
      key: String, keyLine: Int, value: YAMLValue
    )]? {
      do {
        return try node.stringPairs
      } catch {
        throw fail(node.line, "a key of \(what) \(error)")
      }
    }
    guard let root, let pairs = try mappingPairs(root, "the record") else {
      throw fail(root?.line ?? 1, "an approval record is a mapping of fields")
    }
    var values: [String: (line: Int, node: YAMLValue)] = [:]
    for (key, keyLine, value) in pairs {
      guard fieldNames.contains(key) else {
        throw fail(keyLine, "unknown field `\(key)` (known: \(fieldNames.joined(separator: ", ")))")
      }
      values[key] = (keyLine, value)
    }
    func optionalString(_ key: String) throws(ApprovalError) -> (String, Int)? {
      guard let entry = values[key] else { return nil }
      guard let text = entry.node.scalarString else { throw fail(entry.line, "`\(key)` must be a string") }
      return (text, entry.line)
    }
    func string(_ key: String) throws(ApprovalError) -> (String, Int) {
      guard let (text, line) = try optionalString(key) else { throw fail(1, "missing field `\(key)`") }
      guard !text.isEmpty else { throw fail(line, "`\(key)` must not be empty") }
      return (text, line)
    }
    var lines = Lines()
    let (promptID, promptLine) = try string("prompt_id")
    lines.promptID = promptLine
    let (version, versionLine) = try string("version")
    lines.version = versionLine
    let (sha256, shaLine) = try string("sha256")
    lines.sha256 = shaLine
    guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
    else {
      throw fail(shaLine, "`sha256` must be 64 lowercase hex digits (the SHA-256 of the prompt text)")
    }
    let (environment, environmentLine) = try string("environment")
    lines.environment = environmentLine
    let (reviewer, reviewerLine) = try string("reviewer")
    lines.reviewer = reviewerLine
    let (role, roleLine) = try string("role")
    lines.role = roleLine
    let (decisionText, decisionLine) = try string("decision")
    lines.decision = decisionLine
    guard let decision = Decision(rawValue: decisionText) else {
      throw fail(
        decisionLine,
        "`decision` must be one of \(Decision.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(decisionText)')"
      )
    }
    let (reviewedText, reviewedLine) = try string("reviewed_at")
    lines.reviewedAt = reviewedLine
    guard let reviewedAt = parseTimestamp(reviewedText) else {
      throw fail(reviewedLine, "`reviewed_at` must be a UTC time written YYYY-MM-DDTHH:MM:SSZ (got '\(reviewedText)')")
    }
    var checklist: [ChecklistItem: Bool] = [:]
    if let entry = values["checklist"] {
      guard let items = try mappingPairs(entry.node, "`checklist`") else {
        throw fail(entry.line, "`checklist` must be a mapping of items to true or false")
      }
      for (key, keyLine, value) in items {
        guard let item = ChecklistItem(rawValue: key) else {
          throw fail(
            keyLine,
            "unknown checklist item `\(key)` (known: \(ChecklistItem.allCases.map(\.rawValue).joined(separator: ", ")))"
          )
        }
        guard let text = value.scalarString, value.isPlainScalar, ["true", "false"].contains(text) else {
          throw fail(value.line, "checklist item `\(key)` must be true or false")
        }
        checklist[item] = text == "true"
      }
    }
    let notes = try optionalString("notes")?.0 ?? ""
    var signature: String?
    if let (text, line) = try optionalString("signature"), !text.isEmpty {
      signature = text
      lines.signature = line
    }
    var record = ApprovalRecord(
      promptID: promptID, version: version, sha256: sha256, environment: environment, reviewer: reviewer, role: role,
      decision: decision, reviewedAt: reviewedAt, checklist: checklist, notes: notes, signature: signature)
    record.lines = lines
    return record
  }
}
