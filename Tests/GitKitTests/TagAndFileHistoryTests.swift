import Foundation
import GitKit
import TestSupport
import Testing

@Suite("GitKit: release tags and file history, compared with git")
struct TagAndFileHistoryTests {
  @Test func tagsAreListedReadAndPeeledAsGitDoes() throws {
    let repo = try TempRepo()
    try repo.write("a.txt", "1\n")
    let first = try repo.commit()
    try repo.write("a.txt", "2\n")
    let second = try repo.commit()
    try repo.git("tag", "-a", "prompt/a/v1.0.0", "-m", "release one\n\nsha256: x\n", first)
    try repo.git("tag", "prompt/a/v2.0.0", second)
    try repo.git("tag", "-a", "other", "-m", "not a prompt tag", second)
    // A tag of a tag still peels to the commit.
    try repo.git("tag", "-a", "prompt/b/v1.0.0", "-m", "nested", "prompt/a/v1.0.0")
    let repository = try Repository.open(at: repo.path, environment: repo.environment)

    let listed = try repository.tagNames(withPrefix: "prompt/")
    let oracle = try repo.git("tag", "-l", "prompt/*").split(separator: "\n").map(String.init)
    #expect(listed == oracle)
    #expect(listed.count == 3)

    let annotated = try #require(try repository.tag(named: "prompt/a/v1.0.0"))
    #expect(annotated.commit.hex == first)
    #expect(
      annotated.tagObject?.hex
        == (try repo.git("rev-parse", "prompt/a/v1.0.0").trimmingCharacters(in: .whitespacesAndNewlines)))
    #expect(annotated.message == "release one\n\nsha256: x\n")
    #expect(annotated.taggerEmail == "dev@example.com")
    let lightweight = try #require(try repository.tag(named: "prompt/a/v2.0.0"))
    #expect(lightweight.tagObject == nil && lightweight.commit.hex == second && lightweight.message.isEmpty)
    #expect(try repository.tag(named: "prompt/b/v1.0.0")?.commit.hex == first)
    #expect(try repository.tag(named: "prompt/none") == nil)
  }

  @Test func theCommitsThatChangedAFileMatchGitLog() throws {
    let repo = try TempRepo()
    var seed: UInt64 = 7
    for index in 0..<24 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let touchA = seed >> 60 & 1 == 1
      let touchB = seed >> 61 & 1 == 1
      if touchA { try repo.write("prompts/a.txt", "a \(index)\n") }
      if touchB { try repo.write("prompts/b.txt", "b \(index)\n") }
      if index == 17 { try repo.remove("prompts/a.txt") }
      try repo.write("noise.txt", "\(index)\n")
      try repo.commit("c\(index)")
    }
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let head = try #require(try repository.headCommit())
    for paths in [["prompts/a.txt"], ["prompts/b.txt"], ["prompts/a.txt", "prompts/b.txt"], ["missing.txt"]] {
      let ours = try repository.commitsChanging(paths, from: head).map(\.hex)
      let git = try repo.git(["log", "--format=%H", "--"] + paths).split(separator: "\n").map(String.init)
      #expect(ours == git, "\(paths)")
    }
    #expect(try repository.commits(reachableFrom: head).count == 24)
    #expect(repository.commitExists(head))
    #expect(!repository.commitExists(try #require(ObjectID(hex: String(repeating: "1", count: 40)))))
  }
}
