import Foundation
import Spawn

/// Runs the `git` program for the few operations whose faithful implementation is git's own:
/// signing tags the way `gpg.format`, `user.signingkey` and `tag.gpgSign` say, committing with
/// the user's identity, hooks and configuration.
///
/// Everything that only reads the repository goes through libgit2.
public struct GitCommandLine: Sendable {
  /// The working tree (or git directory) the commands run in.
  public let directory: String
  public let executable: String
  /// The environment git runs with (nil: this process's).
  public let environment: [String: String]?

  public init(directory: String, executable: String? = nil, environment: [String: String]? = nil) throws {
    self.directory = directory
    self.environment = environment
    if let executable {
      self.executable = executable
    } else if let found = GitCommandLine.find() {
      self.executable = found
    } else {
      throw GitError(
        kind: .other, function: "git",
        message: "the git program was not found on PATH; promptops needs it to create tags and commits")
    }
  }

  private static func find() -> String? { ExecutableSearch.find("git") }

  /// Runs `git arguments…` with `input` on its standard input (none when nil); returns standard
  /// output, or throws with git's own message.
  ///
  /// git stays in promptops' process group, in the terminal's foreground: a signing key's
  /// passphrase or a hook may ask the person at it. It has a day before it is stopped, and
  /// 16 MiB of output per stream, far past anything the commands promptops runs print.
  @discardableResult
  public func run(_ arguments: [String], input: Data? = nil) throws -> String {
    let outcome: ChildProcessOutcome
    do {
      outcome = try ChildProcess.run(
        executable: executable, arguments: arguments, environment: environment ?? ProcessInfo.processInfo.environment,
        workingDirectory: directory, input: input, timeout: 86_400, ownProcessGroup: false)
    } catch {
      throw GitError(
        kind: .other, function: "git " + (arguments.first ?? ""), message: "cannot run \(executable): \(error)")
    }
    let command = "git \(arguments.prefix(2).joined(separator: " "))"
    guard case .exited(0) = outcome.termination else {
      let message = String(decoding: outcome.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      let status: String
      switch outcome.termination {
      case .exited(let code): status = "exit \(code)"
      case .signalled(let signal): status = "killed by signal \(signal)"
      case .timedOut: status = "no answer within a day"
      case .outputTooLarge: status = "printed too much"
      }
      throw GitError(
        kind: .other, function: "git " + (arguments.first ?? ""),
        message: "\(command) failed: \(message.isEmpty ? status : message)")
    }
    guard !outcome.stdoutCut else {
      throw GitError(
        kind: .other, function: "git " + (arguments.first ?? ""),
        message: "\(command) printed more than \(ChildProcess.outputLimit >> 20) MiB")
    }
    return String(decoding: outcome.stdout, as: UTF8.self)
  }

  /// The committer identity git would use now (`Name <email>`), honouring the configuration
  /// and `GIT_COMMITTER_NAME`/`GIT_COMMITTER_EMAIL`.
  public func committerIdentity() throws -> String {
    let ident = try run(["var", "GIT_COMMITTER_IDENT"]).trimmingCharacters(in: .whitespacesAndNewlines)
    // "Name <email> 1700000000 +0000": drop the timestamp and zone.
    guard let close = ident.lastIndex(of: ">") else { return ident }
    return String(ident[...close])
  }

  /// Creates the annotated tag `name` on `commit` with `message`; signed (`git tag -s`, or `-u
  /// key`) when asked, so git applies `gpg.format` (openpgp, x509, ssh) and `user.signingkey`.
  public func createAnnotatedTag(
    _ name: String, commit: ObjectID, message: String, sign: Bool, signingKey: String? = nil
  ) throws {
    // The message goes through standard input (`-F -`), so no shell or argument quoting can
    // change it, and no temporary file is needed.
    var arguments = ["tag"]
    if let signingKey {
      arguments += ["-u", signingKey]
    } else if sign {
      arguments.append("-s")
    } else {
      // Plain -a: git still signs when the user set tag.gpgSign.
      arguments.append("-a")
    }
    arguments += ["-F", "-", "--cleanup=verbatim", name, commit.hex]
    try run(arguments, input: Data(message.utf8))
  }

  /// Commits exactly `paths` (other staged changes stay staged), adding them first. A commit
  /// that fails (git's `index.lock` held by another git, a hook that refuses) leaves the index
  /// entries of `paths` as they were: nothing it staged stays behind to go into the next commit.
  public func commit(paths: [String], message: String) throws {
    let before = try run(["ls-files", "--stage", "-z", "--"] + paths)
    try run(["add", "--"] + paths)
    do {
      try run(["commit", "-q", "-m", message, "--only", "--"] + paths)
    } catch let failure as GitError {
      do {
        try restoreIndexEntries(before, paths: paths)
      } catch let restoring as GitError {
        throw GitError(
          kind: failure.kind, function: failure.function,
          message: failure.message
            + "; and the index entries of \(paths.joined(separator: ", ")) could not be put back "
            + "(\(restoring.message)): check `git status` before the next commit")
      }
      throw failure
    }
  }

  /// Whether any of `paths` differs from HEAD in the index or the working tree, or is untracked.
  public func hasChanges(paths: [String]) throws -> Bool {
    !(try run(["status", "--porcelain", "-z", "--untracked-files=all", "--"] + paths)).isEmpty
  }

  /// Puts back the index entries `git ls-files --stage -z` listed for `paths` before an add:
  /// the listed ones as they were, the others removed from the index (the files stay).
  private func restoreIndexEntries(_ listing: String, paths: [String]) throws {
    var entries: [String: String] = [:]
    for record in listing.split(separator: "\0") {
      // "<mode> <object> <stage>\t<path>"
      guard let tab = record.firstIndex(of: "\t") else { continue }
      let fields = record[..<tab].split(separator: " ")
      guard fields.count == 3, fields[2] == "0" else { continue }
      entries[String(record[record.index(after: tab)...])] = "\(fields[0]),\(fields[1])"
    }
    for path in paths {
      if let entry = entries[path] {
        try run(["update-index", "--cacheinfo", "\(entry),\(path)"])
      } else {
        try run(["update-index", "--force-remove", "--", path])
      }
    }
  }
}
