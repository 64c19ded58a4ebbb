import Foundation

/// Finds a program on `PATH` the one way promptops does everywhere (git, ssh-keygen, itself, the
/// interpreters of script assertions): absolute folders only, in order, the first executable file
/// wins. A relative entry (`.`, or an empty one, which a shell reads as the current folder) is
/// skipped: a repository under review must not be able to place a `git`, `ssh-keygen` or `python3`
/// of its own where promptops would run it.
public enum ExecutableSearch {
  /// The path of `name` on `path` (this process's `PATH`, or `/usr/bin:/bin` when it has none).
  public static func find(_ name: String, path: String? = nil) -> String? {
    let search = path ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for folder in search.split(separator: ":", omittingEmptySubsequences: true) where folder.hasPrefix("/") {
      let candidate = folder.hasSuffix("/") ? "\(folder)\(name)" : "\(folder)/\(name)"
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate)
      {
        return candidate
      }
    }
    return nil
  }
}
