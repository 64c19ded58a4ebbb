import Foundation
import TestSupport
import Testing

/// Promotion, verification, rollback and history on real repositories, through the binary.
@Suite("promptops promote, verify, show, rollback, history")
struct PromotionTests {
  static let texts = [
    "Hello {{name}}.\nYou must be polite.\n",
    "Hello {{name}}.\nYou must be polite and brief.\n",
    "Hello {{name}}.\nYou must be polite, brief and warm.\n",
  ]
  static let versions = ["1.0.0", "1.0.1", "1.0.2"]
  static let stagingAndProd = "version: 1\npromotion:\n  environments: [staging, prod]\n"

  /// A repository with prompt `a` at three versions, one commit each; returns the commits.
  static func threeVersions(_ name: String = #function, config: String? = stagingAndProd) throws -> (TempRepo, [String])
  {
    let repo = try TempRepo(name)
    if let config { try repo.write(".promptops.yml", config) }
    var commits: [String] = []
    for index in 0..<3 {
      try repo.writePrompt("a", text: texts[index], version: versions[index], changelog: Array(versions[0...index]))
      commits.append(try repo.commit("a \(versions[index])"))
    }
    return (repo, commits)
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
  }

  func lock(_ repo: TempRepo) throws -> [String: Any] { try json(try repo.read("promptops.lock")) }

  func pin(_ repo: TempRepo, _ environment: String, _ id: String = "a") throws -> [String: Any] {
    let environments = try #require(try lock(repo)["environments"] as? [String: Any])
    let pins = try #require(environments[environment] as? [String: Any], "no \(environment) in the lock")
    return try #require(pins[id] as? [String: Any], "no pin of \(id) in \(environment)")
  }

  /// sha256sum of a file's content at a commit, as git stores it: the independent oracle.
  func oracleHash(_ repo: TempRepo, _ commit: String, _ path: String) throws -> String {
    let file = repo.root + "/oracle-\(UUID().uuidString)"
    try Data(try repo.git("show", "\(commit):\(path)").utf8).write(to: URL(fileURLWithPath: file))
    return try sha256sum(file)
  }

  func validator() throws -> String {
    if let onPath = which("check-jsonschema") { return onPath }
    let venv = packageRoot + "/.build-tools/venv/bin/check-jsonschema"
    try #require(
      FileManager.default.isExecutableFile(atPath: venv),
      "check-jsonschema not installed: run `sh ci/install-deps.sh --python`")
    return venv
  }

  /// Validates the lock file and every audit line against the project's schemas.
  func validateAgainstSchemas(_ repo: TempRepo) throws {
    let lockResult = try runProcess(
      try validator(), ["--schemafile", packageRoot + "/schemas/lock.schema.json", repo.path + "/promptops.lock"],
      in: packageRoot, environment: ProcessInfo.processInfo.environment)
    #expect(lockResult.status == 0, "\(lockResult.stdout)\(lockResult.stderr)")
    let lines = try repo.read("audit/promptops-audit.jsonl").split(separator: "\n")
    #expect(!lines.isEmpty)
    for (index, line) in lines.enumerated() {
      let file = repo.root + "/audit-line-\(index).json"
      try String(line).write(toFile: file, atomically: true, encoding: .utf8)
      let result = try runProcess(
        try validator(), ["--schemafile", packageRoot + "/schemas/audit.schema.json", file], in: packageRoot,
        environment: ProcessInfo.processInfo.environment)
      #expect(result.status == 0, "audit line \(index + 1): \(result.stdout)\(result.stderr)")
    }
  }

