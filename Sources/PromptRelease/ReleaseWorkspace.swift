import Foundation
import GitKit
import PromptModel

/// Everything a release command works with: the repository, its committed configuration, the
/// lock file, the audit log, the evidence source and the git program.
public final class ReleaseWorkspace {
  public let repository: Repository
  /// HEAD's committed configuration: what governs releases, not an uncommitted edit.
  public let context: GateContext
  public var configuration: Configuration { context.configuration }
  public let layout: PromptLayout
  /// The top of the working tree.
  public let workingDirectory: String
  public let lockStore: LockFileStore
  public let auditLog: AuditLog
  public let evidence: any PromotionEvidence
  /// HEAD when the workspace was opened.
  public let head: ObjectID

  public var settings: PromotionSettings { configuration.promotion }

  /// Opens the release state of `repository`. The configuration is HEAD's `.promptops.yml`:
  /// what is committed governs releases, not an uncommitted edit.
  /// The environment the git program runs with (nil: this process's).
  public let gitEnvironment: [String: String]?

  public init(repository: Repository, evidence: (any PromotionEvidence)? = nil, gitEnvironment: [String: String]? = nil)
    throws
  {
    self.repository = repository
    self.gitEnvironment = gitEnvironment
    guard let top = repository.workingDirectory else {
      throw PromptOpsError.repository(
        "promotion reads and writes the lock file in a working tree; this repository is bare")
    }
    workingDirectory = top.hasSuffix("/") ? String(top.dropLast()) : top
    guard let head = try repository.headCommit() else {
      throw PromptOpsError.repository("the repository has no commits yet; commit the prompts before promoting them")
    }
    self.head = head
    context = try GateContext.load(from: .commit(head), in: repository)
    layout = context.layout
    let settings = context.configuration.promotion
    let gitDirectory = repository.gitDirectory.hasSuffix("/") ? repository.gitDirectory : repository.gitDirectory + "/"
    lockStore = LockFileStore(
      path: workingDirectory + "/" + settings.lockFile, displayPath: settings.lockFile,
      mutexPath: gitDirectory + "promptops-lock.flock")
    auditLog = AuditLog(path: workingDirectory + "/" + settings.auditLog, displayPath: settings.auditLog)
    self.evidence = evidence ?? PromotionEvidenceSource.make(repository: repository, context: context)
  }

  /// The configured environment of this name; a usage error listing the known ones otherwise.
  public func environment(_ name: String) throws -> PromotionSettings.Environment {
    guard let environment = settings.environment(named: name) else {
      throw PromptOpsError.usage(
        "unknown environment '\(name)' (configured: \(settings.environments.map(\.name).joined(separator: ", ")); see `promotion.environments` in .promptops.yml)"
      )
    }
    return environment
  }

  public func git() throws -> GitCommandLine {
    try GitCommandLine(directory: workingDirectory, environment: gitEnvironment)
  }

  /// The current time, RFC 3339 in UTC, to the second.
  public static func now() -> String {
    UTCTime.rfc3339(Date())
  }

  /// The prompt text's bytes exactly as stored at `commit` (a single file's body after its front
  /// matter).
  func textBytes(of prompt: Prompt, at commit: ObjectID) throws -> [UInt8]? {
    guard let bytes = try repository.contents(at: prompt.location.textPath, in: .commit(commit)) else { return nil }
    if prompt.location.kind == .singleFile { return FrontMatter(bytes).map { Array($0.body) } }
    return bytes
  }

  /// The content hash of the prompt text at `path` in `commit`, or nil when there is no such
  /// file (a single file's body after its front matter).
  public func contentHash(path: String, commit: ObjectID) throws -> String? {
    guard let bytes = try repository.contents(at: path, in: .commit(commit)) else { return nil }
    if let location = layout.location(containing: path), location.kind == .singleFile, location.textPath == path {
      return FrontMatter(bytes).map { Prompt.sha256(of: Array($0.body)) } ?? Prompt.sha256(of: bytes)
    }
    return Prompt.sha256(of: bytes)
  }

  /// Makes sure the release tag of a version exists on its commit: an existing tag with the
  /// same commit and content hash is fine; anything else is refused (`tag-mismatch`).
  /// Returns whether the tag was created now.
  func ensureTag(_ message: ReleaseTagMessage, commit: ObjectID, sign: Bool, signingKey: String?) throws -> (
    name: String, created: Bool
  ) {
    let name = settings.tagName(id: message.id, version: message.version)
    func compare(_ existing: AnnotatedTag) throws {
      let recorded = ReleaseTagMessage.parse(existing.message)
      guard existing.commit == commit, let recorded, recorded.sha256 == message.sha256, recorded.id == message.id else {
        throw PromotionRefused(reasons: [
          "[\(RuleID.tagMismatch.rawValue)] tag \(name) already exists on commit \(existing.commit.hex.prefix(12))"
            + (recorded.map { " recording sha256 \($0.sha256.prefix(12))…" } ?? " without a promptops release message")
            + ", but version \(message.version) is commit \(commit.hex.prefix(12)) with sha256 \(message.sha256.prefix(12))…; "
            + "inspect it with `git show \(name)`, and delete it (`git tag -d \(name)`) only if it is wrong"
        ])
      }
    }
    if let existing = try repository.tag(named: name) {
      try compare(existing)
      return (name, false)
    }
    do {
      try git().createAnnotatedTag(name, commit: commit, message: message.text, sign: sign, signingKey: signingKey)
      return (name, true)
    } catch let error as GitError {
      // Another promotion of the same version may have created it meanwhile.
      guard let existing = try repository.tag(named: name) else { throw error }
      try compare(existing)
      return (name, false)
    }
  }
}

/// A promotion or rollback that the evidence or the rules do not allow: refused, exit 1, as a
/// gate violation is; one line per reason, each saying what is missing.
public struct PromotionRefused: Error, CustomStringConvertible, Equatable, ClassifiedFailure {
  public let reasons: [String]

  public init(reasons: [String]) { self.reasons = reasons }

  public var description: String { reasons.joined(separator: "\n") }

  public var errorDescription: String? { description }

  public var failureKind: FailureKind { .refused }
}
