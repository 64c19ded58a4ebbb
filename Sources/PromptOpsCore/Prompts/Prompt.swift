import Crypto
import Foundation

/// One prompt as it stands in one snapshot: its text, its content hash and its card.
///
/// A class, for the same reason as `PromptChange`: prompts are passed around far more often
/// than they are made, and never changed.
public final class Prompt: Sendable {
  public let location: PromptLocation
  /// The prompt text (for a single file, the body after the front matter); nil when missing.
  public let text: String?
  /// SHA-256 of the prompt text's bytes, computed here and never trusted from the card.
  public var sha256: String? { textDigest?.hex }
  /// The text's bytes and their hash, made when first asked for.
  let textDigest: ContentDigest?
  /// 1-based line of the file where the text starts (after front matter).
  public let textStartLine: Int
  public let card: PromptCard?
  /// Reasons the card (or the prompt's files) could not be read.
  public let problems: [CardProblem]
  /// The raw CHANGELOG.md beside a folder prompt, if there is one.
  public let changelogMarkdown: String?

  init(
    location: PromptLocation, textBytes: [UInt8]?, textStartLine: Int, card: PromptCard?,
    problems: [CardProblem], changelogMarkdown: String?
  ) {
    self.location = location
    self.text = textBytes.map { String(decoding: $0, as: UTF8.self) }
    self.textDigest = textBytes.map(ContentDigest.init)
    self.textStartLine = textStartLine
    self.card = card
    self.problems = problems
    self.changelogMarkdown = changelogMarkdown
  }

  /// The id the prompt is known by: the card's, or where the card is unreadable, its location's.
  public var id: String { card?.id ?? location.expectedID }

  /// Whether the two texts are the same bytes (or both missing): what equal hashes would say,
  /// without hashing.
  func hasSameText(as other: Prompt) -> Bool {
    switch (textDigest, other.textDigest) {
    case (nil, nil): true
    case (let mine?, let theirs?): mine.bytes == theirs.bytes
    default: false
    }
  }

  public static func sha256(of bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: bytes) {
      hex.append(digits[Int(byte >> 4)])
      hex.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
  }
}

/// The SHA-256 of a prompt text, made the first time it is asked for.
///
/// A check reported as text never needs it (two texts are compared as bytes), and hashing every
/// changed prompt on both sides was a fifteenth of a 100-commit check; reports, approvals and
/// promotion ask for it and get the same hash as before.
final class ContentDigest: @unchecked Sendable, Equatable {
  let bytes: [UInt8]
  private var computed: String?
  private let lock = NSLock()

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// A hash read back from a report, without the text it was made of (`bytes` is empty).
  init(hex: String) {
    bytes = []
    computed = hex
  }

  /// Two digests are equal when their hashes are.
  static func == (lhs: ContentDigest, rhs: ContentDigest) -> Bool { lhs.hex == rhs.hex }

  var hex: String {
    lock.lock()
    defer { lock.unlock() }
    if let computed { return computed }
    let made = Prompt.sha256(of: bytes)
    computed = made
    return made
  }
}

/// Reads prompts from a snapshot of the repository: only the blobs of the prompt asked for.
public struct PromptReader {
  let repository: SnapshotReader
  let layout: PromptLayout

  public init(repository: SnapshotReader, layout: PromptLayout) {
    self.repository = repository
    self.layout = layout
  }

  /// The prompt at `location`, or nil when none of its files exist in this snapshot.
  public func read(_ location: PromptLocation) throws -> Prompt? {
    switch location.kind {
    case .singleFile:
      guard let bytes = try repository.contents(at: location.textPath) else { return nil }
      guard let front = FrontMatter(bytes) else {
        return Prompt(
          location: location, textBytes: bytes, textStartLine: 1,
          card: nil,
          problems: [CardProblem(file: location.cardPath, line: 1, message: "no YAML front matter: the file must start with a `---` line, the card, and a closing `---` line")],
          changelogMarkdown: nil)
      }
      let parsed = PromptCard.parse(front.yaml, file: location.cardPath, lineOffset: front.yamlLineOffset)
      return Prompt(
        location: location, textBytes: Array(front.body),
        textStartLine: front.bodyStartLine, card: parsed.card, problems: parsed.problems + idProblems(parsed.card, location),
        changelogMarkdown: nil)
    case .folder:
      let textBytes = try repository.contents(at: location.textPath)
      let cardBytes = try repository.contents(at: location.cardPath)
      guard textBytes != nil || cardBytes != nil else { return nil }
      var problems: [CardProblem] = []
      var card: PromptCard?
      if let cardBytes {
        let parsed = PromptCard.parse(String(decoding: cardBytes, as: UTF8.self), file: location.cardPath)
        card = parsed.card
        problems += parsed.problems + idProblems(parsed.card, location)
      } else {
        problems.append(CardProblem(file: location.cardPath, line: 1, message: "the prompt has no card: add \(location.cardPath) with id, description and version"))
      }
      if textBytes == nil {
        problems.append(CardProblem(file: location.textPath, line: 1, message: "the card has no prompt text beside it: add \(location.textPath)"))
      }
      let changelog = try location.changelogPath.flatMap { try repository.contents(at: $0) }
      return Prompt(
        location: location, textBytes: textBytes, textStartLine: 1, card: card, problems: problems,
        changelogMarkdown: changelog.map { String(decoding: $0, as: UTF8.self) })
    }
  }

  private func idProblems(_ card: PromptCard?, _ location: PromptLocation) -> [CardProblem] {
    guard let card, card.id != location.expectedID else { return [] }
    let what = location.kind == .folder ? "folder" : "file"
    return [CardProblem(file: location.cardPath, line: card.lines.id, message: "id '\(card.id)' does not match its \(what) name '\(location.expectedID)': rename one so they agree")]
  }
}
