import Foundation
import PromptModel

/// `promptops.lock`: which prompt version runs in which environment.
///
/// JSON (schemas/lock.schema.json), written with sorted keys and two-space indentation so that a
/// promotion changes exactly the lines of its pin and reviews read as a diff:
///
/// ```json
/// { "lockfile_version": 1,
///   "environments": { "prod": { "support-triage": { "version": "1.2.0", "sha256": "…",
///     "commit": "…", "path": "prompts/support-triage/prompt.txt",
///     "promoted_by": "Ann <ann@example.com>", "promoted_at": "2026-11-25T10:00:00Z" } } } }
/// ```
public struct LockFile: Codable, Sendable, Equatable {
  public static let formatVersion = 1

  public var lockfileVersion = LockFile.formatVersion
  /// environment → prompt id → pin.
  public var environments: [String: [String: Pin]] = [:]

  public init() {}

  enum CodingKeys: String, CodingKey {
    case lockfileVersion = "lockfile_version"
    case environments
  }

  /// One prompt pinned in one environment.
  public struct Pin: Codable, Sendable, Equatable {
    /// The card's version at the pinned commit.
    public var version: String
    /// SHA-256 of the prompt text at `commit`: what `verify` and `show` check.
    public var sha256: String
    /// The commit that introduced this version (the release tag points here).
    public var commit: String
    /// Repository-relative path of the prompt text at `commit`.
    public var path: String
    public var promotedBy: String
    /// RFC 3339, UTC.
    public var promotedAt: String
    /// Set when this pin was made by `promptops rollback`.
    public var rollback: RollbackRecord?

    public init(
      version: String, sha256: String, commit: String, path: String, promotedBy: String, promotedAt: String,
      rollback: RollbackRecord? = nil
    ) {
      self.version = version
      self.sha256 = sha256
      self.commit = commit
      self.path = path
      self.promotedBy = promotedBy
      self.promotedAt = promotedAt
      self.rollback = rollback
    }

    enum CodingKeys: String, CodingKey {
      case version, sha256, commit, path, rollback
      case promotedBy = "promoted_by"
      case promotedAt = "promoted_at"
    }
  }

  /// Why a pin went back to an earlier version, kept in the pin itself (and in the audit log).
  public struct RollbackRecord: Codable, Sendable, Equatable {
    public var fromVersion: String
    public var fromSha256: String
    public var reason: String
    public var revalidation: String

    public init(fromVersion: String, fromSha256: String, reason: String, revalidation: String) {
      self.fromVersion = fromVersion
      self.fromSha256 = fromSha256
      self.reason = reason
      self.revalidation = revalidation
    }

    enum CodingKeys: String, CodingKey {
      case fromVersion = "from_version"
      case fromSha256 = "from_sha256"
      case reason, revalidation
    }
  }

  public func pin(_ id: String, in environment: String) -> Pin? { environments[environment]?[id] }

  /// Parses the lock file's text; errors name the file and what is wrong.
  public static func parse(_ data: Data, file: String) throws -> LockFile {
    let lock: LockFile
    do {
      lock = try JSONDecoder().decode(LockFile.self, from: data)
    } catch let DecodingError.dataCorrupted(context) {
      throw PromptOpsError.io(path: file, message: "not a valid lock file: \(describe(context))")
    } catch let DecodingError.keyNotFound(key, context) {
      throw PromptOpsError.io(
        path: file, message: "not a valid lock file: `\(key.stringValue)` is missing at \(path(context))")
    } catch let DecodingError.typeMismatch(_, context) {
      throw PromptOpsError.io(path: file, message: "not a valid lock file: \(describe(context))")
    } catch let DecodingError.valueNotFound(_, context) {
      throw PromptOpsError.io(path: file, message: "not a valid lock file: \(describe(context))")
    } catch {
      throw PromptOpsError.io(path: file, message: "not a valid lock file: \(error)")
    }
    guard lock.lockfileVersion == formatVersion else {
      throw PromptOpsError.io(
        path: file,
        message:
          "lockfile_version \(lock.lockfileVersion) is not supported; this promptops reads version \(formatVersion)")
    }
    for (environment, pins) in lock.environments {
      for (id, pin) in pins
      where pin.sha256.range(of: "^[0-9a-f]{64}$", options: .regularExpression) == nil
        || pin.commit.range(of: "^[0-9a-f]{40}$", options: .regularExpression) == nil
      {
        throw PromptOpsError.io(
          path: file,
          message:
            "not a valid lock file: the pin of '\(id)' in '\(environment)' needs a 64-digit sha256 and a 40-digit commit id"
        )
      }
    }
    return lock
  }

  /// The canonical text: sorted keys, two-space indentation, a final newline.
  public func encoded() throws -> Data {
    var data = try JSONWriter.pretty(self)
    data.append(0x0A)
    return data
  }

  private static func path(_ context: DecodingError.Context) -> String {
    let keys = context.codingPath.map(\.stringValue)
    return keys.isEmpty ? "the top level" : keys.joined(separator: ".")
  }

  private static func describe(_ context: DecodingError.Context) -> String {
    "\(path(context)): \(context.debugDescription)"
  }
}
