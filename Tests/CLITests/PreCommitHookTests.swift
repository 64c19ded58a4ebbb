import Foundation
import TestSupport
import Testing

/// The package's own folder, to find `hooks/`, `schemas/` and `examples/`.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent().path

/// `hooks/pre-commit` installed in a real repository and driven by real `git commit`s.
@Suite("pre-commit hook under real git commit")
struct PreCommitHookTests {
  func repositoryWithHook(_ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo.withPrompt(name)
    let hook = repo.path + "/.git/hooks/pre-commit"
    try FileManager.default.copyItem(atPath: packageRoot + "/hooks/pre-commit", toPath: hook)
    return repo
  }

  func commit(_ repo: TempRepo, _ arguments: [String], extra: [String: String] = [:]) throws -> ProcessResult {
    var env = repo.environment
    env["PROMPTOPS_BIN"] = try promptopsBinary()
    for (key, value) in extra { env[key] = value }
    return try runProcess(which("git")!, ["commit", "-q"] + arguments, in: repo.path, environment: env)
  }

  let edited = "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n"

  @Test func anUnbumpedEditIsRefusedAndABumpedOneAccepted() throws {
    let repo = try repositoryWithHook()
    let head = try repo.git("rev-parse", "HEAD")
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let refused = try commit(repo, ["-m", "unbumped"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("error[version-not-bumped]"))
    #expect(try repo.git("rev-parse", "HEAD") == head)

    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let accepted = try commit(repo, ["-m", "bumped"])
    #expect(accepted.status == 0, "\(accepted.stderr)")
    #expect(try repo.git("rev-parse", "HEAD") != head)
  }

  /// `git commit -a` stages into a temporary index (GIT_INDEX_FILE); that is what gets checked.
  /// Git hands hooks a relative `GIT_INDEX_FILE` (`.git/index`), meant from the top of the work
  /// tree. A hook that changes folder first, or points promptops at a subfolder with `-C`, must
  /// still check the index being committed (it read a missing file as an empty index, saw every
  /// prompt deleted, and let the commit through).
  @Test(arguments: ["cd app && exec \"$PROMPTOPS_BIN\" check", "exec \"$PROMPTOPS_BIN\" check -C app"])
  func aHookThatChangesFolderStillChecksTheCommit(line: String) throws {
    let repo = try TempRepo.withPrompt("aHookThatChangesFolder-\(line.hasPrefix("cd") ? "cd" : "C")")
    try repo.write("app/readme.txt", "an application folder\n")
    _ = try repo.commit("an app folder")
    let hook = repo.path + "/.git/hooks/pre-commit"
    try ScriptFile.write("#!/bin/sh\n\(line)\n", to: hook)
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let refused = try commit(repo, ["-m", "unbumped"])
    #expect(refused.status != 0, "\(refused.stdout)\(refused.stderr)")
    #expect((refused.stdout + refused.stderr).contains("version-not-bumped"), "\(refused.stdout)\(refused.stderr)")
  }

  /// An index named by GIT_INDEX_FILE that does not exist is an error naming it, never an
  /// empty index.
  @Test func aMissingIndexNamedByTheEnvironmentIsAnError() throws {
    let repo = try TempRepo.withPrompt()
    var environment = repo.environment
    environment["GIT_INDEX_FILE"] = repo.path + "/.git/no-such-index"
    let result = try runProcess(try promptopsBinary(), ["check", "--staged"], in: repo.path, environment: environment)
    #expect(result.status == 2)
    #expect(
      result.stderr.contains("GIT_INDEX_FILE names \(repo.path)/.git/no-such-index, which does not exist"),
      "\(result.stderr)")
  }

