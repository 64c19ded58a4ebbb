import Foundation
import PromptModel

/// `audit/promptops-audit.jsonl`: an append-only record of every promotion and rollback, one
/// JSON object per line (schemas/audit.schema.json). Lines are only ever appended, each in a
/// single `write` on a file opened with `O_APPEND`, then flushed to disk; the one exception is
/// the event of a promotion whose later step failed, which that promotion takes back before it
/// reports the failure (see `Promoter`).
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
      case promptID = "prompt_id"
      case restoredAs = "restored_as"
    }
  }

  /// Where an appended event begins, so that a later step of the same promotion that fails can
  /// take the event back (`takeBack`).
  public struct Appended: Sendable, Equatable {
    /// The log's length before the event.
    let offset: off_t
    /// Whether the append created the file.
    let created: Bool
  }

  /// Appends one event and flushes it to disk before returning: once this returns, the event
  /// survives a crash. A write or flush that fails (a full disk) leaves the log as it was.
  /// Callers hold the promotion lock, the only writer of the log.
  @discardableResult
  public func append(_ event: Event) throws -> Appended {
    var line = try JSONWriter.line(event)
    line.append(0x0A)
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw PromptOpsError.io(
        path: displayPath, message: "cannot create the audit log's folder: \(error.localizedDescription)")
    }
    var created = true
    var descriptor = open(path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    if descriptor < 0 && errno == EEXIST {
      created = false
      descriptor = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
    }
    guard descriptor >= 0 else {
      throw PromptOpsError.io(
        path: displayPath, message: "cannot open the audit log: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      throw PromptOpsError.io(path: displayPath, message: "the audit log is not a regular file")
    }
    var length = status.st_size
    // A last line without its line break: an append that never completed is removed; an event
    // (an edit by hand) must not swallow the new one.
    var last: UInt8 = 0x0A
    if length > 0 && pread(descriptor, &last, 1, length - 1) == 1 && last != 0x0A {
      guard let existing = FileManager.default.contents(atPath: path) else {
        throw PromptOpsError.io(path: displayPath, message: "cannot read the audit log")
      }
      let complete = Self.completeLength(of: existing)
      if complete < existing.count {
        guard ftruncate(descriptor, off_t(complete)) == 0 else {
          throw PromptOpsError.io(
            path: displayPath, message: "cannot remove an unfinished last line: \(String(cString: strerror(errno)))")
        }
        length = off_t(complete)
      } else {
        line.insert(0x0A, at: line.startIndex)
      }
    }
    let appended = Appended(offset: length, created: created)
    do {
      try AtomicFile.writeAll(line, to: descriptor, display: displayPath)
      guard fsync(descriptor) == 0 else {
        throw PromptOpsError.io(
          path: displayPath, message: "cannot flush the audit log to disk: \(String(cString: strerror(errno)))")
      }
      if created { AtomicFile.syncFolder(folder) }
    } catch {
      try? takeBack(appended)
      throw error
    }
    return appended
  }

  /// Removes an event `append` wrote, when a later step of its promotion failed: the log is an
  /// account of what changed the release, and that change did not happen.
  public func takeBack(_ appended: Appended) throws {
    if appended.created {
      guard unlink(path) == 0 || errno == ENOENT else {
        throw PromptOpsError.io(
          path: displayPath, message: "cannot remove the event just appended: \(String(cString: strerror(errno)))")
      }
      return
    }
    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0, ftruncate(descriptor, appended.offset) == 0, fsync(descriptor) == 0 else {
      let reason = String(cString: strerror(errno))
      if descriptor >= 0 { close(descriptor) }
      throw PromptOpsError.io(path: displayPath, message: "cannot remove the event just appended: \(reason)")
    }
    close(descriptor)
  }

  /// Every event in the log (none when it does not exist); a line that is not an event is an
  /// error naming its line.
  public func read() throws -> [Event] {
    guard let data = FileManager.default.contents(atPath: path) else { return [] }
    return try Self.events(in: data, displayPath: displayPath)
  }

  /// The events of a log's text (the working file's, or a committed one); a line that is not an
  /// event is an error naming `displayPath` and the line. The one exception is a last line
  /// without its line break that is not an event: an append that never completed (the machine
  /// went down before the event was on disk, so nothing it would have recorded happened), which
  /// records nothing and which the next append removes.
  public static func events(in data: Data, displayPath: String) throws -> [Event] {
    var events: [Event] = []
    let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
    for (index, line) in lines.enumerated() where !line.isEmpty {
      do {
        events.append(try JSONDecoder().decode(Event.self, from: Data(line)))
      } catch {
        if index == lines.count - 1 { break }
        throw PromptOpsError.io(path: "\(displayPath):\(index + 1)", message: "not an audit event: \(error)")
      }
    }
    return events
  }

  /// Where the log's complete lines end: past a last line without its line break that is not an
  /// event (an append that never completed), or the whole length.
  static func completeLength(of data: Data) -> Int {
    guard let last = data.last, last != 0x0A else { return data.count }
    let start = data.lastIndex(of: 0x0A).map { $0 + 1 } ?? data.startIndex
    return (try? JSONDecoder().decode(Event.self, from: Data(data[start...]))) == nil
      ? start - data.startIndex : data.count
  }
}
