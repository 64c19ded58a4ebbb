import Foundation
import TestSupport
import Testing

/// The writes that matter (lock file, audit log, eval notes, approval records) stay whole when
/// the binary is killed with SIGKILL at any moment and when several runs go at once: after every
/// kill the state is one `verify` accepts and an independent reading agrees with (every pin has
/// its event), and the same command run again lands exactly once.
///
/// The kill points spread over a measured run of the same command, so they fall before, inside
/// and after each write; the killed process's git children (tag, commit) are left to finish or
/// die as they would, and are waited for. One test at a time: each starts many processes, and its
/// kill points are measured against a run of its own. Alone they take some 30 s together; with
/// the whole suite and the real-model server beside them on 2 cores the promotion kills took
/// 155 s, so the two long ones have 10 minutes: the limits only guard against a hang.
@Suite("kill -9 and concurrent runs leave nothing half-released", .serialized)
struct KillAndConcurrencyTests {
  // MARK: - Helpers

  /// Starts the binary in `repo`; stdout and stderr are discarded.
  static func start(_ repo: TempRepo, _ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try promptopsBinary())
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
    process.environment = repo.environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Runs `arguments` and kills the process with SIGKILL after `milliseconds` (if it is still
  /// running; one that ends earlier is not waited for), then waits until no process is left working in the repository (the killed
  /// command's git children finish on their own).
  static func kill(_ repo: TempRepo, _ arguments: [String], after milliseconds: Double) async throws {
    let process = try start(repo, arguments)
    // Polled, not slept through nor `waitUntilExit()`: a run that ends before its kill point is
    // not waited for (the measured run time may be far off on a loaded machine, and sleeping
    // past the end of every run made this suite's time grow with it), and a blocking wait
    // would hold one of the few threads every other test's tasks run on.
    let deadline = Date().addingTimeInterval(milliseconds / 1000)
    while process.isRunning && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
    if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    while process.isRunning { try await Task.sleep(nanoseconds: 5_000_000) }
    let lingering = try await waitForProcesses(in: repo.path)
    #expect(
      lingering.isEmpty,
      "still working in the repository 30 s after `\(arguments.joined(separator: " "))` was killed: \(lingering)")
  }

  /// Waits (at most 30 s) until no process other than this one has its working directory in
  /// `folder`; returns the command lines of those still there after that.
  static func waitForProcesses(in folder: String) async throws -> [String] {
    let deadline = Date().addingTimeInterval(30)
    let me = getpid()
    while true {
      let busy = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap {
        entry -> String? in
        guard let pid = Int32(entry), pid != me,
          let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
          cwd == folder || cwd.hasPrefix(folder + "/")
        else { return nil }
        let command = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline"))) ?? Data()
        return "\(pid): " + String(decoding: command.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
      }
      if busy.isEmpty || Date() >= deadline { return busy }
      try await Task.sleep(nanoseconds: 20_000_000)
    }
  }

  /// Milliseconds one run of `arguments` takes here (the spread of kill points is based on it).
  static func duration(_ repo: TempRepo, _ arguments: [String]) async throws -> Double {
    let started = Date()
    let result = try await repo.promptopsAsync(arguments)
    try #require(result.status == 0, "\(arguments): \(result.stdout)\(result.stderr)")
    return Date().timeIntervalSince(started) * 1000
  }

  /// Every line of the audit log as JSON (each must parse: kills never tear a line).
  static func events(_ text: String?, sourceLocation: SourceLocation = #_sourceLocation) -> [[String: Any]] {
    (text ?? "").split(separator: "\n").compactMap { line in
      let parsed = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(parsed != nil, "a damaged audit line: \(line)", sourceLocation: sourceLocation)
      return parsed
    }
  }

  /// The state after a kill, read independently of promptops: the lock parses, every audit line
  /// parses, and every pin has an event for its environment, prompt and content (in the working
  /// log or HEAD's). Then `verify` must accept it (nothing damaged).
  static func expectConsistent(_ repo: TempRepo, _ context: String, sourceLocation: SourceLocation = #_sourceLocation)
    async throws
  {
    let working = events(try? repo.read("audit/promptops-audit.jsonl"), sourceLocation: sourceLocation)
    let committed = events(try? repo.git("show", "HEAD:audit/promptops-audit.jsonl"), sourceLocation: sourceLocation)
    if let text = try? repo.read("promptops.lock") {
      let lock = try #require(
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
        "\(context): a damaged lock file: \(text)",
        sourceLocation: sourceLocation)
      for (environment, pins) in (lock["environments"] as? [String: [String: [String: Any]]]) ?? [:] {
        for (id, pin) in pins {
          let accounted = (working + committed).contains { event in
            event["environment"] as? String == environment && event["prompt_id"] as? String == id
              && (event["to"] as? [String: Any])?["sha256"] as? String == pin["sha256"] as? String
          }
          #expect(
            accounted, "\(context): \(environment)/\(id) is pinned without its audit event",
            sourceLocation: sourceLocation)
        }
      }
    }
    let verified = try await repo.promptopsAsync("verify")
    #expect(verified.status == 0, "\(context): \(verified.stdout)\(verified.stderr)", sourceLocation: sourceLocation)
  }

