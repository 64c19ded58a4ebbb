import Foundation
import PromptModel

/// Reads and writes the lock file so that no reader ever sees a half-written or mixed file.
///
/// Writers take an exclusive `flock` on a lock beside the repository's git directory, re-read the
/// lock file under it (another promotion may have landed meanwhile), write the new text to a
/// temporary file in the same folder, `fsync` it, and `rename` it over the lock file. A process
/// killed at any point leaves either the old file or the new one.
public struct LockFileStore: Sendable {
  /// Absolute path of the lock file in the working tree.
  public let path: String
  /// Repository-relative path, for messages.
  public let displayPath: String
  /// The file `flock` is taken on (inside the git directory, so it never shows as untracked).
  public let mutexPath: String

  public init(path: String, displayPath: String, mutexPath: String) {
    self.path = path
    self.displayPath = displayPath
    self.mutexPath = mutexPath
  }

  /// The lock file as it stands; an empty lock when there is none yet.
  public func read() throws -> LockFile {
    guard FileManager.default.fileExists(atPath: path) else { return LockFile() }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PromptOpsError.io(path: displayPath, message: "cannot read the lock file")
    }
    return try LockFile.parse(data, file: displayPath)
  }

  /// Runs `body` holding the exclusive lock (released on return, or by the kernel if the
  /// process dies). A promotion that waits longer than `FileMutex.defaultTimeout` for another
  /// one gives up, naming the process that holds it.
  public func withExclusiveLock<T>(_ body: () throws -> T) throws -> T {
    try FileMutex(path: mutexPath, purpose: "the promotion lock").withLock(body)
  }

  /// Writes the lock atomically: temporary file, fsync, rename, fsync of the folder. Callers hold
  /// the exclusive lock and have re-read the file under it.
  func write(_ lock: LockFile) throws {
    try write(bytes: try lock.encoded())
  }

  /// The lock file's bytes as they stand, nil when there is none: what `restore` puts back.
  func bytes() throws -> Data? {
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw PromptOpsError.io(path: displayPath, message: "cannot read the lock file")
    }
    return data
  }

  /// Puts back what `bytes()` read (removing the file when there was none), as atomically as
  /// `write`: a promotion whose later step failed leaves the lock file it found.
  func restore(_ data: Data?) throws {
    if let data { return try write(bytes: data) }
    guard unlink(path) == 0 || errno == ENOENT else {
      throw PromptOpsError.io(
        path: displayPath, message: "cannot remove the lock file: \(String(cString: strerror(errno)))")
    }
    AtomicFile.syncFolder(URL(fileURLWithPath: path).deletingLastPathComponent().path)
  }

  private func write(bytes: Data) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw PromptOpsError.io(
        path: displayPath, message: "cannot create the lock file's folder: \(error.localizedDescription)")
    }
    let prefix = "." + url.lastPathComponent + "."
    // Only the holder of the exclusive lock writes temporary files, so any other one left here
    // belongs to a writer that died before its rename.
    for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
      unlink(folder + "/" + name)
    }
    let temporary = folder + "/" + prefix + "\(getpid()).tmp"
    do {
      try AtomicFile.writeSynced(bytes, to: temporary, display: displayPath)
    } catch {
      unlink(temporary)
      throw error
    }
    guard rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw PromptOpsError.io(path: displayPath, message: "cannot replace the lock file: \(reason)")
    }
    AtomicFile.syncFolder(folder)
  }
}
