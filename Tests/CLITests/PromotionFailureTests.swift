import Foundation
import TestSupport
import Testing

/// A promotion or rollback that reports failure has released nothing, and one run again after a
/// failure or a kill lands exactly once: real repositories, real git, the real binary, and disks
/// that really fill up or turn read-only (a small tmpfs; needs root).
///
/// One test at a time: each runs the binary several times (and some fill disks or pipes).
@Suite("promote and rollback: a failure releases nothing, a retry lands once", .serialized)
struct PromotionFailureTests {
  /// Prompts `a` and `b` at 1.0.0, committed, with `config` as `.promptops.yml`.
  static func repository(_ name: String = #function, config: String? = nil) throws -> TempRepo {
    let repo = try TempRepo(name)
    if let config { try repo.write(".promptops.yml", config) }
    try repo.writePrompt("a", text: "A says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.writePrompt("b", text: "B says {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("a and b")
    return repo
  }

  static func contents(_ repo: TempRepo, _ path: String) -> Data? {
    FileManager.default.contents(atPath: repo.path + "/" + path)
  }

  /// The audit log's events (empty when there is none).
  static func events(_ repo: TempRepo, _ path: String = "audit/promptops-audit.jsonl") throws -> [[String: Any]] {
    guard let data = contents(repo, path) else { return [] }
    return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  static func pins(_ repo: TempRepo, _ environment: String, lockFile: String = "promptops.lock") throws -> [String:
    [String: Any]]
  {
    guard let data = contents(repo, lockFile) else { return [:] }
    let lock = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return ((lock["environments"] as? [String: Any])?[environment] as? [String: [String: Any]]) ?? [:]
  }

  /// A full disk under the audit log: the event cannot be written, so nothing is pinned, and the
  /// next `promote --commit` of another prompt commits only its own pin.
  @Test(.enabled(if: SmallFilesystem.available, "mounting a tmpfs needs root"), .timeLimit(.minutes(5)))
  func aFullDiskUnderTheAuditLogPinsNothing() async throws {
    let repo = try Self.repository()
    let disk = try SmallFilesystem(at: repo.path + "/audit")
    try disk.fill()

    let failed = try await repo.promptopsAsync("promote", "a", "--env", "dev")
    #expect(failed.status == 2, "\(failed.stdout)\(failed.stderr)")
    #expect(failed.stderr.contains("audit/promptops-audit.jsonl"), "\(failed.stderr)")
    #expect(failed.stderr.contains("No space left on device"), "\(failed.stderr)")
    #expect(failed.stderr.contains("nothing was released"), "\(failed.stderr)")
    #expect(Self.contents(repo, "promptops.lock") == nil, "a promotion that failed pinned a")
    #expect(Self.contents(repo, "audit/promptops-audit.jsonl")?.isEmpty ?? true, "a torn event stayed behind")

    disk.unmount()
    let next = try await repo.promptopsAsync("promote", "b", "--env", "dev", "--commit")
    #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
    let committed = try repo.git("show", "HEAD:promptops.lock")
    #expect(
      committed.contains("\"b\"") && !committed.contains("\"a\""),
      "the commit released a without its event: \(committed)")
    #expect(try Self.events(repo).map { $0["prompt_id"] as? String } == ["b"])
    let verified = try await repo.promptopsAsync("verify")
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
  }

  /// A read-only audit folder: the promotion fails and the lock file keeps its bytes.
  @Test(.enabled(if: SmallFilesystem.available, "mounting a tmpfs needs root"), .timeLimit(.minutes(5)))
  func aReadOnlyAuditFolderLeavesTheLockAsItWas() async throws {
    let repo = try Self.repository()
    #expect(try await repo.promptopsAsync("promote", "a", "--env", "dev", "--commit").status == 0)
    let lockBefore = try #require(Self.contents(repo, "promptops.lock"))
    let auditBefore = try #require(Self.contents(repo, "audit/promptops-audit.jsonl"))
    let disk = try SmallFilesystem(at: repo.path + "/audit", files: ["promptops-audit.jsonl": auditBefore])
    try disk.makeReadOnly()

    let failed = try await repo.promptopsAsync("promote", "b", "--env", "dev")
    #expect(failed.status == 2, "\(failed.stdout)\(failed.stderr)")
    #expect(failed.stderr.contains("Read-only file system"), "\(failed.stderr)")
    #expect(Self.contents(repo, "promptops.lock") == lockBefore)
    #expect(Self.contents(repo, "audit/promptops-audit.jsonl") == auditBefore)
    disk.unmount()
    #expect(try repo.git("status", "--porcelain").isEmpty)
    #expect(try await repo.promptopsAsync("verify").status == 0)
  }

  /// The lock file cannot be written after the event was: the event is taken back.
  @Test(.enabled(if: SmallFilesystem.available, "mounting a tmpfs needs root"), .timeLimit(.minutes(5)))
  func aLockFileThatCannotBeWrittenTakesTheEventBack() async throws {
    let repo = try Self.repository(config: "version: 1\npromotion:\n  lock_file: state/promptops.lock\n")
    #expect(try await repo.promptopsAsync("promote", "a", "--env", "dev", "--commit").status == 0)
    let lockBefore = try #require(Self.contents(repo, "state/promptops.lock"))
    let auditBefore = try #require(Self.contents(repo, "audit/promptops-audit.jsonl"))
    let disk = try SmallFilesystem(at: repo.path + "/state", files: ["promptops.lock": lockBefore])
    try disk.fill()

    let failed = try await repo.promptopsAsync("promote", "b", "--env", "dev")
    #expect(failed.status == 2, "\(failed.stdout)\(failed.stderr)")
    #expect(failed.stderr.contains("state/promptops.lock"), "\(failed.stderr)")
    #expect(Self.contents(repo, "state/promptops.lock") == lockBefore)
    #expect(
      Self.contents(repo, "audit/promptops-audit.jsonl") == auditBefore, "the event of a pin never written stayed")
    disk.unmount()
  }

  /// git's `index.lock` refuses the commit: lock file, audit log and index are as they were, and
  /// the retry logs the promotion once.
  @Test(.timeLimit(.minutes(5))) func aRefusedCommitIsUndoneAndTheRetryLogsOnce() async throws {
    let repo = try Self.repository()
    #expect(try await repo.promptopsAsync("promote", "a", "--env", "dev", "--commit").status == 0)
    let lockBefore = Self.contents(repo, "promptops.lock")
    let auditBefore = Self.contents(repo, "audit/promptops-audit.jsonl")
    let indexLock = repo.path + "/.git/index.lock"
    _ = FileManager.default.createFile(atPath: indexLock, contents: nil)

    let failed = try await repo.promptopsAsync("promote", "b", "--env", "dev", "--commit")
    #expect(failed.status == 2, "\(failed.stdout)\(failed.stderr)")
    #expect(failed.stderr.contains("index.lock"), "\(failed.stderr)")
    #expect(failed.stderr.contains("nothing was released"), "\(failed.stderr)")
    #expect(Self.contents(repo, "promptops.lock") == lockBefore)
    #expect(Self.contents(repo, "audit/promptops-audit.jsonl") == auditBefore)

    try FileManager.default.removeItem(atPath: indexLock)
    #expect(try repo.git("status", "--porcelain").isEmpty)
    let retried = try await repo.promptopsAsync("promote", "b", "--env", "dev", "--commit")
    #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
    #expect(try Self.events(repo).map { $0["prompt_id"] as? String } == ["a", "b"])
    #expect(try repo.git("status", "--porcelain").isEmpty)
    // Run once more: already in place, nothing written, nothing committed.
    let head = try repo.git("rev-parse", "HEAD")
    let again = try await repo.promptopsAsync("promote", "b", "--env", "dev", "--commit")
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(again.stdout.contains("already pinned in dev"), "\(again.stdout)")
    #expect(try Self.events(repo).count == 2)
    #expect(try repo.git("rev-parse", "HEAD") == head)
    #expect(try await repo.promptopsAsync("verify").status == 0)
  }

  /// A hook that refuses the commit after promptops staged the files: the index entries are put
  /// back, so nothing it staged goes into the user's next commit.
  @Test(.timeLimit(.minutes(5))) func aCommitHookRefusalLeavesNothingStaged() async throws {
    let repo = try Self.repository()
    try ScriptFile.write("#!/bin/sh\necho 'refused by policy' >&2\nexit 1\n", to: repo.path + "/.git/hooks/pre-commit")
    let failed = try await repo.promptopsAsync("promote", "a", "--env", "dev", "--commit")
    #expect(failed.status == 2, "\(failed.stdout)\(failed.stderr)")
    #expect(failed.stderr.contains("refused by policy"), "\(failed.stderr)")
    #expect(try repo.git("diff", "--cached", "--name-only").isEmpty, "the failed commit left files staged")
    #expect(try repo.git("status", "--porcelain").isEmpty)
    #expect(Self.contents(repo, "promptops.lock") == nil)
  }

  /// Killed after its event was flushed and before its pin was renamed into place: what is
  /// released has not changed, verify accepts the state, and the same promotion run again
  /// completes it with the event it has (no second one).
  @Test(.timeLimit(.minutes(5))) func aPromotionKilledAfterItsEventIsCompletedByTheRetry() async throws {
    let repo = try Self.repository()
    #expect(try await repo.promptopsAsync("promote", "a", "--env", "dev", "--commit").status == 0)
    let lockBefore = Self.contents(repo, "promptops.lock")

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try promptopsBinary())
    process.arguments = ["promote", "b", "--env", "dev"]
    process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
    process.environment = repo.environment.merging(
      try RenamePause.environment(suffix: "/promptops.lock", milliseconds: 30000)
    ) { $1 }
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let temporary = repo.path + "/.promptops.lock.\(process.processIdentifier).tmp"
    let deadline = Date().addingTimeInterval(30)
    func written() -> Bool { (try? String(contentsOfFile: temporary, encoding: .utf8))?.hasSuffix("}\n") ?? false }
    while !written() && Date() < deadline && process.isRunning { try await Task.sleep(nanoseconds: 10_000_000) }
    #expect(written(), "the writer never reached the pause")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()

    #expect(Self.contents(repo, "promptops.lock") == lockBefore)
    let recorded = try Self.events(repo)
    #expect(recorded.map { $0["prompt_id"] as? String } == ["a", "b"], "the event is written before the pin")
    let verified = try await repo.promptopsAsync("verify")
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")

    let retried = try await repo.promptopsAsync("promote", "b", "--env", "dev", "--commit")
    #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
    #expect(retried.stdout.contains("completed the promotion recorded in the audit log"), "\(retried.stdout)")
    #expect(try Self.events(repo).count == 2, "the retry wrote a second event")
    let pin = try #require(try Self.pins(repo, "dev")["b"])
    #expect(pin["promoted_at"] as? String == recorded.dropFirst().first?["at"] as? String)
    #expect(try repo.git("status", "--porcelain").isEmpty)
    #expect(try await repo.promptopsAsync("verify").status == 0)
  }

