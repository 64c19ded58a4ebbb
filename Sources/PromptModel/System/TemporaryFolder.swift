import Foundation

/// A private folder for one command's scratch files, in the temporary folder `TMPDIR` names (or
/// `/tmp` when it names none), removed when the work is done.
///
/// Foundation's `temporaryDirectory` takes `TMPDIR` on trust: one that names no folder surfaces
/// later as an error about some file inside it (or, with enough permissions, creates the folder
/// `TMPDIR` named). Here it is checked first, and the error names the folder and the variable.
package enum TemporaryFolder {
  /// Runs `body` with a new folder (mode 0700) and removes the folder afterwards.
  package static func with<T>(
    prefix: String, environment: [String: String] = ProcessInfo.processInfo.environment, _ body: (String) throws -> T
  ) throws -> T {
    let folder = try create(prefix: prefix, environment: environment)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try body(folder)
  }

  /// Creates a new folder (mode 0700) in the temporary folder and returns its path.
  package static func create(prefix: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
    -> String
  {
    let named = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
    let base = named ?? "/tmp"
    let source = named == nil ? "the temporary folder /tmp (TMPDIR is not set)" : "TMPDIR=\(base)"
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: base, isDirectory: &isFolder) else {
      throw PromptOpsError.io(
        path: source,
        message:
          "no such folder; promptops keeps scratch files in the temporary folder: create it, or set TMPDIR to a folder that exists"
      )
    }
    guard isFolder.boolValue else {
      throw PromptOpsError.io(path: source, message: "not a folder; set TMPDIR to the folder scratch files go in")
    }
    var template = Array(((base.hasSuffix("/") ? base : base + "/") + prefix + "-XXXXXX").utf8CString)
    guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
      throw PromptOpsError.io(
        path: source,
        message:
          "cannot create a scratch folder in it: \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
    }
    return String(cString: made)
  }
}
