import Foundation
import TestSupport
import Testing

/// Locks left behind by killed runs, and runs hung while holding one: a lock a killed writer left
/// on the notes reference is found and removed (saying so), a note that cannot be recorded never
/// hides the verdicts already computed, and a promotion queued behind a hung one gives up in
/// bounded time, naming the process that holds the lock. Real repositories, git and the binary.
@Suite("stale and held locks")
struct StaleLockTests {
  static let suite = """
    providers: [echo]
    tests:
      - vars: {x: one}
        assert: [{type: contains, value: one}]

    """

  /// Prompt `a` with a suite that passes, on main; on `topic`, a 1.0.1 that changes its text.
  static func repository(_ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: "A says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/a/evalsuite.yml", suite)
    try repo.commit("a with a suite")
    try repo.git("checkout", "-q", "-b", "topic")
    try repo.writePrompt("a", text: "A now says {{x}}.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit("a 1.0.1")
    return repo
  }

  /// `refs/notes/promptops.lock` as libgit2 leaves it when its process is killed between taking
  /// the lock and renaming it into place: the new reference value, written a while ago.
  static func leaveReferenceLock(_ repo: TempRepo, secondsAgo: Double = 3600) throws -> String {
    let path = repo.path + "/.git/refs/notes/promptops.lock"
    try FileManager.default.createDirectory(atPath: repo.path + "/.git/refs/notes", withIntermediateDirectories: true)
    try (try repo.git("rev-parse", "HEAD")).write(toFile: path, atomically: false, encoding: .utf8)
    let then = Date().addingTimeInterval(-secondsAgo)
    try FileManager.default.setAttributes([.modificationDate: then], ofItemAtPath: path)
    return path
  }

  @Test(.timeLimit(.minutes(5))) func aLockAKilledRunLeftOnTheNotesIsRemovedAndTheRunRecords() async throws {
    let repo = try Self.repository()
    let lock = try Self.leaveReferenceLock(repo)
    let run = try await repo.promptopsAsync("eval", "a")
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(run.stdout.contains("PASS a 1.0.1"), "\(run.stdout)")
    #expect(run.stderr.contains("removed \(lock)"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: lock))
    // git reads what was recorded.
    #expect(try repo.git("notes", "--ref", "promptops", "show", "HEAD").contains("\"prompt\":\"a\""))

    // The gate, which runs the evals of what changed, gets past one too.
    _ = try Self.leaveReferenceLock(repo)
    try repo.writePrompt(
      "a", text: "A now says {{x}} twice.\n", version: "1.0.2", changelog: ["1.0.0", "1.0.1", "1.0.2"])
    try repo.commit("a 1.0.2")
    let gate = try await repo.promptopsAsync("gate", "--base", "main")
    #expect(gate.status == 0, "\(gate.stdout)\(gate.stderr)")
    #expect(gate.stderr.contains("removed \(lock)"), "\(gate.stderr)")
    #expect(try repo.git("notes", "--ref", "promptops", "show", "HEAD").contains("\"version\":\"1.0.2\""))
  }

  /// A lock a live git holds for a moment is waited for, not removed: a fresh lock that goes away
  /// on its own leaves the run to record as usual.
  @Test(.timeLimit(.minutes(5))) func aFreshLockThatGoesAwayIsWaitedFor() async throws {
    let repo = try Self.repository()
    let lock = try Self.leaveReferenceLock(repo, secondsAgo: 0)
    let remover = Thread {
      usleep(700_000)
      unlink(lock)
    }
    remover.start()
    let run = try await repo.promptopsAsync("eval", "a")
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    #expect(!run.stderr.contains("removed"), "\(run.stderr)")
    #expect(try repo.git("notes", "--ref", "promptops", "show", "HEAD").contains("\"prompt\":\"a\""))
  }

