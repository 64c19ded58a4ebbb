import Foundation
import TestSupport
import Testing

/// The project's JSON Schemas and its example files, checked by a real validator.
@Suite("JSON Schemas, validated with check-jsonschema")
struct SchemaTests {
  /// `make test` installs check-jsonschema into .build-tools/venv; a missing validator fails the
  /// test rather than skipping it.
  func validator() throws -> String {
    if let onPath = which("check-jsonschema") { return onPath }
    let venv = packageRoot + "/.build-tools/venv/bin/check-jsonschema"
    try #require(
      FileManager.default.isExecutableFile(atPath: venv),
      "check-jsonschema not installed: run `sh ci/install-deps.sh --python`")
    return venv
  }

  func validate(_ arguments: [String]) throws -> ProcessResult {
    try runProcess(try validator(), arguments, in: packageRoot, environment: ProcessInfo.processInfo.environment)
  }

  @Test func theSchemasAreValidSchemas() throws {
    let schemas = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/schemas")
      .filter { $0.hasSuffix(".json") }.map { "schemas/" + $0 }
    #expect(schemas.count >= 7)
    let result = try validate(["--check-metaschema"] + schemas)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
  }

  @Test func theExampleCardsAndConfigurationValidate() throws {
    let cards = try FileManager.default.subpathsOfDirectory(atPath: packageRoot + "/examples")
      .filter { $0.hasSuffix("prompt-card.yml") }.map { "examples/" + $0 }
    #expect(cards.count >= 3)
    let cardResult = try validate(["--schemafile", "schemas/prompt-card.schema.json"] + cards)
    #expect(cardResult.status == 0, "\(cardResult.stdout)\(cardResult.stderr)")
    let configResult = try validate(["--schemafile", "schemas/promptops-config.schema.json", "examples/.promptops.yml"])
    #expect(configResult.status == 0, "\(configResult.stdout)\(configResult.stderr)")
  }

  /// The `evals:` section: a full example validates and is accepted by promptops; a typo is
  /// rejected by both.
  @Test func theEvalsSectionValidatesAndTyposFailBoth() throws {
    let repo = try TempRepo("schemaEvals")
    let config = """
      version: 1
      rules:
        eval-weakened: warning
      evals:
        suite_file: evalsuite.yml
        suites:
          - path: evals/shared.yml
            prompts: ["support-*", billing]
        require_suite: true
        input_variable: question
        concurrency: 8
        cache: false
        grader: {id: "openai:chat:gpt-4o-mini", config: {temperature: 0}}
        mode: external
        external_command: [npx, promptfoo, eval, -c, "{suite}", -o, "{output}"]

      """
    try repo.write(".promptops.yml", config)
    let valid = try validate(["--schemafile", "schemas/promptops-config.schema.json", repo.path + "/.promptops.yml"])
    #expect(valid.status == 0, "\(valid.stdout)")
    _ = try repo.commit("config")
    let accepted = try repo.promptops("check", "--all")
    #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")

    try repo.write(".promptops.yml", "evals:\n  concurency: 8\n")
    let typo = try validate(["--schemafile", "schemas/promptops-config.schema.json", repo.path + "/.promptops.yml"])
    #expect(typo.status != 0)
    try repo.stage()
    let rejected = try repo.promptops("check")
    #expect(rejected.status == 2)
    #expect(rejected.stderr.contains(".promptops.yml:2"))
    #expect(rejected.stderr.contains("evals.concurency"))
  }

  /// The scaffold `promptops init` writes is valid too, and a broken card is rejected by both
  /// the schema and the tool.
  @Test func theScaffoldValidatesAndBrokenCardsFailBoth() throws {
    let repo = try TempRepo("schemaScaffold")
    #expect(try repo.promptops("init").status == 0)
    let scaffold = try validate(["--schemafile", "schemas/promptops-config.schema.json", repo.path + "/.promptops.yml"])
    #expect(scaffold.status == 0, "\(scaffold.stdout)")
    let card = try validate([
      "--schemafile", "schemas/prompt-card.schema.json", repo.path + "/prompts/example/prompt-card.yml",
    ])
    #expect(card.status == 0, "\(card.stdout)")

    try repo.write("prompts/example/prompt-card.yml", "description: no id\nversion: \"1.2\"\n")
    let broken = try validate([
      "--schemafile", "schemas/prompt-card.schema.json", repo.path + "/prompts/example/prompt-card.yml",
    ])
    #expect(broken.status != 0)
    try repo.stage()
    let check = try repo.promptops("check")
    #expect(check.status == 1)
    #expect(check.stdout.contains("card-invalid"))
  }

  /// The execution-log schemas accept the example logs, record by record, and reject each
  /// deliberately invalid record.
  @Test func theLogSchemasAcceptTheExamplesAndRejectTheInvalidRecords() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-logs-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let log = try String(contentsOfFile: packageRoot + "/examples/logs/prompt-log.jsonl", encoding: .utf8)
    let records = log.split(separator: "\n").map(String.init)
    #expect(records.count >= 5)
    var files: [String] = []
    for (index, record) in records.enumerated() {
      let file = folder + "/record\(index).json"
      try record.write(toFile: file, atomically: true, encoding: .utf8)
      files.append(file)
    }
    let valid = try validate(["--schemafile", "schemas/prompt-log.schema.json"] + files)
    #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
    let trace = try validate(["--schemafile", "schemas/agent-trace.schema.json", "examples/logs/agent-trace.json"])
    #expect(trace.status == 0, "\(trace.stdout)\(trace.stderr)")

    for name in ["missing-trace-id", "tokens-as-string", "bad-timestamp", "short-hash"] {
      let lines = try String(contentsOfFile: packageRoot + "/examples/logs/invalid/\(name).jsonl", encoding: .utf8)
        .split(separator: "\n").map(String.init)
      var verdicts: [Int32] = []
      for (index, line) in lines.enumerated() {
        let file = folder + "/\(name)-\(index).json"
        try line.write(toFile: file, atomically: true, encoding: .utf8)
        verdicts.append(try validate(["--schemafile", "schemas/prompt-log.schema.json", file]).status)
      }
      #expect(verdicts.filter { $0 != 0 }.count == 1, "\(name): exactly one invalid record, got \(verdicts)")
    }
  }

  /// A record written and signed by `promptops approve` matches the approval schema; records
  /// broken the ways the tool refuses (no reviewer email, a decision it does not know, an extra
  /// unsigned field) are rejected by the schema as well as by the gate.
  @Test func theApprovalSchemaAcceptsSignedRecordsAndRejectsBrokenOnes() throws {
    let sshKeygen = try #require(which("ssh-keygen"), "ssh-keygen is needed to sign approvals")
    let repo = try TempRepo("schemaApproval")
    let key = repo.root + "/alice-key"
    let keygen = try runProcess(
      sshKeygen, ["-q", "-t", "ed25519", "-N", "", "-f", key], in: repo.root, environment: repo.environment)
    try #require(keygen.status == 0, "\(keygen.stderr)")
    // approve writes only records that will verify: the key is listed for alice.
    let publicKey = try String(contentsOfFile: key + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(
      separator: " ")
    try repo.write(".promptops/allowed_signers", "alice@example.com \(publicKey)\n")
    try repo.write(".promptops.yml", "version: 1\napprovals:\n  allowed_signers: .promptops/allowed_signers\n")
    try repo.writePrompt("a", text: "Hello {{name}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("add a")
    let approve = try repo.promptops(
      "approve", "a", "--env", "prod", "--role", "owner", "--key", key, "--reviewer", "alice@example.com", "--note",
      "ok",
      "--check", "evals_passed")
    try #require(approve.status == 0, "\(approve.stderr)")
    let record = repo.path + "/approvals/a/1.0.0-prod-alice@example.com.yml"
    let valid = try validate(["--schemafile", "schemas/approval.schema.json", record])
    #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")

    let text = try String(contentsOfFile: record, encoding: .utf8)
    for (name, broken) in [
      ("reviewer", text.replacingOccurrences(of: "\"alice@example.com\"", with: "\"alice\"")),
      ("decision", text.replacingOccurrences(of: "\"approved\"", with: "\"lgtm\"")),
      ("extra", text + "approved_by: mallory@example.com\n"),
      ("sha256", text.replacingOccurrences(of: "sha256: \"", with: "sha256: \"zz")),
    ] {
      #expect(broken != text)
      let file = repo.root + "/broken-\(name).yml"
      try broken.write(toFile: file, atomically: true, encoding: .utf8)
      let result = try validate(["--schemafile", "schemas/approval.schema.json", file])
      #expect(result.status != 0, "\(name) passed the schema")
    }
  }

  /// The lock and audit schemas reject what promptops would never write; the files it does
  /// write are validated in the promotion tests.
  @Test func theLockAndAuditSchemasRejectBrokenFiles() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-lock-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let pin =
      #"{"version": "1.0.0", "sha256": "\#(String(repeating: "a", count: 64))", "commit": "\#(String(repeating: "b", count: 40))", "path": "prompts/a/prompt.txt", "promoted_by": "Ann <ann@example.com>", "promoted_at": "2026-11-25T10:00:00Z"}"#
    let cases: [(schema: String, text: String, valid: Bool)] = [
      ("lock", #"{"lockfile_version": 1, "environments": {"prod": {"a": \#(pin)}}}"#, true),
      ("lock", #"{"lockfile_version": 2, "environments": {}}"#, false),
      ("lock", #"{"lockfile_version": 1, "environments": {"prod": {"a": {"version": "1.0.0"}}}}"#, false),
      (
        "lock",
        #"{"lockfile_version": 1, "environments": {"prod": {"a": \#(pin.replacingOccurrences(of: "aaaa", with: "AAAA"))}}}"#,
        false
      ),
      (
        "audit",
        #"{"event": "promote", "at": "2026-11-25T10:00:00Z", "by": "Ann", "environment": "prod", "prompt_id": "a", "to": {"version": "1.0.0", "sha256": "\#(String(repeating: "a", count: 64))", "commit": "\#(String(repeating: "b", count: 40))"}}"#,
        true
      ),
      (
        "audit",
        #"{"event": "rollback", "at": "2026-11-25T10:00:00Z", "by": "Ann", "environment": "prod", "prompt_id": "a", "to": {"version": "1.0.0", "sha256": "\#(String(repeating: "a", count: 64))", "commit": "\#(String(repeating: "b", count: 40))"}}"#,
        false
      ),
      (
        "audit",
        #"{"event": "delete", "at": "2026-11-25T10:00:00Z", "by": "Ann", "environment": "prod", "prompt_id": "a", "to": {"version": "1.0.0", "sha256": "\#(String(repeating: "a", count: 64))", "commit": "\#(String(repeating: "b", count: 40))"}}"#,
        false
      ),
    ]
    for (index, item) in cases.enumerated() {
      let file = folder + "/case\(index).json"
      try item.text.write(toFile: file, atomically: true, encoding: .utf8)
      let result = try validate(["--schemafile", "schemas/\(item.schema).schema.json", file])
      #expect((result.status == 0) == item.valid, "case \(index): \(result.stdout)")
    }
  }
}
