import Foundation
import TestSupport
import Testing

/// The installed pre-commit hook measures a commit from HEAD's parent exactly when git amends.
///
/// git is the oracle: each command line runs once in a repository without the hook, where what
/// git did shows in the new commit's parent, and once in the same repository with the hook
/// installed. The change is an unbumped edit on top of a commit that bumped the version: measured
/// from HEAD's parent (an amend) it carries the bump and passes; measured from HEAD (a new
/// commit) it is unbumped and must be refused. So the hook's decision shows in the outcome.
@Suite("the pre-commit hook amends exactly when git does")
struct AmendDetectionTests {
  /// What git does with a command line, without any hook.
  enum GitOutcome: Sendable, Equatable {
    /// Replaces HEAD: the new commit's parent is HEAD's parent.
    case amends
    /// Commits on top of HEAD.
    case newCommit
    /// Refuses the line (before running any hook) and commits nothing.
    case refused
  }

  struct Line: Sendable, CustomTestStringConvertible {
    /// git's arguments (global options, the command, its options).
    let arguments: [String]
    /// What git does (checked, so the table says what each line exercises).
    let expected: GitOutcome
    /// Stage the edit first; otherwise only `-a` (or a pathspec) picks it up.
    var stageFirst = true
    var testDescription: String { "git " + arguments.joined(separator: " ") }
  }

  static func commit(_ arguments: String..., git expected: GitOutcome) -> Line {
    Line(arguments: ["commit", "-q"] + arguments, expected: expected)
  }

  static let lines: [Line] = [
    // git amends
    commit("--amend", "-m", "x", git: .amends),
    commit("--am", "-m", "x", git: .amends),
    commit("--amen", "-mx", git: .amends),
    commit("-m", "x", "--amend", git: .amends),
    commit("-F", "../message.txt", "--amend", git: .amends),
    commit("-am", "x", "--amend", git: .amends),
    commit("-vam", "x", "--amend", git: .amends),
    commit("--message=--no-amend", "--amend", git: .amends),
    commit("--no-amend", "--amend", "-m", "x", git: .amends),
    commit("--amend", "--no-edit", git: .amends),
    commit("-C", "HEAD", "--amend", git: .amends),
    commit("-c", "HEAD", "--amend", git: .amends),
    commit("--author", "A U Thor <a@example.com>", "--amend", "-m", "x", git: .amends),
    commit("--reset", "--amend", "-m", "x", git: .amends),
    commit("--cleanup", "verbatim", "--amend", "-m", "x", git: .amends),
    commit("-S", "--no-gpg-sign", "--amend", "-m", "x", git: .amends),
    commit("-u", "--amend", "-m", "x", git: .amends),
    commit("--untracked-files", "--amend", "-m", "x", git: .amends),
    commit("--verify", "--amend", "-m", "x", git: .amends),
    commit("-m", "x", "prompts/a/prompt.txt", "--amend", git: .amends),
    commit("--amend", "-m", "x", "--", "prompts", git: .amends),
    Line(arguments: ["-c", "commit.verbose=false", "commit", "--amend", "-m", "x"], expected: .amends),
    Line(arguments: ["-C", ".", "--no-pager", "commit", "--am", "-m", "x"], expected: .amends),
    Line(arguments: ["--git-dir=.git", "--work-tree", ".", "commit", "--amend", "-m", "x"], expected: .amends),
    // an alias: git runs the command it stands for as a child `git commit`
    Line(arguments: ["-c", "alias.ci=commit", "ci", "--amend", "-m", "x"], expected: .amends),
    Line(arguments: ["-c", "alias.fix=commit --amend", "fix", "-m", "x"], expected: .amends),

    // git makes a new commit on top of HEAD
    commit("-m", "--amend", git: .newCommit),
    commit("-m--amend", git: .newCommit),
    commit("--message=--amend", git: .newCommit),
    commit("--message", "--amend", git: .newCommit),
    commit("--mess", "--amend", git: .newCommit),
    commit("-am", "--amend", git: .newCommit),
    commit("-avm", "--amend", git: .newCommit),
    commit("-F", "--amend", git: .newCommit),
    commit("--file", "--amend", git: .newCommit),
    commit("-m", "x", "-m", "--amend", git: .newCommit),
    commit("-t", "--amend", "-m", "x", git: .newCommit),
    commit("-uno", "-m", "--amend", git: .newCommit),
    commit("-u", "-m", "--amend", git: .newCommit),
    commit("--untracked-files", "-m", "--amend", git: .newCommit),
    commit("--amend", "--no-amend", "-m", "x", git: .newCommit),
    commit("--amend", "--no-am", "-m", "x", git: .newCommit),
    commit("-m", "x", "--", "--amend", "prompts", git: .newCommit),
    commit("-m", "x", "--end-of-options", "--amend", "prompts", git: .newCommit),
    Line(arguments: ["-c", "x.y=--amend", "commit", "-m", "x"], expected: .newCommit),
    Line(arguments: ["-c", "alias.ci=commit", "ci", "-m", "--amend"], expected: .newCommit),
    // the bypass: an unbumped edit committed on top of the bump, its message the word --amend
    Line(arguments: ["commit", "-a", "-m", "--amend"], expected: .newCommit, stageFirst: false),
    Line(arguments: ["commit", "-q", "-a", "-m", "--amend"], expected: .newCommit, stageFirst: false),

    // git refuses the line before any hook runs
    commit("-amend", git: .refused),
    commit("--a", "-m", "x", git: .refused),
    commit("--amend=yes", "-m", "x", git: .refused),
  ]