  /// A note that cannot be written (here its lock is a folder nobody can remove by unlink) leaves
  /// the verdicts printed and the exit code theirs, with a warning that names the file and says
  /// how to remove it.
  @Test(.timeLimit(.minutes(5))) func aNoteThatCannotBeRecordedStillPrintsTheVerdicts() async throws {
    let repo = try Self.repository()
    let lock = repo.path + "/.git/refs/notes/promptops.lock"
    try FileManager.default.createDirectory(atPath: lock, withIntermediateDirectories: true)

    let passing = try await repo.promptopsAsync("eval", "a")
    #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
    #expect(passing.stdout.contains("PASS a 1.0.1"), "\(passing.stdout)")
    #expect(passing.stderr.contains("were not recorded as a git note"), "\(passing.stderr)")
    #expect(passing.stderr.contains("rm '\(lock)'"), "\(passing.stderr)")

    try repo.write("prompts/a/evalsuite.yml", Self.suite.replacingOccurrences(of: "value: one", with: "value: absent"))
    try repo.commit("a suite that fails")
    let failing = try await repo.promptopsAsync("eval", "a")
    #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
    #expect(failing.stdout.contains("FAIL a 1.0.1"), "\(failing.stdout)")
    #expect(failing.stderr.contains("were not recorded as a git note"), "\(failing.stderr)")

    let gate = try await repo.promptopsAsync("gate", "--base", "main", "--format", "json")
    #expect(gate.status == 1, "\(gate.stdout)\(gate.stderr)")
    #expect(try JSONReport(gate).rules.contains("eval-failed"))
    #expect(gate.stderr.contains("were not recorded as a git note"), "\(gate.stderr)")
  }

  /// A promotion hung in its commit (a hook that waits) holds the promotion lock; one queued
  /// behind it gives up after PROMPTOPS_LOCK_TIMEOUT, naming the holder, instead of waiting
  /// forever in silence.
  @Test(.timeLimit(.minutes(5))) func aPromotionQueuedBehindAHungOneGivesUpNamingIt() async throws {
    let repo = try TempRepo("queuedPromotion")
    try repo.writePrompt("a", text: "A {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.writePrompt("b", text: "B {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    let release = repo.root + "/release-hook"
    let entered = repo.root + "/hook-entered"
    try ScriptFile.write(
      "#!/bin/sh\ntouch '\(entered)'\ni=0\nwhile [ ! -e '\(release)' ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i+1)); done\n",
      to: repo.path + "/.git/hooks/pre-commit")

    func start(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Process, Pipe) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try promptopsBinary())
      process.arguments = arguments
      process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
      process.environment = repo.environment.merging(extra) { $1 }
      let errors = Pipe()
      process.standardOutput = FileHandle.nullDevice
      process.standardError = errors
      try process.run()
      return (process, errors)
    }
    let (hung, _) = try start(["promote", "a", "--env", "dev", "--commit"])
    defer {
      _ = FileManager.default.createFile(atPath: release, contents: nil)
      hung.waitUntilExit()
    }
    let deadline = Date().addingTimeInterval(30)
    while !FileManager.default.fileExists(atPath: entered) && hung.isRunning && Date() < deadline {
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    try #require(FileManager.default.fileExists(atPath: entered), "the first promotion never reached its commit")

    let started = Date()
    let (queued, errors) = try start(["promote", "b", "--env", "dev"], environment: ["PROMPTOPS_LOCK_TIMEOUT": "2"])
    let giveUp = Date().addingTimeInterval(45)
    while queued.isRunning && Date() < giveUp { try await Task.sleep(nanoseconds: 20_000_000) }
    let finished = !queued.isRunning
    if !finished { kill(queued.processIdentifier, SIGKILL) }
    queued.waitUntilExit()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    // Two seconds of waiting, and the rest starting the binary on a busy machine; without the
    // timeout it would wait for the hook (90 s).
    #expect(finished, "the queued promotion was still waiting after 45 s")
    #expect(queued.terminationStatus == 2, "\(stderr)")
    #expect(Date().timeIntervalSince(started) < 40)
    #expect(stderr.contains("waiting for the promotion lock"), "\(stderr)")
    #expect(
      stderr.contains("held by process \(hung.processIdentifier) (`promptops promote a --env dev --commit`"),
      "\(stderr)")
    #expect(stderr.contains("`kill \(hung.processIdentifier)`"), "\(stderr)")

    // Once the first is done, the queued one goes through.
    _ = FileManager.default.createFile(atPath: release, contents: nil)
    hung.waitUntilExit()
    #expect(hung.terminationStatus == 0)
    let retried = try await repo.promptopsAsync("promote", "b", "--env", "dev")
    #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
  }
}
