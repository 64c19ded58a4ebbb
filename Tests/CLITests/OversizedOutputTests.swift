import Foundation
import TestSupport
import Testing

/// A program's output that promptops would have to cut to read is an error, never a verdict on
/// the part it kept: an `exec:` answer past 16 MiB, an external results file past 64 MiB, a
/// signature from ssh-keygen past 1 MiB. Real programs, real repositories and the binary.
///
/// One test at a time: each runs the binary several times (and some fill disks or pipes).
@Suite("oversized output is an error, not a cut pass", .serialized)
struct OversizedOutputTests {
  /// Prompt `a` whose suite asks `./answer.py BYTES` (which counts its calls in calls.txt) for
  /// an answer that must not contain FORBIDDEN; the answer is BYTES of `a` then FORBIDDEN.
  static func repository(bytes: Int, _ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: "Answer {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/answer.py",
      """
      import sys
      with open("calls.txt", "a") as calls:
          calls.write("call\\n")
      sys.stdout.write("a" * \(bytes) + "FORBIDDEN")

      """)
    try repo.write(
      "prompts/a/evalsuite.yml",
      """
      providers: ["exec:python3 ./answer.py"]
      tests:
        - vars: {x: one}
          assert: [{type: not-contains, value: FORBIDDEN}]

      """)
    try repo.commit("a with a long-winded provider")
    return repo
  }

  static func calls(_ repo: TempRepo) -> Int {
    ((try? repo.read("prompts/a/calls.txt")) ?? "").split(separator: "\n").count
  }

  @Test(.timeLimit(.minutes(5))) func anExecAnswerPastTheLimitIsAnErrorAndNotCached() async throws {
    let repo = try Self.repository(bytes: 16 << 20)
    let first = try await repo.promptopsAsync("eval", "a")
    #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
    #expect(first.stdout.contains("ERROR a 1.0.0"), "\(first.stdout)")
    #expect(first.stdout.contains("printed more than 16 MiB on stdout"), "\(first.stdout)")
    #expect(!first.stdout.contains("PASS"), "\(first.stdout)")
    // Nothing was cached: the next run asks the program again, and gets the same error.
    let second = try await repo.promptopsAsync("eval", "a")
    #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
    #expect(second.stdout.contains("printed more than 16 MiB on stdout"), "\(second.stdout)")
    #expect(Self.calls(repo) == 2)
    // The note records the error, not a pass.
    let note = try repo.git("notes", "--ref", "promptops", "show", "HEAD")
    #expect(note.contains("\"passed\":false") && note.contains("more than 16 MiB"), "\(note)")
  }

  /// The limit is inclusive: an answer of exactly 16 MiB, FORBIDDEN at its end, is graded whole.
  @Test(.timeLimit(.minutes(5))) func anAnswerOfExactlyTheLimitIsGradedWhole() async throws {
    let repo = try Self.repository(bytes: (16 << 20) - 9)
    let run = try await repo.promptopsAsync("eval", "a")
    #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("FAIL a 1.0.0"), "the whole answer, FORBIDDEN included, was graded: \(run.stdout)")
    #expect(!run.stdout.contains("more than 16 MiB"), "\(run.stdout)")
  }

  /// A program that never stops printing is stopped at the limit, not at its timeout.
  @Test(.timeLimit(.minutes(5))) func aProgramThatNeverStopsPrintingIsStoppedAtTheLimit() async throws {
    let repo = try TempRepo("endlessAnswer")
    try repo.writePrompt("a", text: "Answer {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers:\n  - id: \"exec:yes\"\n    config: {timeout: 600000}\ntests:\n  - vars: {x: one}\n    assert: [{type: contains, value: y}]\n"
    )
    try repo.commit("a with an endless provider")
    let started = Date()
    let run = try await repo.promptopsAsync("eval", "a")
    #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("printed more than 16 MiB on stdout"), "\(run.stdout)")
    // Stopped at 16 MiB (a fraction of a second of `yes`), not at its ten-minute timeout.
    #expect(Date().timeIntervalSince(started) < 60)
  }

  /// External mode: a results file past 64 MiB is an error, not read in part.
  @Test(.timeLimit(.minutes(5))) func anExternalResultsFilePastTheLimitIsAnError() async throws {
    let repo = try TempRepo("largeResults")
    try repo.writePrompt("a", text: "Answer {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {x: one}\n    assert: [{type: contains, value: one}]\n")
    // Valid promptfoo results, padded past 64 MiB inside a string.
    try repo.write(
      "tools/large-results.sh",
      """
      #!/bin/sh
      { printf '{"results":{"results":[{"success":true,"score":1,"testCase":{"description":"one"}}]},"pad":"'
        head -c $(( (64 << 20) + 1 )) /dev/zero | tr '\\0' a
        printf '"}'; } > "$2"

      """)
    try repo.write(
      ".promptops.yml",
      "evals:\n  mode: external\n  external_command: [sh, tools/large-results.sh, \"{suite}\", \"{output}\"]\n")
    try repo.commit("external evals with large results")
    let run = try await repo.promptopsAsync("eval", "a")
    #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("ERROR a 1.0.0"), "\(run.stdout)")
    #expect(run.stdout.contains("larger than 64 MiB"), "\(run.stdout)")
  }

  /// ssh-keygen's signature is read up to 1 MiB: more is no signature, and the error says so.
  @Test(.timeLimit(.minutes(5))) func aSignerThatPrintsTooMuchSignsNothing() async throws {
    let repo = try TempRepo("largeSignature")
    try repo.writePrompt("a", text: "Answer {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("a")
    let bin = repo.root + "/bin"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    try ScriptFile.write(
      "#!/bin/sh\ncat > /dev/null\necho '-----BEGIN SSH SIGNATURE-----'\nhead -c 2097152 /dev/zero | tr '\\0' A\necho\necho '-----END SSH SIGNATURE-----'\n",
      to: bin + "/ssh-keygen")
    let key = repo.root + "/key"
    _ = FileManager.default.createFile(atPath: key, contents: Data("not read by the fake\n".utf8))
    let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let result = try await repo.promptopsAsync(
      "approve", "a", "--env", "prod", "--role", "owner", "--reviewer", "dev@example.com", "--key", key,
      environment: ["PATH": path])
    #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("printed more than 1024 KiB, which is no signature"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/approvals"))
  }
}
