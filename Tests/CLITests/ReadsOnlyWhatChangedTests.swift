import Foundation
import TestSupport
import Testing

/// The change-based checks open only the changed prompts' blobs: proven on a repository whose
/// unchanged cards are all invalid YAML, which any read of them would report.
@Suite("reads only what changed")
struct ReadsOnlyWhatChangedTests {
  @Test func unchangedBrokenCardsAreNeverRead() throws {
    let repo = try TempRepo("readsOnlyChanged")
    for index in 0..<40 {
      let id = "p\(index)"
      try repo.write("prompts/\(id)/prompt.txt", "Prompt \(index)\n")
      try repo.write("prompts/\(id)/prompt-card.yml", "id: \(id)\nversion: [this is not: valid yaml\n")
    }
    try repo.writePrompt("target", text: "Hello {{name}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("src/app.py", "print('hi')\n")
    _ = try repo.commit()

    try repo.writePrompt("target", text: "Hello {{name}}!\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.write("src/app.py", "print('hello')\n")
    try repo.stage()
    let staged = try repo.promptops("check", "--staged", "--verbose")
    #expect(staged.status == 0, "\(staged.stdout)")
    // target's text, card (and no changelog file) on both sides: 4 blobs; nothing else.
    #expect(staged.stderr.contains("2 changed paths, 1 prompts read, 4 blobs read"), "\(staged.stderr)")
    _ = try repo.commit()

    let range = try repo.promptops("check", "--base", "HEAD~1", "--verbose")
    #expect(range.status == 0, "\(range.stdout)")
    #expect(range.stderr.contains("2 changed paths, 1 prompts read, 4 blobs read"), "\(range.stderr)")

    let gate = try repo.promptops("gate", "--base", "HEAD~1", "--verbose")
    #expect(gate.status == 0)
    #expect(gate.stderr.contains("4 blobs read"), "\(gate.stderr)")

    // The whole-tree check does read them all, and says so.
    let all = try repo.promptops("check", "--all")
    #expect(all.status == 1)
    #expect(all.stdout.components(separatedBy: "error[card-invalid]").count - 1 == 40)
  }

  /// A change outside every prompt folder can feed only the suites that name a file outside their
  /// own folder. Finding those means looking at every suite once; after that the suite index
  /// answers by tree id, and a gate reads only the folders its change touched.
  @Test func suitesAreLookedAtOnceThenOnlyWhereTheChangeIs() throws {
    let repo = try TempRepo("suiteIndex")
    let ownSuite = "providers: [echo]\ntests:\n  - vars: {text: hi}\n    assert: [{type: contains, value: hi}]\n"
    let sharedSuite = "providers: [echo]\ntests:\n  - ../../evals/shared.yaml\n"
    for index in 0..<30 {
      try repo.writePrompt("p\(index)", text: "Say {{text}}\n", version: "1.0.0", changelog: ["1.0.0"])
      try repo.write("prompts/p\(index)/evalsuite.yml", index == 7 ? sharedSuite : ownSuite)
    }
    try repo.write("evals/shared.yaml", "- vars: {text: fish}\n  assert: [{type: contains, value: fish}]\n")
    try repo.write("docs/readme.md", "one\n")
    _ = try repo.commit()

    func gateLastCommit() throws -> (status: Int32, blobs: Int, failed: [String]) {
      let result = try repo.promptops("gate", "--base", "HEAD~1", "--verbose", "--format", "json")
      let blobs = try #require(
        result.stderr.firstMatch(of: /(\d+) blobs read/).flatMap { Int($0.1) }, "\(result.stderr)")
      let report = try JSONReport(result)
      return (result.status, blobs, report.findings("eval-failed").compactMap { $0["prompt"] as? String }.sorted())
    }

    try repo.write("docs/readme.md", "two\n")
    _ = try repo.commit()
    let cold = try gateLastCommit()
    #expect(cold.status == 0)
    #expect(cold.blobs >= 30, "the first walk looks at every suite")

    try repo.write("docs/readme.md", "three\n")
    _ = try repo.commit()
    let warm = try gateLastCommit()
    #expect(warm.status == 0)
    // Only p7's suite (which names a file outside its folder) and that file are read.
    #expect(warm.blobs <= 3, "\(warm.blobs) blobs read for a README change")

    try repo.write("evals/shared.yaml", "- vars: {text: fish}\n  assert: [{type: contains, value: whale}]\n")
    _ = try repo.commit()
    #expect(try gateLastCommit().failed == ["p7"])

    // A suite that starts naming the shared file is found in its new tree.
    try repo.writePrompt("p3", text: "Say {{text}}\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/p3/evalsuite.yml", sharedSuite)
    _ = try repo.commit()
    try repo.write("evals/shared.yaml", "- vars: {text: fish}\n  assert: [{type: contains, value: shark}]\n")
    _ = try repo.commit()
    #expect(try gateLastCommit().failed == ["p3", "p7"])

    // A damaged index is no index: the suites are looked at again, and the verdict is the same.
    try "promptops-tree-index 2 suite-index evalsuite.yml\nnot a tree id\n".write(
      toFile: repo.path + "/.git/promptops/suite-index", atomically: true, encoding: .utf8)
    let rebuilt = try gateLastCommit()
    #expect(rebuilt.failed == ["p3", "p7"])
    #expect(rebuilt.blobs >= 30)

    // A forged index that says the prompt root holds no such suite, in the index's format with
    // no MAC and with a MAC made without the key, hides nothing: it is not read.
    let rootTree = try repo.git("rev-parse", "HEAD:prompts").trimmingCharacters(in: .whitespacesAndNewlines)
    let treeBytes = stride(from: 0, to: 40, by: 2).map { UInt8(rootTree.dropFirst($0).prefix(2), radix: 16)! }
    for mac in [[UInt8](), [UInt8](repeating: 7, count: 32)] {
      let forged =
        Array("promptops-tree-index 2 suite-index evalsuite.yml\n".utf8) + [1, 0, 0, 0] + treeBytes + [0, 0, 0, 0] + mac
      try Data(forged).write(to: URL(fileURLWithPath: repo.path + "/.git/promptops/suite-index"))
      #expect(try gateLastCommit().failed == ["p3", "p7"], "a forged index (\(mac.count)-byte MAC) hid a suite")
    }
  }

  /// A change outside every prompt folder can alter what a link below the roots leads to.
  /// Finding the links means looking at every folder once; after that the link index answers by
  /// tree id, and a check reads no tree and no blob more than its change needs (here none: each
  /// link's target is kept beside it), whether or not the repository holds links. Counted on
  /// commit ranges: against the index, git itself may leave folders' cache-tree entries stale
  /// (a file staged in the second it changed), and those folders are compared.
  @Test(.timeLimit(.minutes(5))) func linksAreFoundOnceThenOnlyFollowed() throws {
    let repo = try TempRepo("linkIndex")
    for index in 0..<30 {
      try repo.writePrompt("p\(index)", text: "Say {{text}}\n", version: "1.0.0", changelog: ["1.0.0"])
    }
    try repo.write("docs/readme.md", "one\n")
    _ = try repo.commit()

    func check(_ arguments: String...) throws -> (status: Int32, blobs: Int, trees: Int, linked: [String]) {
      let result = try runProcess(
        try promptopsBinary(), ["check"] + arguments + ["--verbose", "--format", "json"], in: repo.path,
        environment: repo.environment)
      let blobs = try #require(
        result.stderr.firstMatch(of: /(\d+) blobs read/).flatMap { Int($0.1) }, "\(result.stderr)")
      let trees = try #require(
        result.stderr.firstMatch(of: /(\d+) trees read/).flatMap { Int($0.1) }, "\(result.stderr)")
      let report = try JSONReport(result)
      return (
        result.status, blobs, trees, report.findings("prompt-not-regular-file").compactMap { $0["file"] as? String }
      )
    }
    func commitDocs(_ text: String) throws {
      try repo.write("docs/readme.md", text)
      _ = try repo.commit()
    }

