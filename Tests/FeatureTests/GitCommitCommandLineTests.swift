import Foundation
import TestSupport
import Testing

@testable import PromptChanges
@testable import PromptGate

/// `GitCommitCommandLine` reads a command line as git 2.39 does. The end-to-end oracle (real
/// `git commit`s with the hook installed) is `AmendDetectionTests`; these hold the reading to a
/// table of shapes, including lines git refuses, and its option table to the installed git's.
@Suite("reading a git commit command line as git does")
struct GitCommitCommandLineTests {
  typealias Reading = GitCommitCommandLine.Reading

  struct Line: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    let expected: Reading
    var testDescription: String { arguments.joined(separator: " ") }
  }

  static func git(_ arguments: String..., is expected: Reading) -> Line {
    Line(arguments: ["git"] + arguments, expected: expected)
  }
  static func program(_ arguments: String..., is expected: Reading) -> Line {
    Line(arguments: arguments, expected: expected)
  }

  static let amends = Reading.commit(amends: true)
  static let doesNotAmend = Reading.commit(amends: false)

  static let lines: [Line] = [
    // --amend, spelled as git accepts it
    git("commit", "--amend", is: amends),
    git("commit", "--amend", "-m", "x", is: amends),
    git("commit", "--am", "-m", "x", is: amends),
    git("commit", "--ame", "-m", "x", is: amends),
    git("commit", "--amen", "-mx", is: amends),
    git("commit", "-m", "x", "--amend", is: amends),
    git("commit", "-F", "message.txt", "--amend", is: amends),
    git("commit", "--file=message.txt", "--amend", is: amends),
    git("commit", "-am", "x", "--amend", is: amends),
    git("commit", "-vam", "x", "--amend", is: amends),
    git("commit", "-mz", "--amend", is: amends),
    git("commit", "--message=--no-amend", "--amend", is: amends),
    git("commit", "--message=", "--amend", is: amends),
    git("commit", "--no-amend", "--amend", "-m", "x", is: amends),
    git("commit", "--no-am", "--amend", "-m", "x", is: amends),
    git("commit", "-C", "HEAD", "--amend", is: amends),
    git("commit", "-c", "HEAD", "--amend", is: amends),
    git("commit", "--reuse-message", "HEAD", "--amend", is: amends),
    git("commit", "--author", "A U Thor <a@example.com>", "--amend", "-m", "x", is: amends),
    git("commit", "--author=A U Thor <a@example.com>", "--amend", "-m", "x", is: amends),
    git("commit", "--reset", "--amend", "-m", "x", is: amends),
    git("commit", "--cleanup", "verbatim", "--amend", "-m", "x", is: amends),
    git("commit", "--cleanup=verbatim", "--amend", "-m", "x", is: amends),
    git("commit", "--trailer", "Reviewed-by: r", "--amend", "-m", "x", is: amends),
    // optional values are only ever attached: the next word is not taken
    git("commit", "-S", "--amend", "-m", "x", is: amends),
    git("commit", "--gpg-sign", "--amend", "-m", "x", is: amends),
    git("commit", "--no-gpg-sign", "--amend", "-m", "x", is: amends),
    git("commit", "-u", "--amend", "-m", "x", is: amends),
    git("commit", "-uno", "--amend", "-m", "x", is: amends),
    git("commit", "--untracked-files", "--amend", "-m", "x", is: amends),
    git("commit", "--untracked-files=no", "--amend", "-m", "x", is: amends),
    // negations of the options whose name starts with no-
    git("commit", "--verify", "--amend", "-m", "x", is: amends),
    git("commit", "--no-no-verify", "--amend", "-m", "x", is: amends),
    git("commit", "--post-rewrite", "--amend", "-m", "x", is: amends),
    git("commit", "--no-post", "--amend", "-m", "x", is: amends),
    // pathspecs do not end the options; `-` is a pathspec
    git("commit", "-m", "x", "prompts/a/prompt.txt", "--amend", is: amends),
    git("commit", "-m", "x", "-", "--amend", is: amends),
    git("commit", "--amend", "-m", "x", "--", "prompts", is: amends),
    git("commit", "--amend", "-m", "x", "--end-of-options", "prompts", is: amends),
    // global options, and git's exec-path form
    git("-c", "commit.verbose=false", "commit", "--amend", "-m", "x", is: amends),
    git("-C", ".", "commit", "--am", "-m", "x", is: amends),
    git("--git-dir=.git", "--work-tree", ".", "commit", "--amend", "-m", "x", is: amends),
    git("--no-pager", "-p", "--bare", "--literal-pathspecs", "--config-env=a.b=C", "commit", "--amend", is: amends),
    git("--exec-path=/usr/lib/git-core", "--namespace", "n", "--shallow-file", "f", "commit", "--amend", is: amends),
    program("/usr/lib/git-core/git-commit", "--amend", "-m", "x", is: amends),
    program("/usr/bin/git", "commit", "--amend", is: amends),

    // a word that is a value, not an option
    git("commit", "-m", "--amend", is: doesNotAmend),
    git("commit", "-m--amend", is: doesNotAmend),
    git("commit", "--message=--amend", is: doesNotAmend),
    git("commit", "--message", "--amend", is: doesNotAmend),
    git("commit", "--mess", "--amend", is: doesNotAmend),
    git("commit", "--mess=--amend", is: doesNotAmend),
    git("commit", "-am", "--amend", is: doesNotAmend),
    git("commit", "-a", "-m", "--amend", is: doesNotAmend),
    git("commit", "-avm", "--amend", is: doesNotAmend),
    git("commit", "-zm", "--amend", is: doesNotAmend),
    git("commit", "-m", "x", "-m", "--amend", is: doesNotAmend),
    git("commit", "-F", "--amend", is: doesNotAmend),
    git("commit", "--file", "--amend", is: doesNotAmend),
    git("commit", "--file=--amend", is: doesNotAmend),
    git("commit", "-t", "--amend", "-m", "x", is: doesNotAmend),
    git("commit", "--author", "--amend", "-m", "x", is: doesNotAmend),
    git("commit", "--date", "--amend", "-m", "x", is: doesNotAmend),
    git("commit", "-C", "--amend", is: doesNotAmend),
    git("commit", "-c", "--amend", is: doesNotAmend),
    git("commit", "--fixup", "--amend", is: doesNotAmend),
    git("commit", "--fixup=amend:HEAD", "-m", "x", is: doesNotAmend),
    git("commit", "--squash", "--amend", is: doesNotAmend),
    git("commit", "--trailer", "--amend", "-m", "x", is: doesNotAmend),
    git("commit", "--cleanup", "--amend", "-m", "x", is: doesNotAmend),
    git("commit", "--pathspec-from-file", "--amend", "-m", "x", is: doesNotAmend),
    git("commit", "-S--amend", "-m", "x", is: doesNotAmend),
    git("commit", "--gpg-sign=--amend", "-m", "x", is: doesNotAmend),
    git("commit", "-u", "-m", "--amend", is: doesNotAmend),
    git("commit", "-uno", "-m", "--amend", is: doesNotAmend),
    git("commit", "--untracked-files", "-m", "--amend", is: doesNotAmend),
    // the last of --amend and --no-amend wins
    git("commit", "--amend", "--no-amend", "-m", "x", is: doesNotAmend),
    git("commit", "--amend", "--no-am", "-m", "x", is: doesNotAmend),
    git("commit", "--amend", "--no-amen", "-m", "x", is: doesNotAmend),
    // after -- and --end-of-options everything is a pathspec
    git("commit", "-m", "x", "--", "--amend", is: doesNotAmend),
    git("commit", "-m", "x", "--end-of-options", "--amend", is: doesNotAmend),
    // values of global options
    git("-c", "x.y=--amend", "commit", "-m", "x", is: doesNotAmend),
    git("-C", "--amend", "commit", "-m", "x", is: doesNotAmend),
    git("--git-dir", "--amend", "commit", "-m", "x", is: doesNotAmend),
    git("commit", is: doesNotAmend),
    program("/usr/lib/git-core/git-commit", "-m", "--amend", is: doesNotAmend),

    // lines git refuses (it exits before running any hook), or this reading cannot follow
    git("commit", "-amend", is: .unreadable),  // did you mean `--amend`?
    git("commit", "-no-edit", "--amend", is: .unreadable),
    git("commit", "--amend=yes", is: .unreadable),
    git("commit", "--no-amend=yes", "--amend", is: .unreadable),
    git("commit", "--a", "--amend", is: .unreadable),  // ambiguous
    git("commit", "--allow", "--amend", is: .unreadable),
    git("commit", "--ver", "--amend", is: .unreadable),  // --verbose or --verify
    git("commit", "--no-", "--amend", is: .unreadable),
    git("commit", "--n", "--amend", is: .unreadable),
    git("commit", "--no-trailer", "--amend", is: .unreadable),
    git("commit", "--no-message=x", "--amend", is: .unreadable),
    git("commit", "--bogus", "--amend", is: .unreadable),
    git("commit", "-x", "--amend", is: .unreadable),
    git("commit", "-ax", "--amend", is: .unreadable),
    git("commit", "--amend", "-m", is: .unreadable),
    git("commit", "--amend", "--author", is: .unreadable),
    git("commit", "--amend", "--help", is: .unreadable),
    git("commit", "-h", is: .unreadable),
    git("commit", "--amend", "-h", is: .unreadable),
    git("--bogus", "commit", "--amend", is: .unreadable),
    git("-c", is: .unreadable),
    git("--exec-path", "commit", "--amend", is: .unreadable),
    git("--list-cmds=main", "commit", "--amend", is: .unreadable),

    // other commands, and other programs
    git("rebase", "--continue", is: .otherCommand),
    git("-c", "alias.ci=commit", "ci", "--amend", is: .otherCommand),
    git("--version", "commit", "--amend", is: .otherCommand),
    git("-C", ".", is: .otherCommand),
    git(is: .otherCommand),
    program("git-rebase", "--amend", is: .otherCommand),
    program("python3", "-mpre_commit", "hook-impl", "--amend", is: .notGit),
    program("/usr/bin/gitk", "commit", "--amend", is: .notGit),
  ]

  @Test(arguments: lines)
  func aCommandLineIsReadAsGitReadsIt(_ line: Line) {
    #expect(GitCommitCommandLine.read(line.arguments) == line.expected)
  }

  @Test func anEmptyArgumentVectorIsNotGit() {
    #expect(GitCommitCommandLine.read([String]()) == .notGit)
  }

  /// A message is bytes, not necessarily UTF-8.
  @Test func aMessageNeedNotBeText() {
    let line: [[UInt8]] = [
      Array("git".utf8), Array("commit".utf8), Array("-m".utf8), [0xff, 0xfe], Array("--amend".utf8),
    ]
    #expect(GitCommitCommandLine.read(line) == .commit(amends: true))
    #expect(GitCommitCommandLine.read(Array(line.prefix(4))) == .commit(amends: false))
  }

  /// The option table is git's: every long name, whether it takes a value (and only attached)
  /// and whether it can be negated, as `git commit --git-completion-helper-all` and `git commit
  /// -h` list them, and every short letter as `-h` pairs it with its long name. With any git, an
  /// option of the table must take the value git's takes (reading `--opt --amend` as two options
  /// where git reads one with its value would be looser); options a later git adds are unknown
  /// here, so a line using them reads as not amending. With git 2.39, whose table this is, the
  /// two are the same.
  @Test func theOptionTableIsTheInstalledGits() throws {
    let repo = try TempRepo("gitCommitOptionTable")
    let git = try #require(which("git"))
    let completion = try runProcess(
      git, ["commit", "--git-completion-helper-all"], in: repo.path, environment: repo.environment)
    try #require(completion.status == 0, "\(completion.stderr)")
    let words = completion.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
    let separator = try #require(words.firstIndex(of: "--"))
    let gitsNames = Set(words[..<separator])
    let gitsNegations = Set(words[(separator + 1)...])
    let usage = try runProcess(git, ["commit", "-h"], in: repo.path, environment: repo.environment)
    let usageText = usage.stdout + usage.stderr
    var gitsLetters: [String: String] = [:]
    let pair = try Regex(#"^\s+-(\w), --([a-z-]+)"#, as: (Substring, Substring, Substring).self)
    for line in usageText.split(separator: "\n") {
      if let match = try pair.firstMatch(in: String(line)) { gitsLetters[String(match.1)] = String(match.2) }
    }
    try #require(gitsLetters.count > 10, "no options read from `git commit -h`: \(usageText)")

    var names: Set<String> = []
    var negations: Set<String> = []
    var letters: [String: String] = [:]
    for option in GitCommitCommandLine.commitOptions {
      let name = String(decoding: option.long, as: UTF8.self)
      let listed = "--" + name + (option.value == .required ? "=" : "")
      #expect(gitsNames.contains(listed), "git commit has no \(listed)")
      #expect(usageText.contains("--\(name)[=") == (option.value == .optional), "--\(name): optional value?")
      names.insert(listed)
      if name.hasPrefix("no-") {
        names.insert("--" + name.dropFirst(3))
      } else if option.negatable {
        negations.insert("--no-" + name)
      }
      if let short = option.short {
        letters[String(UnicodeScalar(short))] = name
        #expect(gitsLetters[String(UnicodeScalar(short))] == name)
      }
    }
    let version = try runProcess(git, ["--version"], in: repo.path, environment: repo.environment).stdout
    if version.hasPrefix("git version 2.39.") {
      #expect(gitsNames == names)
      #expect(gitsNegations == negations)
      #expect(gitsLetters == letters)
    }
  }
}

@Suite("the staged comparison follows the commit in progress")
struct CommitInProgressTests {
  @Test func underGitCommitGitsReadingDecides() {
    for requested in [Comparison.staged, .stagedAmend] {
      #expect(CommitInProgress.comparison(requested, under: .commit(amends: true)) == .stagedAmend)
      #expect(CommitInProgress.comparison(requested, under: .commit(amends: false)) == .staged)
      #expect(CommitInProgress.comparison(requested, under: .unreadable) == .staged)
    }
  }

  @Test func elsewhereTheComparisonAskedForStands() {
    for requested in [Comparison.staged, .stagedAmend] {
      for reading in [GitCommitCommandLine.Reading.otherCommand, .notGit, nil] {
        #expect(CommitInProgress.comparison(requested, under: reading) == requested)
      }
    }
  }

  @Test func otherComparisonsAreNeverChanged() {
    let others: [Comparison] = [
      .commits(base: "main", head: nil), .pullRequest(base: "main", head: "HEAD"),
      .wholeTree(revision: nil, staged: true),
    ]
    for comparison in others {
      #expect(CommitInProgress.comparison(comparison, under: .commit(amends: true)) == comparison)
      #expect(CommitInProgress.comparison(for: comparison) == comparison)
    }
  }
}
