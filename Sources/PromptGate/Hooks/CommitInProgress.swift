import PromptChanges

#if canImport(Glibc)
  import Glibc
#endif

/// The `git commit` this process runs under, when it runs as (or from) a pre-commit hook.
///
/// git does not tell a pre-commit hook whether the commit replaces HEAD (`--amend`), so the hook
/// used to look for the word in git's command line and passed `--amend` itself: `git commit -m
/// --amend`, a new commit whose message is that word, was then measured from HEAD's parent and
/// an unbumped edit on top of a bump went through. Now the check reads git's command line as git
/// reads it (`GitCommitCommandLine`), and that reading decides for a staged check made under
/// `git commit`, whatever the hook passed.
public enum CommitInProgress {
  /// How many generations up to look for git: the installed hook execs promptops, so git is the
  /// parent; the pre-commit framework and prek run it from their own process, so git is the
  /// grandparent. No further, so that a build or test suite that some hook runs is not taken
  /// for part of that commit.
  public static let generationsSearched = 2

  /// The nearest git process among this process's parent and grandparent, read as git reads its
  /// command line; nil when neither is git or they cannot be read (no `/proc`: not Linux).
  public static func enclosingGit() -> GitCommitCommandLine.Reading? {
    #if os(Linux)
      var pid = getppid()
      for _ in 0..<generationsSearched {
        // Process 1 is what an orphan is handed to, not the process that started it.
        guard pid > 1, let arguments = commandLine(of: pid) else { return nil }
        let reading = GitCommitCommandLine.read(arguments)
        if reading != .notGit { return reading }
        guard let parent = parentID(of: pid) else { return nil }
        pid = parent
      }
    #endif
    return nil
  }

  /// The comparison a staged check runs, as the commit in progress (if any) decides; any other
  /// comparison as it is, without reading a process.
  public static func comparison(for requested: Comparison) -> Comparison {
    guard isStaged(requested) else { return requested }
    return comparison(requested, under: enclosingGit())
  }

  /// The comparison a staged check runs. Under `git commit`, git's own reading decides: HEAD's
  /// parent only for a commit git certainly amends, HEAD for every other (an explicit `--amend`
  /// included, which hooks installed by earlier versions still pass for `-m --amend`). Elsewhere
  /// (by hand, from another git command such as `rebase --exec`, or where the command line
  /// cannot be read) the comparison asked for stands.
  public static func comparison(_ requested: Comparison, under git: GitCommitCommandLine.Reading?) -> Comparison {
    guard isStaged(requested) else { return requested }
    switch git {
    case .commit(let amends): return amends ? .stagedAmend : .staged
    case .unreadable: return .staged
    case .otherCommand, .notGit, nil: return requested
    }
  }

  private static func isStaged(_ comparison: Comparison) -> Bool {
    comparison == .staged || comparison == .stagedAmend
  }

  #if os(Linux)
    /// `/proc/<pid>/cmdline`: the arguments, each ended by a NUL byte.
    static func commandLine(of pid: pid_t) -> [[UInt8]]? {
      guard let bytes = contents(of: "/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
      var arguments = bytes.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
      if bytes.last == 0 { arguments.removeLast() }
      return arguments
    }

    /// The fourth field of `/proc/<pid>/stat`, after the command name in parentheses (which may
    /// itself hold spaces and parentheses, hence the last `)`).
    static func parentID(of pid: pid_t) -> pid_t? {
      guard let bytes = contents(of: "/proc/\(pid)/stat"), let nameEnd = bytes.lastIndex(of: UInt8(ascii: ")")) else {
        return nil
      }
      let fields = bytes[(nameEnd + 1)...].split(separator: UInt8(ascii: " "))
      guard fields.count > 1 else { return nil }
      return pid_t(String(decoding: fields[1], as: UTF8.self))
    }

    /// A whole `/proc` file (they report a size of 0, so it is read to its end).
    private static func contents(of path: String) -> [UInt8]? {
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { return nil }
      defer { close(descriptor) }
      var bytes: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
          if errno == EINTR { continue }
          return nil
        }
        if count == 0 { return bytes }
        bytes.append(contentsOf: buffer[..<count])
      }
    }
  #endif
}
