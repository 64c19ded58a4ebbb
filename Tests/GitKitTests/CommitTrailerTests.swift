import Foundation
import GitKit
import TestSupport
import Testing

/// Commit trailers read as git reads them: every message here is also given to
/// `git interpret-trailers --parse --no-divider` (what `git log --format=%(trailers)` prints),
/// and the trailers must be the same, in the same order.
@Suite("Commit trailers agree with git", .timeLimit(.minutes(5)))
struct CommitTrailerTests {
  static let messages = [
    "Title\n\nCo-authored-by: Alice <alice@example.com>\n",
    "Title\n\nBody.\n\nco-authored-by:   Alice <alice@example.com>  \nSigned-off-by: Dev <dev@example.com>\n",
    "Title\nCo-authored-by: Alice <alice@example.com>\n",
    "Co-authored-by: Alice <alice@example.com>\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>\n\nA closing paragraph.\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>\nnot a trailer\n",
    "Title\n\nSigned-off-by: Dev <dev@example.com>\nnot a trailer\nCo-authored-by: Alice <alice@example.com>\n",
    "Title\n\nSigned-off-by: Dev <dev@example.com>\none\ntwo\nthree\nfour\nCo-authored-by: Alice <alice@example.com>\n",
    "Title\n\n(cherry picked from commit 0123456789abcdef)\nsome words\nCo-authored-by: Alice <alice@example.com>\n",
    "Title\n\nCo-authored-by: Alice\n  <alice@example.com>\nReviewed-by: Bob\n\t<bob@example.com>\n",
    "Title\n\n  leading space: not a trailer\nCo-authored-by: Alice <alice@example.com>\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>\n# a comment\n\n# another\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>\n# inside the block\nAcked-by: Carol <carol@example.com>\n",
    "Title\n\nBody\n---\n\nCo-authored-by: Alice <alice@example.com>\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>\n# ------------------------ >8 ------------------------\nCo-authored-by: Mallory <m@example.com>\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>\n\nConflicts:\n\tprompts/a/prompt.txt\n",
    "Title\n\nCo-authored-by : Alice <alice@example.com>\nKey With Space: value\nEmpty:\n:no key\n",
    "Title\r\n\r\nCo-authored-by: Alice <alice@example.com>\r\n",
    "Title\n\nCo-authored-by: Zoë Ünïcode <zoe@example.com>\n",
    "Title\n\nCo-authored-by: Alice <alice@example.com>",
    "Title\n\n   \nCo-authored-by: Alice <alice@example.com>\n   \n",
    "Title\n\nhttp://example.com: a link\nCo-authored-by: Alice <alice@example.com>\n",
    "# comment title\n\nTitle\n\nCo-authored-by: Alice <alice@example.com>\n",
    "",
    "\n",
  ]

  @Test func handWrittenMessagesAgreeWithGit() throws {
    let repo = try TempRepo()
    var found = 0
    for message in Self.messages {
      let ours = CommitTrailers.parse(message)
      #expect(Self.printed(ours) == (try Self.git(message, repo)), "\(message.debugDescription)")
      found += ours.count
    }
    #expect(found > 20, "the corpus exercises trailers that are found, not only ones that are not")
  }

  /// Messages made of random lines (trailers, continuations, prose, comments, blank lines,
  /// git-generated lines), from a fixed seed.
  @Test func randomMessagesAgreeWithGit() throws {
    let repo = try TempRepo()
    var random = SplitMix64(state: 0x7261_696C_6572)
    let pieces = [
      "Co-authored-by: Alice <alice@example.com>", "CO-AUTHORED-BY:Bob <bob@example.com>",
      "Signed-off-by: Dev <dev@example.com>",
      "(cherry picked from commit abc)", "  continued", "\tmore", "prose line", "Bug #42", "x: y", "-: dash",
      "a b: spaced key",
      "# comment", "", "   ", "Conflicts:", "\tpath", "---", "key:", ": empty key",
    ]
    var nonEmpty = 0
    for _ in 0..<250 {
      var message = "Title\n"
      for _ in 0..<Int.random(in: 1...9, using: &random) {
        message += pieces[Int.random(in: 0..<pieces.count, using: &random)] + "\n"
      }
      if Bool.random(using: &random) { message = message.replacingOccurrences(of: "Title\n", with: "Title\n\n") }
      let ours = CommitTrailers.parse(message)
      #expect(Self.printed(ours) == (try Self.git(message, repo)), "\(message.debugDescription)")
      if !ours.isEmpty { nonEmpty += 1 }
    }
    #expect(nonEmpty > 25)
  }

  /// Who changed a path in a range: authors, committers and co-authors of the commits that
  /// changed it, and nobody named only by commits that did not.
  @Test func changeIdentitiesNameAuthorsCommittersAndCoAuthors() throws {
    let repo = try TempRepo()
    try repo.write("p.txt", "0\n")
    let base = try repo.commit("base")
    func commit(_ file: String, _ content: String, author: String, committer: String, message: String) throws {
      try repo.write(file, content)
      try repo.stage()
      var environment = repo.environment
      environment["GIT_AUTHOR_EMAIL"] = author
      environment["GIT_COMMITTER_EMAIL"] = committer
      let result = try runProcess(
        which("git") ?? "/usr/bin/git", ["commit", "-q", "-F", "-"], in: repo.path, environment: environment,
        input: message)
      try #require(result.status == 0, "\(result.stderr)")
    }
    try commit(
      "p.txt", "1\n", author: "Ann@Example.com", committer: "cid@example.com",
      message: "one\n\nCo-Authored-By: Bea <Bea@Example.com>\n")
    try commit(
      "other.txt", "x\n", author: "dora@example.com", committer: "dora@example.com",
      message: "other\n\nCo-authored-by: Eve <eve@example.com>\n")
    try commit(
      "p.txt", "2\n", author: "fay@example.com", committer: "fay@example.com",
      message: "two\n\nCo-authored-by: gil@example.com\n")
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let head = try repository.resolveCommit("HEAD")
    let range = try repository.commits(reachableFrom: head, notFrom: try repository.resolveCommit(base))
    #expect(
      try repository.changeIdentities(of: range, touching: ["p.txt"])
        == ["ann@example.com", "cid@example.com", "bea@example.com", "fay@example.com", "gil@example.com"])
  }

  /// `token: value` lines, as `git interpret-trailers --parse` prints them.
  static func printed(_ trailers: [CommitTrailers.Trailer]) -> String {
    trailers.map { "\($0.key): \($0.value)\n" }.joined()
  }

  static func git(_ message: String, _ repo: TempRepo) throws -> String {
    let result = try runProcess(
      which("git") ?? "/usr/bin/git", ["interpret-trailers", "--parse", "--no-divider"], in: repo.path,
      environment: repo.environment,
      input: message)
    try #require(result.status == 0, "\(result.stderr)")
    return result.stdout
  }
}
