import Foundation

/// Files that are complete on disk before anyone sees them: approval records, the lock file, the
/// audit log and eval cache entries are never half-written, whatever kills the writer.
package enum AtomicFile {
  /// Writes through a temporary file beside `path`, then a link (which refuses to replace an
  /// existing file) or a rename (which replaces it in one step).
  package static func write(_ data: Data, to path: String, replacing: Bool) throws {
    let folder = (path as NSString).deletingLastPathComponent
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw PromptOpsError.io(path: folder, message: "cannot create the folder: \(error.localizedDescription)")
    }
    let temporary = folder + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
    defer { unlink(temporary) }
    // On disk before it gets its name: a crash right after leaves the whole file or none.
    try writeSynced(data, to: temporary, display: path)
    if replacing {
      guard rename(temporary, path) == 0 else {
        throw PromptOpsError.io(path: path, message: "cannot replace: \(String(cString: strerror(errno)))")
      }
    } else {
      guard link(temporary, path) == 0 else {
        let reason =
          errno == EEXIST ? "the file exists; pass --replace to supersede it" : String(cString: strerror(errno))
        throw PromptOpsError.io(path: path, message: reason)
      }
    }
    syncFolder(folder)
  }

  package static func writeSynced(_ data: Data, to path: String, display: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw PromptOpsError.io(path: display, message: "cannot write \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    try writeAll(data, to: descriptor, display: display)
    guard fsync(descriptor) == 0 else {
      throw PromptOpsError.io(path: display, message: "cannot flush \(path): \(String(cString: strerror(errno)))")
    }
  }

  package static func writeAll(_ data: Data, to descriptor: Int32, display: String) throws {
    try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      guard let base = raw.baseAddress else { return }
      var offset = 0
      while offset < raw.count {
        let written = Foundation.write(descriptor, base + offset, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          throw PromptOpsError.io(path: display, message: "write failed: \(String(cString: strerror(errno)))")
        }
        offset += written
      }
    }
  }

  package static func syncFolder(_ folder: String) {
    let descriptor = open(folder, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }
}