  @Test func commitAllChecksTheTemporaryIndex() throws {
    let repo = try repositoryWithHook()
    try repo.write("prompts/a/prompt.txt", edited)  // not staged: only -a picks it up
    let refused = try commit(repo, ["-a", "-m", "unbumped via -a"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("version-not-bumped"))
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    #expect(try commit(repo, ["-a", "-m", "bumped via -a"]).status == 0)
  }

  /// `git commit <path>` commits only that path, from a temporary index, even when the real
  /// index holds more: here the bumped card is staged, but only the text is committed.
  @Test func commitOfAPathChecksOnlyWhatIsCommitted() throws {
    let repo = try repositoryWithHook()
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let refused = try commit(repo, ["-m", "text only", "prompts/a/prompt.txt"])
    #expect(refused.status != 0, "the card bump is not part of this commit")
    #expect(refused.stderr.contains("version-not-bumped"))
    #expect(try commit(repo, ["-m", "text and card", "prompts/a"]).status == 0)
  }

  /// An amended commit replaces HEAD: its bump counts, measured from HEAD's parent.
  @Test func amendIsMeasuredFromTheParent() throws {
    let repo = try repositoryWithHook()
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    #expect(try commit(repo, ["-m", "bump"]).status == 0)
    try repo.write("prompts/a/prompt.txt", edited + "Sign off politely.\n")
    try repo.stage()
    let amended = try commit(repo, ["--amend", "-m", "bump, polished"])
    #expect(amended.status == 0, "\(amended.stderr)")
    // git accepts the abbreviation; so does the hook.
    try repo.write("prompts/a/prompt.txt", edited + "Sign off kindly.\n")
    try repo.stage()
    let abbreviated = try commit(repo, ["--amen", "-m", "bump, polished again"])
    #expect(abbreviated.status == 0, "\(abbreviated.stderr)")
    // Without --amend the same edit is a new, unbumped change.
    try repo.write("prompts/a/prompt.txt", edited + "Sign off warmly.\n")
    try repo.stage()
    #expect(try commit(repo, ["-m", "unbumped"]).status != 0)
  }

  /// The hook's own command lines skip ArgumentParser for speed; each must answer exactly as
  /// the same request spelled another way (which ArgumentParser reads) does: output, errors and
  /// exit status, passing, failing, amending and outside a repository.
  @Test func theHookCommandLinesAnswerAsArgumentParsersReadingDoes() throws {
    let repo = try repositoryWithHook()
    func expectSame(_ hook: [String], _ parsed: [String], in folder: String? = nil, _ comment: Comment) throws
      -> ProcessResult
    {
      let environment = repo.environment
      let directory = folder ?? repo.path
      let fast = try runProcess(try promptopsBinary(), hook, in: directory, environment: environment)
      let slow = try runProcess(try promptopsBinary(), parsed, in: directory, environment: environment)
      #expect(fast.status == slow.status, comment)
      #expect(fast.stdout == slow.stdout, comment)
      #expect(fast.stderr == slow.stderr, comment)
      return fast
    }
    let staged = ["check", "--staged"]
    let parsedStaged = ["check", "--format", "text", "--staged"]
    let amend = ["check", "--staged", "--amend"]
    let parsedAmend = ["check", "--amend", "--staged", "--format", "text"]

    #expect(try expectSame(staged, parsedStaged, "nothing staged").status == 0)
    #expect(try expectSame(["check"], parsedStaged, "the default is the staged check").status == 0)

    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let unbumped = try expectSame(staged, parsedStaged, "an unbumped edit")
    #expect(unbumped.status == 1)
    #expect(unbumped.stdout.contains("version-not-bumped"))

    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    #expect(try commit(repo, ["-m", "bump"]).status == 0)
    try repo.write("prompts/a/prompt.txt", edited + "Sign off politely.\n")
    try repo.stage()
    // The same staged edit passes as an amendment of the bump and fails as a commit of its own.
    #expect(try expectSame(amend, parsedAmend, "an amendment").status == 0)
    #expect(try expectSame(staged, parsedStaged, "the same edit, not amended").status == 1)

    let outside = try TempRepo("hookLinesOutside", initialize: false)
    let notARepository = try expectSame(staged, parsedStaged, in: outside.path, "outside a repository")
    #expect(notARepository.status == 2)
    #expect(notARepository.stderr.contains("promptops: error:"))

    // The pre-push hook's lines: a pushed range, and the whole tree of a branch with no base.
    try repo.writePrompt("a", text: edited + "Sign off politely.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    _ = try repo.commit("unbumped edit")  // past the hook
    let range = try expectSame(
      ["check", "--base", "HEAD~1", "--head", "HEAD"], ["check", "--head=HEAD", "--format", "text", "--base=HEAD~1"],
      "a pushed range")
    #expect(range.status == 1)
    #expect(range.stdout.contains("version-not-bumped"))
    #expect(try expectSame(["check", "--base", "HEAD~1"], ["check", "--base=HEAD~1"], "a range to HEAD").status == 1)
    #expect(
      try expectSame(
        ["check", "--base", "HEAD~2", "--head", "HEAD~1"], ["check", "--head", "HEAD~1", "--base", "HEAD~2"],
        "an earlier range"
      ).status == 0)
    // A base that is not an ancestor (a force-push): the two trees are compared directly, not
    // from their merge base. `side` holds HEAD's tree on top of the bump, so directly nothing
    // changed, while from the merge base the unbumped edit would fail.
    let sideTree = try repo.git("rev-parse", "HEAD^{tree}").trimmingCharacters(in: .whitespacesAndNewlines)
    let side = try repo.git("commit-tree", sideTree, "-p", "HEAD~1", "-m", "side").trimmingCharacters(
      in: .whitespacesAndNewlines)
    #expect(
      try expectSame(
        ["check", "--base", side, "--head", "HEAD"], ["check", "--base=\(side)", "--head=HEAD"], "a base off the branch"
      ).status == 0)
    #expect(
      try expectSame(
        ["check", "--all", "--head", "HEAD"], ["check", "--head", "HEAD", "--all"], "a new branch's whole tree"
      ).status == 0)
    let unknown = try expectSame(
      ["check", "--base", "no-such-branch"], ["check", "--base=no-such-branch"], "an unknown revision")
    #expect(unknown.status == 2)
    #expect(unknown.stderr.contains("no-such-branch"))
  }

  @Test func theSkipIsExplicitAndVisibleButNotInCI() throws {
    let repo = try repositoryWithHook()
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let skipped = try commit(repo, ["-m", "skip"], extra: ["PROMPTOPS_SKIP": "1"])
    #expect(skipped.status == 0)
    #expect(skipped.stderr.contains("PROMPTOPS_SKIP=1"))
    try repo.write("prompts/a/prompt.txt", edited + "more\n")
    try repo.stage()
    let inCI = try commit(repo, ["-m", "skip in ci"], extra: ["PROMPTOPS_SKIP": "1", "CI": "true"])
    #expect(inCI.status != 0)
    #expect(inCI.stderr.contains("ignored in CI"))
  }
}
