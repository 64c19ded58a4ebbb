import Foundation
import TestSupport
import Testing

/// A `TMPDIR` that names no folder is a clear error naming the folder and the variable wherever
/// promptops needs a scratch folder, and nothing at all where it needs none; promptops never
/// creates the folder `TMPDIR` names. Real repositories, git, ssh-keygen and the binary.
@Suite("a missing TMPDIR")
struct TemporaryFolderTests {
  /// Prompt `a` at 1.0.0 with a suite run in external mode by a script that writes promptfoo's
  /// results; committed.
  static func repository(_ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: "A says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {x: one}\n    assert: [{type: contains, value: one}]\n")
    try repo.write(
      "tools/fake-promptfoo.sh",
      "#!/bin/sh\nprintf '{\"results\":{\"results\":[{\"success\":true,\"score\":1,\"testCase\":{\"description\":\"one\"}}]}}' > \"$2\"\n"
    )
    try repo.write(
      ".promptops.yml",
      "evals:\n  mode: external\n  external_command: [sh, tools/fake-promptfoo.sh, \"{suite}\", \"{output}\"]\n")
    try repo.commit("a, evaluated externally")
    return repo
  }

  func expectNamesTheVariable(
    _ result: ProcessResult, _ missing: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
    #expect(
      result.stderr.contains("TMPDIR=\(missing): no such folder"), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(!result.stderr.contains("NSCocoaErrorDomain"), "\(result.stderr)", sourceLocation: sourceLocation)
    #expect(
      !FileManager.default.fileExists(atPath: missing), "promptops created the folder TMPDIR names",
      sourceLocation: sourceLocation)
  }

  @Test(.timeLimit(.minutes(5))) func externalEvalsNameTheMissingFolder() async throws {
    let repo = try Self.repository()
    let missing = repo.root + "/no-such-tmp"
    expectNamesTheVariable(try await repo.promptopsAsync("eval", "a", environment: ["TMPDIR": missing]), missing)
    // With the folder there, the same run passes.
    try FileManager.default.createDirectory(atPath: missing, withIntermediateDirectories: true)
    let run = try await repo.promptopsAsync("eval", "a", environment: ["TMPDIR": missing])
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: missing).isEmpty, "the scratch folder was left behind")
    // A TMPDIR that is a file is not a folder.
    let file = repo.root + "/a-file"
    _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
    let notFolder = try await repo.promptopsAsync("eval", "a", environment: ["TMPDIR": file])
    #expect(notFolder.status == 2)
    #expect(notFolder.stderr.contains("TMPDIR=\(file): not a folder"), "\(notFolder.stderr)")
  }

  /// `approve` with a key given as text (`key::…`, whose private half is in the agent) writes it
  /// to a scratch file for ssh-keygen: that needs the folder. A key file does not.
  @Test(.timeLimit(.minutes(5))) func approvalsNeedTheFolderOnlyForAKeyGivenAsText() async throws {
    let repo = try Self.repository()
    let missing = repo.root + "/no-such-tmp"
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed")
    let key = repo.root + "/alice"
    let made = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key], in: repo.root,
      environment: repo.environment)
    try #require(made.status == 0, "\(made.stderr)")
    let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    try repo.git("config", "user.signingkey", "key::" + publicKey)
    // approve writes only records that will verify: alice's key is listed.
    try repo.trustApprovals(of: "alice@example.com", publicKey: publicKey)
    expectNamesTheVariable(
      try await repo.promptopsAsync(
        "approve", "a", "--env", "prod", "--role", "owner", "--reviewer", "alice@example.com",
        environment: ["TMPDIR": missing]),
      missing)

    let withFile = try await repo.promptopsAsync(
      "approve", "a", "--env", "prod", "--role", "owner", "--reviewer", "alice@example.com", "--key", key,
      environment: ["TMPDIR": missing])
    #expect(withFile.status == 0, "\(withFile.stdout)\(withFile.stderr)")
    #expect(!FileManager.default.fileExists(atPath: missing))
  }

  /// Release tags take their message on standard input: promote needs no scratch folder.
  @Test(.timeLimit(.minutes(5))) func promotionNeedsNoScratchFolder() async throws {
    let repo = try Self.repository()
    let missing = repo.root + "/no-such-tmp"
    let promoted = try await repo.promptopsAsync(
      "promote", "a", "--env", "dev", "--commit", environment: ["TMPDIR": missing])
    #expect(promoted.status == 0, "\(promoted.stdout)\(promoted.stderr)")
    #expect(try repo.git("cat-file", "tag", "prompt/a/v1.0.0").contains("id: a\nversion: 1.0.0\n"))
    #expect(!FileManager.default.fileExists(atPath: missing))
    #expect(try await repo.promptopsAsync("verify").status == 0)
  }
}
