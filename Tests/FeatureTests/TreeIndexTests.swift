import Crypto
import Foundation
import GitKit
import TestSupport
import Testing

@testable import PromptChanges

/// The tree index behind the link and suite indexes, on a real repository with two roots: one
/// walk, then only the trees a commit changed, whichever root and whichever base was asked last;
/// a damaged part is walked again, never trusted.
@Suite("TreeIndex: trees read once, answers kept across bases")
struct TreeIndexTests {
  let key = SymmetricKey(size: .bits256)

  /// The links below both roots at a revision, and the trees listed to find them.
  func links(_ repo: TempRepo, at revision: String, key: SymmetricKey?) throws -> (paths: [String], listed: Int) {
    let repository = try Repository.open(at: repo.path, environment: repo.environment)
    let index = TreeIndex(repository: repository, name: "test-index", parameters: "", key: key) { _, mode, id in
      mode == .symlink ? try repository.blob(id) : nil
    }
    let items = try index.items(under: ["prompts", "more"], inCommit: try repository.resolveCommit(revision))
    index.save()
    return (
      items.map { "\($0.pathText ?? "?") -> \(String(decoding: $0.data, as: UTF8.self))" }, repository.treesListed
    )
  }

  @Test(.timeLimit(.minutes(5))) func treesAreReadOnceAndKeptAcrossBasesAndRoots() throws {
    let repo = try TempRepo()
    for index in 0..<10 {
      try repo.writePrompt("p\(index)", text: "P\(index)\n", version: "1.0.0")
      try repo.writePrompt("m\(index)", text: "M\(index)\n", version: "1.0.0", folder: "more/m\(index)")
    }
    try FileManager.default.removeItem(atPath: repo.path + "/prompts/p3/prompt.txt")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/prompts/p3/prompt.txt", withDestinationPath: "../../shared/p3.txt")
    let first = try repo.commit()
    let expected = ["prompts/p3/prompt.txt -> ../../shared/p3.txt"]

    // Without a key nothing is kept: every run walks both roots (2 trees and 20 folders).
    #expect(try links(repo, at: "HEAD", key: nil) == (expected, 22))
    #expect(try links(repo, at: "HEAD", key: nil) == (expected, 22))

    #expect(try links(repo, at: "HEAD", key: key) == (expected, 22))
    #expect(try links(repo, at: "HEAD", key: key) == (expected, 0))

    // A change in one root reads that root and the changed folder; the other root is known.
    try repo.write("more/m1/prompt.txt", "M1 changed\n")
    try repo.commit()
    #expect(try links(repo, at: "HEAD", key: key) == (expected, 2))
    // The earlier base is still known, and so are the first root's folders, which the last run
    // did not need: a change there reads only its root and folder.
    #expect(try links(repo, at: first, key: key) == (expected, 0))
    try repo.write("prompts/p5/prompt.txt", "P5 changed\n")
    try repo.commit()
    #expect(try links(repo, at: "HEAD", key: key) == (expected, 2))

    // A second part that does not verify is not read: the changed root is walked whole.
    let file = TreeIndex.path(of: "test-index", in: try Repository.open(at: repo.path, environment: repo.environment))
    var bytes = try #require(FileManager.default.contents(atPath: file))
    bytes[bytes.count - 40] ^= 0xFF
    try bytes.write(to: URL(fileURLWithPath: file))
    try repo.write("prompts/p6/prompt.txt", "P6 changed\n")
    try repo.commit()
    #expect(try links(repo, at: "HEAD", key: key) == (expected, 11))
    #expect(try links(repo, at: "HEAD", key: key) == (expected, 0))

    // An index made under another key is not read.
    #expect(try links(repo, at: "HEAD", key: SymmetricKey(size: .bits256)) == (expected, 22))
  }
}
