import Foundation
import GitKit
import TestSupport
import Testing

@Suite("Repository: opening, revisions, history")
struct RepositoryTests {
  @Test func discoversTheRepositoryFromASubfolder() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "hello\n")
    let first = try repo.commit()
    let repository = try Repository.open(at: repo.path + "/prompts/a", environment: repo.environment)
    #expect(try repository.headCommit()?.hex == first)
    #expect(repository.workingDirectory?.hasSuffix("/repo/") == true)
  }

  @Test func outsideAnyRepositoryIsANotFoundError() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-norepo-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect {
      _ = try Repository.open(at: folder, environment: [:])
    } throws: { error in
      let gitError = try #require(error as? GitError)
      return gitError.kind == .notFound && gitError.message.contains("not a git repository")
    }
  }

  @Test func resolvesEveryKindOfRevisionLikeGit() throws {
    let repo = try TempRepo()
    var commits: [String] = []
    for index in 0..<4 {
      try repo.write("file.txt", "\(index)\n")
      commits.append(try repo.commit("c\(index)"))
    }
    try repo.tag("v1")
    try repo.git("tag", "-a", "v2", "-m", "annotated", commits[1])
    try repo.git("branch", "feature", commits[2])
    let clone = repo.root + "/clone"
    try repo.git(["clone", "-q", repo.path, clone], in: repo.root)
    let repository = try Repository.open(at: clone, environment: repo.environment)
    let revisions = [
      "main", "origin/main", "v1", "v2", "HEAD~3", "HEAD^", String(commits[2].prefix(7)), "origin/feature", commits[0],
    ]
    for revision in revisions {
      let expected = try repo.git(["rev-parse", revision + "^{commit}"], in: clone).trimmingCharacters(
        in: .whitespacesAndNewlines)
      #expect(try repository.resolveCommit(revision).hex == expected, "revision \(revision)")
    }
  }

  @Test func aMissingRevisionNamesItAndTheRemedy() throws {
    let repo = try TempRepo()
    try repo.write("f", "x")
    try repo.commit()
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    #expect {
      _ = try repository.resolveCommit("no-such-branch")
    } throws: { error in
      let gitError = try #require(error as? GitError)
      return gitError.kind == .missingHistory && gitError.message.contains("'no-such-branch'")
        && gitError.message.contains("fetch-depth: 0")
    }
  }

  /// `git_error_last()` outlives the failure that set it; a later call must not report it.
  @Test func aHandledErrorDoesNotLeakIntoTheNextCall() throws {
    let repo = try TempRepo()
    try repo.write("f", "x")
    try repo.commit()
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    _ = try? repository.resolveCommit("first-missing")
    // A lookup that ends in "not found" and is handled must not throw the stale error...
    #expect(try repository.blobID(at: "nope.txt", in: .commit(try repository.resolveCommit("HEAD"))) == nil)
    // ...and the next real failure reports itself, not the earlier one.
    #expect {
      _ = try repository.resolveCommit("HEAD:not-a-commit-path")
    } throws: { error in
      let message = (error as? GitError)?.message ?? ""
      return !message.contains("first-missing")
    }
  }

  @Test func mergeBaseMatchesGit() throws {
    let repo = try TempRepo()
    try repo.write("f", "0\n")
    try repo.commit()
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.write("g", "topic\n")
    try repo.commit()
    try repo.git("checkout", "-q", "main")
    try repo.write("h", "main\n")
    try repo.commit()
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let expected = try repo.git("merge-base", "main", "topic").trimmingCharacters(in: .whitespacesAndNewlines)
    let base = try repository.mergeBase(try repository.resolveCommit("main"), try repository.resolveCommit("topic"))
    #expect(base?.hex == expected)
  }

  @Test func commitInfoCarriesTheAuthor() throws {
    let repo = try TempRepo()
    try repo.write("f", "0\n")
    let id = try repo.commit("Subject line\n\nBody")
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let info = try repository.commitInfo(try #require(ObjectID(hex: id)))
    #expect(info.authorEmail == "dev@example.com")
    #expect(info.summary == "Subject line")
  }

  @Test func anUnbornBranchHasNoHeadAndDiffsFromTheEmptyTree() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "hi\n")
    try repo.stage()
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    #expect(try repository.headCommit() == nil)
    let changes = try repository.changes(from: .empty, to: .index, under: ["prompts"])
    #expect(changes.map(\.status) == [.added])
    #expect(changes.first?.newPath == "prompts/a/prompt.txt")
  }

  @Test func aShallowCloneSaysSo() throws {
    let repo = try TempRepo()
    for index in 0..<3 {
      try repo.write("f", "\(index)")
      try repo.commit()
    }
    let shallow = try repo.shallowClone()
    #expect(try Repository.open(at: shallow, environment: repo.environment).isShallow)
    #expect(try !Repository.open(at: repo.path, environment: repo.environment).isShallow)
  }

  @Test func aLinkedWorktreeReadsItsOwnHeadAndIndex() throws {
    let repo = try TempRepo()
    try repo.write("prompts/a/prompt.txt", "one\n")
    try repo.commit()
    let worktree = repo.root + "/wt"
    try repo.git("worktree", "add", "-q", "-b", "side", worktree)
    try "two\n".write(toFile: worktree + "/prompts/a/prompt.txt", atomically: true, encoding: .utf8)
    try repo.git(["add", "-A"], in: worktree)
    let repository = try Repository.open(at: worktree, environment: repo.environment)
    let expectedHead = try repo.git(["rev-parse", "HEAD"], in: worktree).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(try repository.headCommit()?.hex == expectedHead)
    let staged = try repository.contents(at: "prompts/a/prompt.txt", in: .index)
    #expect(staged.map { String(decoding: $0, as: UTF8.self) } == "two\n")
    // The main worktree's index is untouched.
    let main = try Repository.open(at: repo.path, environment: repo.environment)
    #expect(
      try main.contents(at: "prompts/a/prompt.txt", in: .index).map { String(decoding: $0, as: UTF8.self) } == "one\n")
  }
}