  @Test func promoteVerifyTamperRollbackAndHistory() throws {
    let (repo, commits) = try Self.threeVersions()

    // v1 to staging and prod, then v2 to staging and prod, each committed.
    for (version, environment) in [("1.0.0", "staging"), ("1.0.0", "prod"), ("1.0.1", "staging"), ("1.0.1", "prod")] {
      let result = try repo.promptops("promote", "a", "--env", environment, "--version", version, "--commit")
      #expect(result.status == 0, "\(version) → \(environment): \(result.stdout)\(result.stderr)")
      #expect(result.stdout.contains("promoted a \(version) to \(environment)"))
    }
    let prod = try pin(repo, "prod")
    #expect(prod["version"] as? String == "1.0.1")
    #expect(prod["commit"] as? String == commits[1])
    #expect(prod["sha256"] as? String == (try oracleHash(repo, commits[1], "prompts/a/prompt.txt")))
    #expect(prod["promoted_by"] as? String == "Dev Eloper <dev@example.com>")
    #expect(try repo.git("status", "--porcelain").isEmpty, "the lock and audit log are committed")
    try validateAgainstSchemas(repo)

    // Release tags, as git sees them.
    let tags = try repo.git("tag", "-l", "prompt/*").split(separator: "\n").map(String.init)
    #expect(tags == ["prompt/a/v1.0.0", "prompt/a/v1.0.1"])
    #expect(
      try repo.git("rev-parse", "prompt/a/v1.0.0^{commit}").trimmingCharacters(in: .whitespacesAndNewlines)
        == commits[0])
    #expect(try repo.git("cat-file", "-t", "prompt/a/v1.0.0").trimmingCharacters(in: .whitespacesAndNewlines) == "tag")
    let shown = try repo.git("show", "--no-patch", "prompt/a/v1.0.0")
    #expect(shown.contains("sha256: \(try oracleHash(repo, commits[0], "prompts/a/prompt.txt"))"))
    #expect(
      shown.contains("id: a") && shown.contains("version: 1.0.0") && shown.contains("evals: ")
        && shown.contains("approvers: none"))

    // Order: 1.0.2 was never in staging, so prod refuses it.
    let skipped = try repo.promptops("promote", "a", "--env", "prod")
    #expect(skipped.status == 1, "\(skipped.stderr)")
    #expect(skipped.stderr.contains("never pinned in staging"))

    // verify passes, and show prints exactly the pinned text.
    let verified = try repo.promptops("verify")
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.contains("verified: 2 pins in 2 environments, 2 release tags, 0 mismatches"))
    #expect(try repo.promptops("show", "a", "--env", "prod", "--raw").stdout == Self.texts[1])
    #expect(try repo.promptops("show", "a", "--env", "prod").stdout.hasSuffix(Self.texts[1]))

    // Tamper with the pinned prod entry: point it at v3's commit, keeping v2's hash.
    let original = try repo.read("promptops.lock")
    try repo.write("promptops.lock", original.replacingOccurrences(of: commits[1], with: commits[2]))
    let tampered = try repo.promptops("verify", "--format", "json")
    #expect(tampered.status == 1)
    let report = try json(tampered.stdout)
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(
      findings.contains { $0["rule"] as? String == "pin-mismatch" && ($0["message"] as? String ?? "").contains("prod") }
    )
    #expect(
      findings.allSatisfy { $0["file"] as? String == "promptops.lock" || $0["rule"] as? String == "tag-mismatch" })
    let shownTampered = try repo.promptops("show", "a", "--env", "prod", "--raw")
    #expect(shownTampered.status == 1)
    #expect(shownTampered.stdout.isEmpty)
    #expect(shownTampered.stderr.contains("pin-mismatch"))
    // Or claim the pinned version is another text (a hot-fix's hash written into the lock).
    let v2Hash = try oracleHash(repo, commits[1], "prompts/a/prompt.txt")
    let v3Hash = try oracleHash(repo, commits[2], "prompts/a/prompt.txt")
    try repo.write("promptops.lock", original.replacingOccurrences(of: v2Hash, with: v3Hash))
    let rehashed = try repo.promptops("verify", "--env", "prod")
    #expect(rehashed.status == 1)
    #expect(
      rehashed.stdout.contains(
        "error[pin-mismatch] prod: a 1.0.1: the content of prompts/a/prompt.txt at commit \(commits[1].prefix(12)) has sha256 \(v2Hash), but the pin records \(v3Hash)"
      ))
    #expect(rehashed.stdout.contains("1 pin in 1 environment"))
    try repo.write("promptops.lock", original)

    // A forged release tag whose recorded hash is not the tagged content.
    try repo.git(
      "tag", "-a", "prompt/a/v1.0.2", "-m",
      "promptops release a 1.0.2\n\nid: a\nversion: 1.0.2\nsha256: \(String(repeating: "0", count: 64))\npath: prompts/a/prompt.txt\n",
      commits[2])
    let forged = try repo.promptops("verify")
    #expect(forged.status == 1)
    #expect(forged.stdout.contains("error[tag-mismatch] prompt/a/v1.0.2 records sha256 0000"))
    try repo.git("tag", "-d", "prompt/a/v1.0.2")
    #expect(try repo.promptops("verify").status == 0)

    // Rollback of prod: the last known good earlier pin is 1.0.0.
    let rolled = try repo.promptops("rollback", "a", "--env", "prod", "--reason", "answers got curt", "--commit")
    #expect(rolled.status == 0, "\(rolled.stdout)\(rolled.stderr)")
    #expect(rolled.stdout.contains("rolled back a in prod: 1.0.1 → 1.0.0"))
    #expect(rolled.stdout.contains("revalidation: "))
    let after = try pin(repo, "prod")
    #expect(after["version"] as? String == "1.0.0")
    #expect(after["commit"] as? String == commits[0])
    let rollbackRecord = try #require(after["rollback"] as? [String: Any])
    #expect(rollbackRecord["from_version"] as? String == "1.0.1")
    #expect(rollbackRecord["reason"] as? String == "answers got curt")
    #expect(try pin(repo, "staging")["version"] as? String == "1.0.1")
    let audit = try repo.read("audit/promptops-audit.jsonl").split(separator: "\n").map { try json(String($0)) }
    #expect(audit.count == 5)
    #expect(audit.map { $0["event"] as? String } == ["promote", "promote", "promote", "promote", "rollback"])
    let last = try #require(audit.last)
    #expect((last["from"] as? [String: Any])?["version"] as? String == "1.0.1")
    #expect((last["to"] as? [String: Any])?["version"] as? String == "1.0.0")
    #expect(last["reason"] as? String == "answers got curt")
    #expect(last["by"] as? String == "Dev Eloper <dev@example.com>")
    #expect(last["revalidation"] is String)
    try validateAgainstSchemas(repo)
    #expect(try repo.promptops("verify").status == 0)
    #expect(try repo.promptops("show", "a", "--env", "prod", "--raw").stdout == Self.texts[0])

    // History tells the story.
    let history = try json(try repo.promptops("history", "a", "--format", "json").stdout)
    let entries = try #require(history["versions"] as? [[String: Any]])
    #expect(entries.map { $0["version"] as? String } == Self.versions)
    #expect(entries.map { $0["commit"] as? String } == commits)
    let first = entries[0]
    #expect(first["author"] as? String == "Dev Eloper <dev@example.com>")
    #expect(first["changelog"] as? [String] == ["Release 1.0.0"])
    #expect(first["sha256"] as? String == (try oracleHash(repo, commits[0], "prompts/a/prompt.txt")))
    let promotions = try #require(first["promotions"] as? [[String: Any]])
    #expect(Set(promotions.compactMap { $0["environment"] as? String }) == ["staging", "prod"])
    let rollbacks = try #require(first["rollbacks"] as? [[String: Any]])
    #expect(rollbacks.count == 1)
    #expect(rollbacks.first?["reason"] as? String == "answers got curt")
    #expect(first["pinned_in"] as? [String] == ["prod"])
    #expect(entries[1]["pinned_in"] as? [String] == ["staging"])
    #expect((entries[2]["promotions"] as? [Any])?.isEmpty == true)
    let text = try repo.promptops("history", "a").stdout
    #expect(text.contains("rollback  prod 1.0.1 → 1.0.0"))
    #expect(text.contains("answers got curt"))
    let markdown = try repo.promptops("history", "a", "--format", "markdown").stdout
    #expect(markdown.contains("| 1.0.0 |"))
    #expect(markdown.contains("answers got curt"))
  }

  /// `--restore` writes the old text back as a new version the staged gate accepts.
  @Test func restoreWritesANewVersionTheGatePasses() throws {
    let (repo, _) = try Self.threeVersions(config: nil)
    // --at names a revision: the version the prompt has there.
    #expect(try repo.promptops("promote", "a", "--env", "dev", "--at", "HEAD~1", "--commit").status == 0)
    #expect(try pin(repo, "dev")["version"] as? String == "1.0.1")
    #expect(try repo.promptops("promote", "a", "--env", "dev", "--commit").status == 0)
    #expect(try pin(repo, "dev")["version"] as? String == "1.0.2")
    let result = try repo.promptops("rollback", "a", "--env", "dev", "--reason", "warmth: too much", "--restore")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("restored as 1.0.3"))
    #expect(try repo.read("prompts/a/prompt.txt") == Self.texts[1])
    let card = try repo.read("prompts/a/prompt-card.yml")
    #expect(card.contains("version: \"1.0.3\""))
    #expect(card.contains("changes: \"Rollback to 1.0.1: warmth: too much\""))
    try repo.stage()
    let check = try repo.promptops("check", "--staged", "--format", "json")
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    try repo.commit("restore")
    let history = try json(try repo.promptops("history", "a", "--format", "json").stdout)
    let entries = try #require(history["versions"] as? [[String: Any]])
    #expect(entries.last?["version"] as? String == "1.0.3")
    #expect(entries.last?["changelog"] as? [String] == ["Rollback to 1.0.1: warmth: too much"])
    #expect(entries.last?["sha256"] as? String == entries[1]["sha256"] as? String)
  }

  /// Required evidence that no source provides refuses the promotion (fail closed); an
  /// environment that requires none proceeds.
  @Test func requiredEvidenceThatIsMissingRefuses() throws {
    let config = """
      version: 1
      promotion:
        environments:
          - staging
          - name: prod
            requires_evals: true
            requires_approval: true

      """
    let (repo, _) = try Self.threeVersions(config: config)
    #expect(try repo.promptops("promote", "a", "--env", "staging").status == 0)
    let refused = try repo.promptops("promote", "a", "--env", "prod")
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("[eval-missing] prod requires passing evals"))
    #expect(refused.stderr.contains("[approval-missing] prod requires an approval"))
    #expect(try pin(repo, "staging")["version"] as? String == "1.0.2")
    let environments = try #require(try lock(repo)["environments"] as? [String: Any])
    #expect(environments["prod"] == nil)
    let unknown = try repo.promptops("promote", "a", "--env", "qa")
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("unknown environment 'qa'"))
  }

  /// An existing tag of the same name on other content is a conflict, not overwritten.
  @Test func aConflictingTagRefusesThePromotion() throws {
    let (repo, commits) = try Self.threeVersions()
    try repo.git("tag", "-a", "prompt/a/v1.0.0", "-m", "hand made", commits[2])
    let result = try repo.promptops("promote", "a", "--env", "staging", "--version", "1.0.0")
    #expect(result.status == 1)
    #expect(result.stderr.contains("[tag-mismatch] tag prompt/a/v1.0.0 already exists"))
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/promptops.lock"))
    #expect(
      try repo.git("rev-parse", "prompt/a/v1.0.0^{commit}").trimmingCharacters(in: .whitespacesAndNewlines)
        == commits[2])
  }

  /// `--sign` signs the tag the way git does: here with an SSH key (gpg.format ssh), verified
  /// by `git tag -v`.
  @Test func signedTagsVerifyWithGit() throws {
    let (repo, _) = try Self.threeVersions()
    let key = repo.home + "/id_ed25519"
    let keygen = try runProcess(
      "/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "release", "-f", key], in: repo.home,
      environment: repo.environment)
    #expect(keygen.status == 0, "\(keygen.stderr)")
    let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).trimmingCharacters(
      in: .whitespacesAndNewlines)
    try "dev@example.com \(publicKey)\n".write(
      toFile: repo.home + "/allowed_signers", atomically: true, encoding: .utf8)
    try repo.git("config", "gpg.format", "ssh")
    try repo.git("config", "user.signingkey", key)
    try repo.git("config", "gpg.ssh.allowedSignersFile", repo.home + "/allowed_signers")
    let result = try repo.promptops("promote", "a", "--env", "staging", "--sign")
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    let verified = try runProcess(
      which("git") ?? "/usr/bin/git", ["tag", "-v", "prompt/a/v1.0.2"], in: repo.path, environment: repo.environment)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stderr.contains("Good \"git\" signature"))
    #expect(try repo.promptops("verify").status == 0)
  }

  /// A promotion killed between writing the temporary file and renaming it leaves the previous
  /// lock file byte for byte.
  @Test func aPromotionKilledMidWriteLeavesThePreviousLock() throws {
    let repo = try TempRepo("promotionKilled")
    try repo.writePrompt("a", text: "A {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.writePrompt("b", text: "B {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    #expect(try repo.promptops("promote", "a", "--env", "dev").status == 0)
    let before = try repo.read("promptops.lock")

    let process = Process()
    process.executableURL = URL(fileURLWithPath: try promptopsBinary())
    process.arguments = ["promote", "b", "--env", "dev"]
    process.currentDirectoryURL = URL(fileURLWithPath: repo.path)
    var environment = repo.environment
    // The writer stops before renaming its temporary file onto the lock (an LD_PRELOAD library).
    environment.merge(try RenamePause.environment(suffix: "/promptops.lock", milliseconds: 30000)) { $1 }
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let temporary = repo.path + "/.promptops.lock.\(process.processIdentifier).tmp"
    let deadline = Date().addingTimeInterval(60)
    func written() -> Bool { (try? String(contentsOfFile: temporary, encoding: .utf8))?.hasSuffix("}\n") ?? false }
    while !written() && Date() < deadline && process.isRunning { usleep(20_000) }
    #expect(written(), "the writer never reached the pause")
    #expect(
      try String(contentsOfFile: temporary, encoding: .utf8).contains("\"b\""),
      "the new lock was written to the temporary file")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)

    #expect(try repo.read("promptops.lock") == before)
    #expect(try repo.promptops("verify").status == 0)
    // The kernel released the dead process's lock: the next promotion goes through.
    #expect(try repo.promptops("promote", "b", "--env", "dev").status == 0)
    #expect(!FileManager.default.fileExists(atPath: temporary), "the dead writer's temporary file is cleaned up")
    #expect(try pin(repo, "dev", "b")["version"] as? String == "1.0.0")
    #expect(try pin(repo, "dev", "a")["version"] as? String == "1.0.0")
  }

  /// Two promotions of different prompts at once both land: each re-reads the lock under the
  /// exclusive lock before writing.
  @Test func concurrentPromotionsOfDifferentPromptsBothLand() throws {
    let repo = try TempRepo("promotionConcurrent")
    try repo.writePrompt("a", text: "A {{x}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.writePrompt("b", text: "B {{x}}.\n", version: "2.0.0", changelog: ["2.0.0"])
    try repo.commit()
    var environment = repo.environment
    // Each writer holds the lock for a while, so the two runs overlap.
    environment.merge(try RenamePause.environment(suffix: "/promptops.lock", milliseconds: 700)) { $1 }
    let binary = try promptopsBinary()
    let directory = repo.path
    let overlapping = environment
    nonisolated(unsafe) var results: [String: ProcessResult] = [:]
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: 2) { index in
      let id = index == 0 ? "a" : "b"
      let result = try? runProcess(binary, ["promote", id, "--env", "dev"], in: directory, environment: overlapping)
      lock.lock()
      results[id] = result
      lock.unlock()
    }
    #expect(results["a"]?.status == 0, "\(results["a"]?.stderr ?? "")")
    #expect(results["b"]?.status == 0, "\(results["b"]?.stderr ?? "")")
    #expect(try pin(repo, "dev", "a")["version"] as? String == "1.0.0")
    #expect(try pin(repo, "dev", "b")["version"] as? String == "2.0.0")
    #expect(try repo.read("audit/promptops-audit.jsonl").split(separator: "\n").count == 2)
  }
}