  let bumped = "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n"

  /// A prompt at 1.0.0, then a commit that edits it and bumps it to 1.0.1 (and adds a file named
  /// `--amend`, for the lines that name it), then a further edit, unbumped, in the work tree.
  func repository(_ line: Line, hooked: Bool) throws -> (repo: TempRepo, base: String, bump: String) {
    let repo = try TempRepo.withPrompt(hooked ? "amendHooked" : "amendOracle")
    let base = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.writePrompt("a", text: bumped, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.write("--amend", "a message kept in a file named --amend\n")
    let bump = try repo.commit("bump a")
    try Data("a message from a file\n".utf8).write(to: URL(fileURLWithPath: repo.root + "/message.txt"))
    if hooked {
      let install = try repo.promptops("hooks", "install")
      try #require(install.status == 0, "\(install.stderr)")
    }
    try repo.write("prompts/a/prompt.txt", bumped + "Sign off politely.\n")
    if line.stageFirst { try repo.stage() }
    return (repo, base, bump)
  }

  func run(_ line: Line, in repo: TempRepo) throws -> ProcessResult {
    var environment = repo.environment
    environment["GIT_EDITOR"] = "true"
    environment["PROMPTOPS_BIN"] = try promptopsBinary()
    return try runProcess(which("git")!, line.arguments, in: repo.path, environment: environment)
  }

  func head(_ repo: TempRepo) throws -> String {
    try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
  }

  @Test(.timeLimit(.minutes(5)), arguments: lines)
  func theHookAmendsExactlyWhenGitDoes(_ line: Line) throws {
    let oracle = try repository(line, hooked: false)
    let withoutHook = try run(line, in: oracle.repo)
    let hooked = try repository(line, hooked: true)
    let withHook = try run(line, in: hooked.repo)
    let output = "\(withHook.stdout)\(withHook.stderr)"

    let parent = try oracle.repo.git("rev-parse", "HEAD^").trimmingCharacters(in: .whitespacesAndNewlines)
    let gitDid: GitOutcome = withoutHook.status != 0 ? .refused : parent == oracle.base ? .amends : .newCommit
    #expect(gitDid == line.expected, "\(withoutHook.stderr)")
    guard withoutHook.status == 0 else {
      // git refused the line: it never runs the hook, and commits nothing either way.
      #expect(try head(oracle.repo) == oracle.bump)
      #expect(withHook.status != 0, "\(output)")
      #expect(try head(hooked.repo) == hooked.bump)
      #expect(!output.contains("version-not-bumped"), "git refused the line, so no hook ran: \(output)")
      return
    }
    if gitDid == .amends {
      // git amended: the bump counts, measured from HEAD's parent.
      #expect(withHook.status == 0, "git amends here, so the edit carries the bump: \(output)")
      #expect(try hooked.repo.git("rev-parse", "HEAD^").trimmingCharacters(in: .whitespacesAndNewlines) == hooked.base)
    } else {
      #expect(parent == oracle.bump, "git made a commit on neither HEAD nor its parent")
      // A new commit on top of the bump, with an unbumped edit: refused, nothing committed.
      #expect(withHook.status != 0, "git makes a new commit here, so the unbumped edit must be refused: \(output)")
      #expect(output.contains("version-not-bumped"), "\(output)")
      #expect(try head(hooked.repo) == hooked.bump)
    }
  }

  /// Hooks installed by earlier versions pass `--amend` for any command line holding the word;
  /// under `git commit`, git's own reading overrules them.
  @Test(.timeLimit(.minutes(5)))
  func anExplicitAmendIsOverruledByGitsCommandLine() throws {
    let line = Line(arguments: ["commit", "-q", "-a", "-m", "--amend"], expected: .newCommit, stageFirst: false)
    let (repo, base, bump) = try repository(line, hooked: false)
    try ScriptFile.write(
      "#!/bin/sh\nexec \"$PROMPTOPS_BIN\" check --staged --amend >&2\n", to: repo.path + "/.git/hooks/pre-commit")
    var environment = repo.environment
    environment["PROMPTOPS_BIN"] = try promptopsBinary()
    let refused = try runProcess(which("git")!, line.arguments, in: repo.path, environment: environment)
    #expect(refused.status != 0, "\(refused.stderr)")
    #expect(refused.stderr.contains("version-not-bumped"), "\(refused.stderr)")
    #expect(try head(repo) == bump)

    let amended = try runProcess(
      which("git")!, ["commit", "-q", "-a", "--amend", "-m", "x"], in: repo.path, environment: environment)
    #expect(amended.status == 0, "\(amended.stderr)")
    #expect(try repo.git("rev-parse", "HEAD^").trimmingCharacters(in: .whitespacesAndNewlines) == base)
  }

  /// The hook's fixed line skips ArgumentParser; a hook spelling the check another way goes
  /// through it. Both measure the commit as git makes it.
  @Test(.timeLimit(.minutes(5)), arguments: ["check --staged", "check --format text --staged", "check"])
  func everySpellingOfTheStagedCheckFollowsGit(_ check: String) throws {
    let line = Line(arguments: ["commit", "-q", "-a", "-m", "--amend"], expected: .newCommit, stageFirst: false)
    let (repo, base, bump) = try repository(line, hooked: false)
    try ScriptFile.write("#!/bin/sh\nexec \"$PROMPTOPS_BIN\" \(check) >&2\n", to: repo.path + "/.git/hooks/pre-commit")
    var environment = repo.environment
    environment["PROMPTOPS_BIN"] = try promptopsBinary()
    let refused = try runProcess(which("git")!, line.arguments, in: repo.path, environment: environment)
    #expect(refused.status != 0, "\(refused.stderr)")
    #expect(try head(repo) == bump)
    let amended = try runProcess(
      which("git")!, ["commit", "-q", "-a", "--am", "-m", "x"], in: repo.path, environment: environment)
    #expect(amended.status == 0, "\(amended.stderr)")
    #expect(try repo.git("rev-parse", "HEAD^").trimmingCharacters(in: .whitespacesAndNewlines) == base)
  }
}