  /// Rollback: a refused commit (git's index.lock) changes nothing, restored files included; the
  /// same rollback run again lands once, and once more changes nothing.
  @Test(.timeLimit(.minutes(5))) func aRollbackThatFailsChangesNothingAndItsRetryLandsOnce() async throws {
    let repo = try TempRepo("rollbackFailure")
    for index in 0..<2 {
      let versions = (0...index).map { "1.0.\($0)" }
      try repo.writePrompt("a", text: "A \(index) says {{x}}.\n", version: versions[index], changelog: versions)
      try repo.commit("a \(versions[index])")
      #expect(try await repo.promptopsAsync("promote", "a", "--env", "dev", "--commit").status == 0)
    }
    let lockBefore = Self.contents(repo, "promptops.lock")
    let auditBefore = Self.contents(repo, "audit/promptops-audit.jsonl")
    let textBefore = try repo.read("prompts/a/prompt.txt")
    let indexLock = repo.path + "/.git/index.lock"
    _ = FileManager.default.createFile(atPath: indexLock, contents: nil)

    let failed = try await repo.promptopsAsync(
      "rollback", "a", "--env", "dev", "--reason", "1.0.1 regressed", "--restore", "--commit")
    #expect(failed.status == 2, "\(failed.stdout)\(failed.stderr)")
    #expect(Self.contents(repo, "promptops.lock") == lockBefore)
    #expect(Self.contents(repo, "audit/promptops-audit.jsonl") == auditBefore)
    #expect(try repo.read("prompts/a/prompt.txt") == textBefore, "the restored text stayed behind")

    try FileManager.default.removeItem(atPath: indexLock)
    #expect(try repo.git("status", "--porcelain").isEmpty)
    let retried = try await repo.promptopsAsync(
      "rollback", "a", "--env", "dev", "--reason", "1.0.1 regressed", "--restore", "--commit")
    #expect(retried.status == 0, "\(retried.stdout)\(retried.stderr)")
    #expect(retried.stdout.contains("1.0.1 → 1.0.0"), "\(retried.stdout)")
    #expect(try Self.events(repo).map { $0["event"] as? String } == ["promote", "promote", "rollback"])
    #expect(try repo.git("status", "--porcelain").isEmpty)

    let head = try repo.git("rev-parse", "HEAD")
    let again = try await repo.promptopsAsync(
      "rollback", "a", "--env", "dev", "--reason", "1.0.1 regressed", "--restore", "--commit")
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(again.stdout.contains("already rolled back"), "\(again.stdout)")
    #expect(try Self.events(repo).count == 3)
    #expect(try repo.git("rev-parse", "HEAD") == head)
    #expect(try Self.pins(repo, "dev")["a"]?["version"] as? String == "1.0.0")
    #expect(try await repo.promptopsAsync("verify").status == 0)
  }
}