@Suite("promptops promote: other prompt layouts")
struct PromotionLayoutTests {
  /// A single-file prompt (front matter + text) and a prompt in a deeper folder promote, verify
  /// and show like the reference layout; the pinned hash is the text's, not the file's.
  @Test func singleFilesAndNestedFoldersPromote() throws {
    let repo = try TempRepo("promotionLayouts")
    let body = "Summarise {{notes}}.\nNever invent dates.\n"
    try repo.write(
      "prompts/release-notes.prompt.md",
      "---\nid: release-notes\ndescription: Notes\nversion: 2.1.0\nchangelog:\n  - version: 2.1.0\n    changes: First\n---\n"
        + body)
    try repo.writePrompt(
      "triage", text: "Triage {{ticket}}.\n", version: "0.3.0", changelog: ["0.3.0"], folder: "prompts/support/triage")
    try repo.commit()
    for id in ["release-notes", "triage"] {
      let result = try repo.promptops("promote", id, "--env", "dev")
      #expect(result.status == 0, "\(id): \(result.stdout)\(result.stderr)")
    }
    #expect(try repo.promptops("verify").status == 0)
    let bodyFile = repo.root + "/body.txt"
    try body.write(toFile: bodyFile, atomically: true, encoding: .utf8)
    let lock = try #require(
      try JSONSerialization.jsonObject(with: Data(try repo.read("promptops.lock").utf8)) as? [String: Any])
    let dev = try #require((lock["environments"] as? [String: Any])?["dev"] as? [String: Any])
    #expect((dev["release-notes"] as? [String: Any])?["sha256"] as? String == (try sha256sum(bodyFile)))
    #expect((dev["triage"] as? [String: Any])?["path"] as? String == "prompts/support/triage/prompt.txt")
    #expect(try repo.promptops("show", "release-notes", "--env", "dev", "--raw").stdout == body)
    #expect(
      try repo.git("tag", "-l").split(separator: "\n") == ["prompt/release-notes/v2.1.0", "prompt/triage/v0.3.0"])
  }
}

@Suite("promptops verify: unreadable state is an error, never a pass")
struct PromotionBrokenStateTests {
  @Test func aBrokenLockFileIsAnErrorNamingIt() throws {
    let repo = try TempRepo("promotionBrokenLock")
    try repo.writePrompt("a", text: "A.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit()
    try repo.write(
      "promptops.lock", "{\"lockfile_version\": 1, \"environments\": {\"dev\": {\"a\": {\"version\": 3}}}}\n")
    for arguments in [["verify"], ["promote", "a", "--env", "dev"], ["show", "a", "--env", "dev"], ["history", "a"]] {
      let result = try runProcess(try promptopsBinary(), arguments, in: repo.path, environment: repo.environment)
      #expect(result.status == 2, "\(arguments): \(result.stdout)\(result.stderr)")
      #expect(result.stderr.contains("promptops.lock: not a valid lock file"), "\(arguments): \(result.stderr)")
    }
    #expect(try repo.read("promptops.lock").contains("\"version\": 3"))
    // The promotion stopped before it tagged anything.
    #expect(try repo.git("tag", "-l").isEmpty)
  }
}