  /// No temporary file of a lock write is left in the work tree. One killed between writing its
  /// temporary file and renaming it leaves that file, which no reader takes for the lock; the
  /// next write of the lock removes it.
  static func expectNoStrayFiles(_ repo: TempRepo, _ context: String, sourceLocation: SourceLocation = #_sourceLocation)
    throws
  {
    let stray = try repo.git("status", "--porcelain", "--untracked-files=all").split(separator: "\n").filter {
      $0.hasSuffix(".tmp")
    }
    #expect(stray.isEmpty, "\(context): \(stray)", sourceLocation: sourceLocation)
  }

  /// The events that pinned `id` in `environment` with `kind`, in the working audit log.
  static func count(_ repo: TempRepo, _ kind: String, _ id: String, _ environment: String = "dev") -> Int {
    events(try? repo.read("audit/promptops-audit.jsonl")).filter {
      $0["event"] as? String == kind && $0["prompt_id"] as? String == id && $0["environment"] as? String == environment
    }.count
  }

  static func pinnedVersion(_ repo: TempRepo, _ id: String, _ environment: String = "dev") throws -> String? {
    guard let text = try? repo.read("promptops.lock") else { return nil }
    let lock = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    return (((lock?["environments"] as? [String: Any])?[environment] as? [String: Any])?[id] as? [String: Any])?[
      "version"] as? String
  }

  // MARK: - Kills

  @Test(.timeLimit(.minutes(10))) func promotionsKilledAtAnyMomentLeaveAStateVerifyAcceptsAndTheRetryLandsOnce()
    async throws
  {
    let repo = try TempRepo("killPromote")
    let points = 11
    for index in 0..<points {
      try repo.writePrompt("k\(index)", text: "K\(index) says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    }
    try repo.writePrompt("warm", text: "Warm {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("prompts")
    let run = try await Self.duration(repo, ["promote", "warm", "--env", "dev", "--commit"])

    for index in 0..<points {
      let id = "k\(index)"
      let milliseconds = run * 1.2 * Double(index) / Double(points - 1)
      try await Self.kill(repo, ["promote", id, "--env", "dev", "--commit"], after: milliseconds)
      let context = "promote \(id) killed after \(Int(milliseconds)) of \(Int(run)) ms"
      try await Self.expectConsistent(repo, context)

      let retried = try await repo.promptopsAsync("promote", id, "--env", "dev", "--commit")
      #expect(retried.status == 0, "\(context), retried: \(retried.stdout)\(retried.stderr)")
      #expect(
        Self.count(repo, "promote", id) == 1,
        "\(context): the promotion was logged \(Self.count(repo, "promote", id)) times")
      #expect(try Self.pinnedVersion(repo, id) == "1.0.0", "\(context)")
      let status = try repo.git("status", "--porcelain")
      #expect(status.isEmpty, "\(context): \(status)")
      #expect(try repo.git("show", "HEAD:promptops.lock").contains("\"\(id)\""), "\(context): the pin is not committed")
      try Self.expectNoStrayFiles(repo, context)
    }
    try await Self.expectConsistent(repo, "after all")
  }

  @Test(.timeLimit(.minutes(10))) func rollbacksKilledAtAnyMomentLeaveAStateVerifyAcceptsAndTheRetryLandsOnce()
    async throws
  {
    let repo = try TempRepo("killRollback")
    let points = 8
    let ids = (0..<points).map { "r\($0)" } + ["warm"]
    for id in ids { try repo.writePrompt(id, text: "\(id) says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"]) }
    try repo.commit("1.0.0")
    for id in ids { #expect(try await repo.promptopsAsync("promote", id, "--env", "dev", "--commit").status == 0) }
    for id in ids {
      try repo.writePrompt(id, text: "\(id) now says {{x}}.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    }
    try repo.commit("1.0.1")
    for id in ids { #expect(try await repo.promptopsAsync("promote", id, "--env", "dev", "--commit").status == 0) }
    let run = try await Self.duration(repo, ["rollback", "warm", "--env", "dev", "--reason", "killed", "--commit"])

    for index in 0..<points {
      let id = "r\(index)"
      let milliseconds = run * 1.2 * Double(index) / Double(points - 1)
      try await Self.kill(
        repo, ["rollback", id, "--env", "dev", "--reason", "killed", "--commit"], after: milliseconds)
      let context = "rollback \(id) killed after \(Int(milliseconds)) of \(Int(run)) ms"
      try await Self.expectConsistent(repo, context)

      let retried = try await repo.promptopsAsync("rollback", id, "--env", "dev", "--reason", "killed", "--commit")
      #expect(retried.status == 0, "\(context), retried: \(retried.stdout)\(retried.stderr)")
      #expect(
        Self.count(repo, "rollback", id) == 1,
        "\(context): the rollback was logged \(Self.count(repo, "rollback", id)) times")
      #expect(try Self.pinnedVersion(repo, id) == "1.0.0", "\(context)")
      let status = try repo.git("status", "--porcelain")
      #expect(status.isEmpty, "\(context): \(status)")
      try Self.expectNoStrayFiles(repo, context)
    }
    try await Self.expectConsistent(repo, "after all")
  }

  /// Evals killed while recording: the notes read as whole records, and the next run records.
  @Test(.timeLimit(.minutes(5))) func evalsKilledWhileRecordingLeaveWholeNotesAndTheNextRunRecords() async throws {
    let repo = try TempRepo("killEval")
    try repo.writePrompt("a", text: "A says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/a/evalsuite.yml",
      "providers: [echo]\ntests:\n  - vars: {x: one}\n    assert: [{type: contains, value: one}]\n")
    try repo.commit("a")
    let run = try await Self.duration(repo, ["eval", "a", "--no-cache"])
    let points = 8
    for index in 0..<points {
      let milliseconds = run * 1.2 * Double(index) / Double(points - 1)
      try await Self.kill(repo, ["eval", "a", "--no-cache"], after: milliseconds)
      let context = "eval killed after \(Int(milliseconds)) of \(Int(run)) ms"
      let note = (try? repo.git("notes", "--ref", "promptops", "show", "HEAD")) ?? ""
      for line in note.split(separator: "\n") {
        #expect(
          (try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(context): a damaged note line: \(line)")
      }
      let next = try await repo.promptopsAsync("eval", "a", "--no-cache")
      #expect(next.status == 0, "\(context): \(next.stdout)\(next.stderr)")
      #expect(!next.stderr.contains("not recorded"), "\(context): \(next.stderr)")
    }
    #expect(try repo.git("notes", "--ref", "promptops", "show", "HEAD").contains("\"prompt\":\"a\""))
  }

  /// `approve` killed at any moment leaves no partial record: a record is there whole (signed)
  /// or not at all, and approving again works.
  @Test(.timeLimit(.minutes(5))) func approvalsKilledAtAnyMomentLeaveWholeRecordsOrNone() async throws {
    let repo = try TempRepo("killApprove")
    try repo.writePrompt("a", text: "A says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("a")
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed")
    let key = repo.root + "/alice"
    let made = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key], in: repo.root,
      environment: repo.environment)
    try #require(made.status == 0, "\(made.stderr)")
    try repo.trustApprovals(
      of: "alice@example.com", publicKey: try String(contentsOfFile: key + ".pub", encoding: .utf8))
    let approve = [
      "approve", "a", "--env", "prod", "--role", "owner", "--reviewer", "alice@example.com", "--key", key, "--replace",
    ]
    let run = try await Self.duration(repo, approve)
    let record = repo.path + "/approvals/a/1.0.0-prod-alice@example.com.yml"
    try FileManager.default.removeItem(atPath: record)
    let points = 8
    for index in 0..<points {
      let milliseconds = run * 1.2 * Double(index) / Double(points - 1)
      try await Self.kill(repo, approve, after: milliseconds)
      let context = "approve killed after \(Int(milliseconds)) of \(Int(run)) ms"
      if let text = try? String(contentsOfFile: record, encoding: .utf8) {
        #expect(text.contains("-----END SSH SIGNATURE-----"), "\(context): a partial record: \(text)")
      }
      let again = try await repo.promptopsAsync(approve)
      #expect(again.status == 0, "\(context): \(again.stdout)\(again.stderr)")
      try FileManager.default.removeItem(atPath: record)
    }
  }

  /// A crash (power lost) in the middle of an append, before the event reached the disk, leaves
  /// a last line without its line break that is not an event: it records nothing, so it counts
  /// for nothing, and the next append removes it. Any other line that is not an event is still
  /// an error naming its line.
  @Test(.timeLimit(.minutes(5))) func anAppendCutByACrashCountsForNothingAndIsRemoved() async throws {
    let repo = try TempRepo("tornAppend")
    for id in ["a", "b"] {
      try repo.writePrompt(id, text: "\(id) says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    }
    try repo.commit("prompts")
    #expect(try await repo.promptopsAsync("promote", "a", "--env", "dev").status == 0)
    let whole = try repo.read("audit/promptops-audit.jsonl")
    try repo.write("audit/promptops-audit.jsonl", whole + "{\"at\":\"2026-01-01T00:00:00Z\",\"by\":\"Dev")
    let verified = try await repo.promptopsAsync("verify")
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(try await repo.promptopsAsync("promote", "b", "--env", "dev").status == 0)
    let lines = try repo.read("audit/promptops-audit.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == 3 && lines.last == "", "\(lines)")
    #expect(Self.events(try repo.read("audit/promptops-audit.jsonl")).map { $0["prompt_id"] as? String } == ["a", "b"])

    try repo.write("audit/promptops-audit.jsonl", "not an event\n" + (try repo.read("audit/promptops-audit.jsonl")))
    let damaged = try await repo.promptopsAsync("verify")
    #expect(damaged.status == 2, "\(damaged.stdout)\(damaged.stderr)")
    #expect(damaged.stderr.contains("audit/promptops-audit.jsonl:1: not an audit event"), "\(damaged.stderr)")
  }

  // MARK: - Concurrency

  /// Six promotions of different prompts at once, each committing: all land, one event each,
  /// every pin committed, nothing left over.
  @Test(.timeLimit(.minutes(5))) func parallelPromotionsAllLandWithOneEventEach() async throws {
    let repo = try TempRepo("parallelPromote")
    let ids = (0..<6).map { "p\($0)" }
    for id in ids { try repo.writePrompt(id, text: "\(id) says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"]) }
    try repo.commit("prompts")
    let (binary, directory, environment) = (try promptopsBinary(), repo.path, repo.environment)
    let results = try await withThrowingTaskGroup(of: (String, ProcessResult).self) { group in
      for id in ids {
        group.addTask {
          (
            id,
            try await runProcessAsync(
              binary, ["promote", id, "--env", "dev", "--commit"], in: directory, environment: environment)
          )
        }
      }
      return try await group.reduce(into: [String: ProcessResult]()) { $0[$1.0] = $1.1 }
    }
    for id in ids {
      #expect(results[id]?.status == 0, "\(id): \(results[id]?.stdout ?? "")\(results[id]?.stderr ?? "")")
      #expect(Self.count(repo, "promote", id) == 1, "\(id)")
      #expect(try Self.pinnedVersion(repo, id) == "1.0.0")
    }
    #expect(Self.events(try? repo.read("audit/promptops-audit.jsonl")).count == ids.count)
    let committed = try repo.git("show", "HEAD:promptops.lock")
    #expect(ids.allSatisfy { committed.contains("\"\($0)\"") }, "\(committed)")
    #expect(try repo.git("log", "--oneline", "--grep", "^Promote ").split(separator: "\n").count == ids.count)
    #expect(try repo.git("status", "--porcelain").isEmpty)
    try await Self.expectConsistent(repo, "parallel promotions")
  }

  /// Four evals of different prompts of one commit at once: the note holds one whole record each.
  @Test(.timeLimit(.minutes(5))) func parallelEvalsRecordOneWholeNoteLineEach() async throws {
    let repo = try TempRepo("parallelEval")
    let ids = (0..<4).map { "e\($0)" }
    for id in ids {
      try repo.writePrompt(id, text: "\(id) says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
      try repo.write(
        "prompts/\(id)/evalsuite.yml",
        "providers: [echo]\ntests:\n  - vars: {x: one}\n    assert: [{type: contains, value: one}]\n")
    }
    try repo.commit("prompts")
    let (binary, directory, environment) = (try promptopsBinary(), repo.path, repo.environment)
    let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
      for id in ids {
        group.addTask {
          try await runProcessAsync(binary, ["eval", id], in: directory, environment: environment).status
        }
      }
      return try await group.reduce(into: [Int32]()) { $0.append($1) }
    }
    #expect(statuses == Array(repeating: 0, count: ids.count))
    let lines = try repo.git("notes", "--ref", "promptops", "show", "HEAD").split(separator: "\n")
    let prompts = lines.compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["prompt"] as? String
    }
    #expect(prompts.count == lines.count, "damaged note lines: \(lines)")
    #expect(prompts.sorted() == ids)
  }
}
