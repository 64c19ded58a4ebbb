import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The environment variables that hold this process's own secrets, which no program it starts
/// may read.
///
/// The eval cache key (`PROMPTOPS_CACHE_KEY`) authenticates cached answers so that whoever can
/// write the cache cannot forge one. The programs an evaluation starts (an `exec:` provider, a
/// `python` or `javascript` assertion, an external eval command) come with the change under
/// review: given the key, a new prompt's provider could write answers for another prompt's
/// changed text into the cache, and the next run would grade those. So `ChildProcess` leaves
/// these variables out of every child's environment, and `concealOriginals()` wipes their values
/// from the block the kernel shows in `/proc/<pid>/environ`, which a child could read of its
/// parent.
public enum WithheldEnvironment {
  /// Never given to a child process.
  public static let names: Set<String> = ["PROMPTOPS_CACHE_KEY"]

  /// `environment` without the withheld variables.
  public static func removing(from environment: [String: String]) -> [String: String] {
    guard environment.keys.contains(where: names.contains) else { return environment }
    return environment.filter { !names.contains($0.key) }
  }

  /// Moves each withheld variable's value out of the environment block the process was started
  /// with (which `/proc/<pid>/environ` reads) into memory of its own, and overwrites the original
  /// bytes. `getenv` and `ProcessInfo` still see the value. Call once, first thing at start-up,
  /// before any thread could read the environment.
  public static func concealOriginals() {
    for name in names {
      guard let original = getenv(name) else { continue }
      let length = strlen(original)
      guard length > 0 else { continue }
      let value = String(cString: original)
      // setenv copies name and value into a string of its own and points `environ` at it; the
      // original string, in the block the kernel keeps, is no longer referenced.
      guard setenv(name, value, 1) == 0 else { continue }
      memset(original, 0, length)
    }
  }
}