    // No link at all: the first check walks, the next ones read nothing.
    try commitDocs("two\n")
    let cold = try check("--base", "HEAD~1")
    #expect(cold.status == 0)
    #expect(cold.trees >= 30, "the first check looks at every folder")
    let warm = try check("--base", "HEAD~1")
    #expect(warm.status == 0)
    #expect((warm.blobs, warm.trees) == (0, 0), "\(warm) for a README change")

    // p7's text becomes a link to a shared copy (committed past the hook).
    try repo.write("shared/p7.txt", "Say {{text}}\n")
    try FileManager.default.removeItem(atPath: repo.path + "/prompts/p7/prompt.txt")
    try FileManager.default.createSymbolicLink(
      atPath: repo.path + "/prompts/p7/prompt.txt", withDestinationPath: "../../shared/p7.txt")
    _ = try repo.commit()
    try commitDocs("three\n")
    // The new root tree and p7's folder are read, and p7's link with them; then nothing.
    let linked = try check("--base", "HEAD~1")
    #expect(linked.status == 0 && linked.linked.isEmpty)
    #expect((linked.blobs, linked.trees) == (1, 2), "\(linked)")
    let linkedWarm = try check("--base", "HEAD~1")
    #expect((linkedWarm.blobs, linkedWarm.trees) == (0, 0), "\(linkedWarm) with a link in the repository")
    // A base checked before is still known (the first one, before the link).
    let earlier = try check("--base", "HEAD~3", "--head", "HEAD~2")
    #expect((earlier.status, earlier.blobs, earlier.trees) == (0, 0, 0), "\(earlier)")

    try repo.write("shared/p7.txt", "Say {{text}} loudly\n")
    try repo.stage()
    #expect(try check("--staged").linked == ["prompts/p7/prompt.txt"])
    _ = try repo.commit()
    let edited = try check("--base", "HEAD~1")
    #expect(edited.status == 1 && edited.linked == ["prompts/p7/prompt.txt"], "\(edited)")
    #expect((edited.blobs, edited.trees) == (0, 0), "\(edited)")

    // A forged index that says the prompt root holds no link, in the index's format with no MAC
    // and with a MAC made without the key, hides nothing: it is not read.
    let indexFile = repo.path + "/.git/promptops/link-index"
    #expect(FileManager.default.fileExists(atPath: indexFile))
    let rootTree = try repo.git("rev-parse", "HEAD~1:prompts").trimmingCharacters(in: .whitespacesAndNewlines)
    let treeBytes = stride(from: 0, to: 40, by: 2).map { UInt8(rootTree.dropFirst($0).prefix(2), radix: 16)! }
    for mac in [[UInt8](), [UInt8](repeating: 7, count: 32)] {
      let forged = Array("promptops-tree-index 2 link-index \n".utf8) + [1, 0, 0, 0] + treeBytes + [0, 0, 0, 0] + mac
      try Data(forged).write(to: URL(fileURLWithPath: indexFile))
      let result = try check("--base", "HEAD~1")
      #expect(result.linked == ["prompts/p7/prompt.txt"], "a forged index (\(mac.count)-byte MAC) hid a link")
      #expect(result.trees >= 30, "a forged index was read")
    }
  }
}
