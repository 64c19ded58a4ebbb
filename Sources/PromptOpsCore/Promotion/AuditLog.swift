import Foundation

/// `audit/promptops-audit.jsonl`: an append-only record of every promotion and rollback, one
/// JSON object per line (schemas/audit.schema.json). Lines are only ever appended, each in a
/// single `write` on a file opened with `O_APPEND`, then flushed to disk.
public struct AuditLog: Sendable {
  public let path: String
  public let displayPath: String

  public init(path: String, displayPath: String) {
    self.path = path
    self.displayPath = displayPath
  }

  /// One event: who did what to which pin, when, and why.
  public struct Event: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case promote, rollback }

    public var event: Kind
    public var at: String
    public var by: String
    public var environment: String
    public var promptID: String
    public var from: Ref?
    public var to: Ref
    public var reason: String?
    public var evals: String?
    public var approvers: [String]?
    /// For rollbacks: the outcome of re-running the target's evals.
    public var revalidation: String?
    /// For `rollback --restore`: the new version that carries the restored content.
    public var restoredAs: String?

    public struct Ref: Codable, Sendable, Equatable {
      public var version: String
      public var sha256: String
      public var commit: String

      public init(version: String, sha256: String, commit: String) {
        self.version = version
        self.sha256 = sha256
        self.commit = commit
      }
    }

    public init(event: Kind, at: String, by: String, environment: String, promptID: String, from: Ref?, to: Ref) {
      self.event = event
      self.at = at
      self.by = by
      self.environment = environment
      self.promptID = promptID
      self.from = from
      self.to = to
    }

    enum CodingKeys: String, CodingKey {
      case event, at, by, environment, from, to, reason, evals, approvers, revalidation
      case promptID = "prompt_id", restoredAs = "restored_as"
    }
  }

  public func append(_ event: Event) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var line = try encoder.encode(event)
    line.append(0x0A)
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw PromptOpsError.io(path: displayPath, message: "cannot open the audit log: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    try AtomicFile.writeAll(line, to: descriptor, display: displayPath)
    fsync(descriptor)
  }

  /// Every event in the log (none when it does not exist); a line that is not an event is an
  /// error naming its line.
  public func read() throws -> [Event] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return try Self.events(in: data, displayPath: displayPath)
  }

  /// The events of a log's text (the working file's, or a committed one); a line that is not an
  /// event is an error naming `displayPath` and the line.
  public static func events(in data: Data, displayPath: String) throws -> [Event] {
    var events: [Event] = []
    for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
      do {
        events.append(try JSONDecoder().decode(Event.self, from: Data(line)))
      } catch {
        throw PromptOpsError.io(path: "\(displayPath):\(index + 1)", message: "not an audit event: \(error)")
      }
    }
    return events
  }
}
