import Foundation

/// An `LD_PRELOAD` library (Tests/Fixtures/rename-pause) that holds the binary's `rename()` of
/// one file for a while: the window between a writer's temporary file and its rename, opened from
/// outside, so the binary needs no switch of its own for tests. Built once per test run with the
/// C compiler the Swift toolchain brings.
public enum RenamePause {
  nonisolated(unsafe) private static var built: Result<String, any Error>?
  private static let lock = NSLock()

  /// The environment that makes the binary wait `milliseconds` before renaming any file onto a
  /// path ending in `suffix` (for the lock file: "/promptops.lock").
  public static func environment(suffix: String, milliseconds: Int) throws -> [String: String] {
    ["LD_PRELOAD": try library(), "RENAME_PAUSE_SUFFIX": suffix, "RENAME_PAUSE_MS": String(milliseconds)]
  }

  static func library() throws -> String {
    lock.lock()
    defer { lock.unlock() }
    if let built { return try built.get() }
    let result = Result<String, any Error> {
      let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rename-pause/rename_pause.c").path
      guard let compiler = which("cc") ?? which("clang") ?? which("gcc") else {
        throw CocoaError(
          .executableNotLoadable, userInfo: [NSLocalizedDescriptionKey: "no C compiler (cc, clang, gcc) on PATH"])
      }
      let folder = NSTemporaryDirectory() + "promptops-rename-pause-\(getpid())"
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let library = folder + "/rename_pause.so"
      let compiled = try runProcess(
        compiler, ["-shared", "-fPIC", "-O1", "-o", library, source, "-ldl"], in: folder,
        environment: ProcessInfo.processInfo.environment)
      guard compiled.status == 0 else {
        throw CocoaError(
          .executableNotLoadable, userInfo: [NSLocalizedDescriptionKey: "\(compiler) failed: \(compiled.stderr)"])
      }
      return library
    }
    built = result
    return try result.get()
  }
}
