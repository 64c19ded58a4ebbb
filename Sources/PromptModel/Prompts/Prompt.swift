import Crypto
import Foundation

/// One prompt as it stands in one snapshot: its text, its content hash and its card.
///
/// A class, for the same reason as `PromptChange`: prompts are passed around far more often
/// than they are made, and never changed.
public final class Prompt: Sendable {
  public let location: PromptLocation
  /// The prompt text (for a single file, the body after the front matter); nil when missing.
  ///
  /// Decoded from the stored bytes on each use: a prompt is held once, as the bytes git stores
  /// (a 100 MB prompt would otherwise sit in memory twice on each side of a change). The rules
  /// read `textBytes`; templates and diffs decode.
  public var text: String? { textDigest.map { String(decoding: $0.bytes, as: UTF8.self) } }
  /// The prompt text's bytes as git stores them; nil when missing.
  package var textBytes: [UInt8]? { textDigest?.bytes }
  /// SHA-256 of the prompt text's bytes, computed here and never trusted from the card.
  public var sha256: String? { textDigest?.hex }
  /// The text's bytes and their hash, made when first asked for.
  package let textDigest: ContentDigest?
  /// 1-based line of the file where the text starts (after front matter).
  public let textStartLine: Int
  public let card: PromptCard?
  /// Reasons the card (or the prompt's files) could not be read.
  public let problems: [CardProblem]
  /// The raw CHANGELOG.md beside a folder prompt, if there is one.
  public let changelogMarkdown: String?
  /// The prompt's text or card (or its single file) where git stores a link or a submodule.
  public let nonRegularFiles: [NonRegularEntry]

  init(
    location: PromptLocation, textBytes: [UInt8]?, textStartLine: Int, card: PromptCard?,
    problems: [CardProblem], changelogMarkdown: String?, nonRegularFiles: [NonRegularEntry] = []
  ) {
    self.location = location
    self.textDigest = textBytes.map(ContentDigest.init)
    self.textStartLine = textStartLine
    self.card = card
    self.problems = problems
    self.changelogMarkdown = changelogMarkdown
    self.nonRegularFiles = nonRegularFiles
  }

  /// The id the prompt is known by: the card's, or where the card is unreadable, its location's.
  public var id: String { card?.id ?? location.expectedID }

  /// Whether the two texts are the same bytes (or both missing): what equal hashes would say,
  /// without hashing.
  package func hasSameText(as other: Prompt) -> Bool {
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
package final class ContentDigest: @unchecked Sendable, Equatable {
  let bytes: [UInt8]
  private var computed: String?
  private let lock = NSLock()

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  /// A hash read back from a report, without the text it was made of (`bytes` is empty).
  package init(hex: String) {
    bytes = []
    computed = hex
  }

  /// Two digests are equal when their hashes are.
  package static func == (lhs: ContentDigest, rhs: ContentDigest) -> Bool { lhs.hex == rhs.hex }

  package var hex: String {
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
  ///
  /// A text, card or single file that git stores as a link or a submodule is listed in
  /// `nonRegularFiles` (the `prompt-not-regular-file` rule reports it). A link's text is read as
  /// git stores it (the target's name: what the hash and the version rules see); a link's card is
  /// not parsed, nor is a single file that is a link, as the target's name is no card.
  public func read(_ location: PromptLocation) throws -> Prompt? {
    switch location.kind {
    case .singleFile:
      guard let entry = try repository.fileEntry(at: location.textPath) else { return nil }
      if let nonRegular = try NonRegularEntry.at(
        entry, place: .singleFile, promptID: location.expectedID, reader: repository)
      {
        return Prompt(
          location: location, textBytes: nonRegular.kind == .symlink ? nonRegular.linkBlob : nil, textStartLine: 1,
          card: nil,
          problems: [], changelogMarkdown: nil, nonRegularFiles: [nonRegular])
      }
      let bytes = try repository.blob(entry.id)
      guard let front = FrontMatter(bytes) else {
        return Prompt(
          location: location, textBytes: bytes, textStartLine: 1,
          card: nil,
          problems: [
            CardProblem(
              file: location.cardPath, line: 1,
              message: "no YAML front matter: the file must start with a `---` line, the card, and a closing `---` line"
            )
          ],
          changelogMarkdown: nil)
      }
      let parsed = PromptCard.parse(front.yaml, file: location.cardPath, lineOffset: front.yamlLineOffset)
      return Prompt(
        location: location, textBytes: Array(front.body),
        textStartLine: front.bodyStartLine, card: parsed.card,
        problems: parsed.problems + idProblems(parsed.card, location),
        changelogMarkdown: nil)
    case .folder:
      let textEntry = try repository.fileEntry(at: location.textPath)
      let cardEntry = try repository.fileEntry(at: location.cardPath)
      guard textEntry != nil || cardEntry != nil else { return nil }
      var nonRegular: [NonRegularEntry] = []
      var textBytes: [UInt8]?
      if let textEntry {
        if let link = try NonRegularEntry.at(textEntry, place: .text, promptID: location.expectedID, reader: repository)
        {
          nonRegular.append(link)
          textBytes = link.kind == .symlink ? link.linkBlob : nil
        } else {
          textBytes = try repository.blob(textEntry.id)
        }
      }
      var cardBytes: [UInt8]?
      if let cardEntry {
        if let link = try NonRegularEntry.at(cardEntry, place: .card, promptID: location.expectedID, reader: repository)
        {
          nonRegular.append(link)
        } else {
          cardBytes = try repository.blob(cardEntry.id)
        }
      }
      var problems: [CardProblem] = []
      var card: PromptCard?
      if let cardBytes {
        let parsed = PromptCard.parse(String(decoding: cardBytes, as: UTF8.self), file: location.cardPath)
        card = parsed.card
        problems += parsed.problems + idProblems(parsed.card, location)
      } else if cardEntry == nil {
        problems.append(
          CardProblem(
            file: location.cardPath, line: 1,
            message: "the prompt has no card: add \(location.cardPath) with id, description and version"))
      }
      if textEntry == nil {
        problems.append(
          CardProblem(
            file: location.textPath, line: 1, message: "the card has no prompt text beside it: add \(location.textPath)"
          ))
      }
      let changelog = try location.changelogPath.flatMap { try repository.contents(at: $0) }
      return Prompt(
        location: location, textBytes: textBytes, textStartLine: 1, card: card, problems: problems,
        changelogMarkdown: changelog.map { String(decoding: $0, as: UTF8.self) }, nonRegularFiles: nonRegular)
    }
  }

  private func idProblems(_ card: PromptCard?, _ location: PromptLocation) -> [CardProblem] {
    guard let card, card.id != location.expectedID else { return [] }
    let what = location.kind == .folder ? "folder" : "file"
    return [
      CardProblem(
        file: location.cardPath, line: card.lines.id,
        message: "id '\(card.id)' does not match its \(what) name '\(location.expectedID)': rename one so they agree")
    ]
  }
}
