import Foundation
import GitKit
import TestSupport
import Testing

/// libgit2 1.5.1 behaviours that real users hit, each handled once in GitKit.
@Suite("libgit2 1.5 traps")
struct Libgit2TrapTests {
  /// Without an explicit flag libgit2 follows `diff.renames`; a user with it off would see every
  /// moved prompt as an unrelated deletion and addition.
  @Test func renamesAreFoundEvenWhenTheUserTurnedThemOff() throws {
    let repo = try TempRepo()
    try repo.git("config", "diff.renames", "false")
    try repo.write("prompts/a/prompt.txt", (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n")
    let base = try repo.commit()
    try repo.move("prompts/a", "prompts/b")
    let head = try repo.commit()
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let changes = try repository.changes(
      from: .commit(try #require(ObjectID(hex: base))), to: .commit(try #require(ObjectID(hex: head))),
      under: ["prompts"])
    #expect(changes.count == 1)
    #expect(changes.first?.status == .renamed)
    #expect(changes.first?.oldPath == "prompts/a/prompt.txt")
    #expect(changes.first?.newPath == "prompts/b/prompt.txt")
    #expect(changes.first?.similarity == 100)
  }

  /// The staged blob is what gets committed; the working tree may hold something else entirely.
  @Test func contentComesFromTheIndexNotTheWorkingTree() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "committed\n")
    try repo.commit()
    try repo.write("prompts/a/prompt.txt", "staged\n")
    try repo.stage()
    try repo.write("prompts/a/prompt.txt", "working tree only\n")
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let staged = try repository.contents(at: "prompts/a/prompt.txt", in: .index)
    #expect(staged.map { String(decoding: $0, as: UTF8.self) } == "staged\n")
    let head = try #require(try repository.headCommit())
    #expect(
      try repository.contents(at: "prompts/a/prompt.txt", in: .commit(head)).map { String(decoding: $0, as: UTF8.self) }
        == "committed\n")
    let changes = try repository.changes(from: .commit(head), to: .index, under: ["prompts"])
    #expect(changes.count == 1)
    #expect(changes.first?.status == .modified)
  }

  @Test(.enabled(if: getuid() == 0, "needs root to hand the repository to another user"))
  func aRepositoryOwnedByAnotherUserIsAClearError() throws {
    let repo = try TempRepo()
    try repo.write("f", "x")
    try repo.commit()
    let chown = try runProcess("/bin/chown", ["-R", "nobody", repo.path], in: repo.root, environment: repo.environment)
    try #require(chown.status == 0)
    #expect {
      _ = try Repository.open(at: repo.path, environment: repo.environment)
    } throws: { error in
      let gitError = try #require(error as? GitError)
      return gitError.kind == .ownership && gitError.message.contains("safe.directory")
        && !gitError.message.contains("is not owned by current user")
    }
    // git's own remedy works for promptops too (set in a copy of HOME, then removed again).
    try repo.git("config", "--global", "--add", "safe.directory", repo.path)
    // libgit2 reads the global config from the process's HOME: run the binary with the test's.
    let check = try repo.promptops("check")
    #expect(check.status == 0, "\(check.stderr)")
    let emptyHome = repo.root + "/empty-home"
    try FileManager.default.createDirectory(atPath: emptyHome, withIntermediateDirectories: true)
    let checkBefore = try repo.promptops("check", environment: ["HOME": emptyHome, "XDG_CONFIG_HOME": emptyHome])
    #expect(checkBefore.status == 2)
    #expect(checkBefore.stderr.contains("safe.directory"))
  }

  @Test func aSplitIndexIsAClearError() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "x\n")
    try repo.commit()
    try repo.git("update-index", "--split-index")
    try repo.write("prompts/a/prompt.txt", "y\n")
    try repo.stage()
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    #expect {
      _ = try repository.contents(at: "prompts/a/prompt.txt", in: .index)
    } throws: { error in
      let gitError = try #require(error as? GitError)
      return gitError.kind == .unsupportedFormat && gitError.message.contains("git update-index --no-split-index")
    }
  }

  @Test func anUnsupportedRepositoryExtensionIsAClearError() throws {
    let repo = try TempRepo()
    try repo.write("f", "x")
    try repo.commit()
    try repo.git("config", "core.repositoryformatversion", "1")
    try repo.git("config", "extensions.frobnicate", "true")
    #expect {
      _ = try Repository.open(at: repo.path, environment: repo.environment)
    } throws: { error in
      let gitError = try #require(error as? GitError)
      return gitError.kind == .unsupportedFormat && gitError.message.contains("extensions")
    }
  }

  @Test func conflictedIndexEntriesMeanCannotGateYet() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "base\n")
    try repo.commit()
    try repo.git("checkout", "-q", "-b", "other")
    try repo.write("prompts/a/prompt.txt", "other\n")
    try repo.commit()
    try repo.git("checkout", "-q", "main")
    try repo.write("prompts/a/prompt.txt", "main\n")
    try repo.commit()
    _ = try? repo.git("merge", "-q", "other")
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let head = try #require(try repository.headCommit())
    #expect {
      _ = try repository.changes(from: .commit(head), to: .index, under: ["prompts"])
    } throws: { error in
      let gitError = try #require(error as? GitError)
      return gitError.kind == .conflicted && gitError.message.contains("prompts/a/prompt.txt")
        && gitError.message.contains("cannot gate yet")
    }
  }

  /// In a hook, git exports GIT_DIR, GIT_WORK_TREE and (for `commit -a` / `commit <paths>`) a
  /// temporary GIT_INDEX_FILE; that index is the one about to be committed.
  @Test func theHookEnvironmentIsHonoured() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.commit()
    // Build a second index file holding a different staged version.
    let alternate = repo.root + "/alt-index"
    var env = repo.environment
    env["GIT_INDEX_FILE"] = alternate
    try repo.write("prompts/a/prompt.txt", "from the temporary index\n")
    let add = try runProcess(which("git")!, ["add", "-A"], in: repo.path, environment: env)
    try #require(add.status == 0)
    try repo.write("prompts/a/prompt.txt", "one\n")

    var hookEnvironment = repo.environment
    hookEnvironment["GIT_DIR"] = repo.path + "/.git"
    hookEnvironment["GIT_WORK_TREE"] = repo.path
    hookEnvironment["GIT_INDEX_FILE"] = alternate
    let repository = try Repository.open(at: "/", environment: hookEnvironment)
    let staged = try repository.contents(at: "prompts/a/prompt.txt", in: .index)
    #expect(staged.map { String(decoding: $0, as: UTF8.self) } == "from the temporary index\n")
    #expect(repository.workingDirectory?.hasPrefix(repo.path) == true)

  }
}
