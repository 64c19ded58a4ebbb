import Foundation
import TestSupport
import Testing

@Suite("promptops logs validate")
struct LogsValidateTests {
  func run(_ arguments: [String]) throws -> ProcessResult {
    try runProcess(
      try promptopsBinary(), ["logs", "validate"] + arguments, in: packageRoot, environment: ["NO_COLOR": "1"])
  }

  @Test(arguments: [
    (
      "missing-trace-id",
      "examples/logs/invalid/missing-trace-id.jsonl:2: error: trace_id: prompt-log: required field is missing"
    ),
    (
      "tokens-as-string",
      "examples/logs/invalid/tokens-as-string.jsonl:2: error: tokens_input: prompt-log: expected an integer, got string"
    ),
    (
      "bad-timestamp",
      "examples/logs/invalid/bad-timestamp.jsonl:3: error: timestamp: prompt-log: '2026-13-45T99:00:00Z' is not an RFC 3339 date-time"
    ),
    ("truncated-last-line", "examples/logs/invalid/truncated-last-line.jsonl:3: error: truncated record"),
    ("not-utf8", "examples/logs/invalid/not-utf8.jsonl:2: error: not valid UTF-8"),
    ("short-hash", "examples/logs/invalid/short-hash.jsonl:2: error: version_hash: prompt-log: expected the SHA-256"),
  ])
  func eachInvalidRecordIsNamedWithFileLineAndField(_ name: String, _ expected: String) throws {
    let result = try run(["examples/logs/invalid/\(name).jsonl"])
    #expect(result.status == 1)
    let errors = result.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
    #expect(errors.count == 1, "\(result.stdout)")
    #expect(errors.first?.hasPrefix(expected) == true, "\(result.stdout)")
    #expect(result.stdout.contains(", 1 invalid"))
  }

  @Test func validLogsPassAndGzipIsReadTheSame() throws {
    let valid = try run(["examples/logs/prompt-log.jsonl", "examples/logs/agent-trace.json"])
    #expect(valid.status == 0, "\(valid.stdout)")
    #expect(valid.stdout.contains("valid: 7 records in 2 files (6 prompt logs, 1 agent traces), 0 invalid"))

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-gz-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for name in ["examples/logs/prompt-log.jsonl", "examples/logs/invalid/bad-timestamp.jsonl"] {
      let target = folder + "/" + (name as NSString).lastPathComponent
      try FileManager.default.copyItem(atPath: packageRoot + "/" + name, toPath: target)
      #expect(try runProcess("/bin/gzip", ["-k", target], in: folder, environment: [:]).status == 0)
    }
    #expect(try run([folder + "/prompt-log.jsonl.gz"]).status == 0)
    let bad = try run([folder + "/bad-timestamp.jsonl.gz"])
    #expect(bad.status == 1)
    #expect(bad.stdout.contains("bad-timestamp.jsonl.gz:3: error: timestamp"))
  }

  @Test func anUnreadableFileExitsTwo() throws {
    let result = try run(["/nonexistent/log.jsonl"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("/nonexistent/log.jsonl"))
  }

  /// Every verdict agrees with check-jsonschema on the same records: each required field
  /// dropped, wrong types, bad timestamps, negative amounts, bad hashes, and valid variations.
  @Test func verdictsAgreeWithCheckJsonschema() throws {
    let base: [String: Any] = [
      "prompt_id": "support-agent", "version_hash": String(repeating: "ab", count: 32),
      "timestamp": "2026-11-25T10:00:00Z",
      "trace_id": "t-1", "model": "gpt-4o-mini", "tokens_input": 120, "tokens_output": 48, "cost_usd": 0.0012,
      "inputs": ["question": "hi"], "outputs": ["text": "hello"],
    ]
    var records: [[String: Any]] = [base]
    for key in base.keys.sorted() {
      var missing = base
      missing.removeValue(forKey: key)
      records.append(missing)
    }
    let mutations: [(String, Any)] = [
      ("tokens_input", "12"), ("tokens_input", -1), ("tokens_input", 1.5), ("tokens_output", true), ("cost_usd", -0.1),
      ("cost_usd", "0.1"),
      ("timestamp", "2026-11-25 10:00:00"), ("timestamp", "2026-02-30T10:00:00Z"),
      ("timestamp", "2026-11-25T10:00:00.123+01:00"),
      ("timestamp", "2026-11-25T10:00:00"), ("version_hash", "ABC"),
      ("version_hash", String(repeating: "AB", count: 32)),
      ("prompt_id", ""), ("prompt_id", 7), ("inputs", [1, 2]), ("outputs", "text"), ("version", "1.2"),
      ("version", "v1.2.0"),
      ("duration_ms", NSNull()), ("duration_ms", -5), ("run_id", NSNull()), ("run_id", 3),
      ("retrieved_docs", ["a", "b"]),
      ("retrieved_docs", [1]), ("eval_results", ["pass": true, "score": 0.9]), ("eval_results", ["pass": "yes"]),
      ("eval_results", NSNull()), ("eval_results", ["criteria": ["tone": 1]]), ("environment", "prod"),
      ("environment", 1),
      ("extra_field", ["anything": true]),
    ]
    for (key, value) in mutations {
      var record = base
      record[key] = value
      records.append(record)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-diff-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var lines: [String] = []
    var files: [String] = []
    for (index, record) in records.enumerated() {
      let data = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
      lines.append(String(decoding: data, as: UTF8.self))
      let file = folder + "/record-\(index).json"
      try data.write(to: URL(fileURLWithPath: file))
      files.append(file)
    }
    let log = folder + "/all.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
    let ours = try run([log, "--schema", "prompt-log"])
    let oursInvalid = Set(
      ours.stdout.split(separator: "\n").compactMap { line -> Int? in
        guard line.contains(": error: ") else { return nil }
        return Int(line.split(separator: ":")[1]).map { $0 - 1 }
      })

    let checker = packageRoot + "/.build-tools/venv/bin/check-jsonschema"
    let tool = FileManager.default.isExecutableFile(atPath: checker) ? checker : try #require(which("check-jsonschema"))
    // One run over all files; check-jsonschema names each failing file as "<path>::<pointer>: …".
    let result = try runProcess(
      tool, ["--schemafile", packageRoot + "/schemas/prompt-log.schema.json"] + files, in: folder,
      environment: ProcessInfo.processInfo.environment)
    var theirsInvalid = Set<Int>()
    for (index, file) in files.enumerated() where (result.stdout + result.stderr).contains(file + "::") {
      theirsInvalid.insert(index)
    }
    #expect(theirsInvalid.count > 20)
    #expect(
      oursInvalid == theirsInvalid,
      "only ours: \(oursInvalid.subtracting(theirsInvalid).sorted()), only theirs: \(theirsInvalid.subtracting(oursInvalid).sorted())"
    )
  }
}

/// Input nobody controls: a document that is not one, a line with no end, a gzip bomb.
@Suite("promptops logs validate: hostile files")
struct LogsValidateHostileTests {
  func validate(_ arguments: [String], in folder: String) throws -> ProcessResult {
    try runProcess(try promptopsBinary(), ["logs", "validate"] + arguments, in: folder, environment: ["NO_COLOR": "1"])
  }

  func folder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("promptops-logs-\(UUID())").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder
  }

  @Test(arguments: [
    ("broken.json", Data("{\"prompt_id\": ".utf8), "not valid JSON: "),
    ("empty.json", Data(), "the file is empty"),
    ("binary.json", Data([0xFF, 0xFE, 0x00, 0x41]), "not valid UTF-8"),
  ])
  func aJSONDocumentThatCannotBeReadIsInvalid(name: String, bytes: Data, expected: String) throws {
    let folder = try folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    try bytes.write(to: URL(fileURLWithPath: folder + "/" + name))
    let result = try validate([name], in: folder)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("\(name):1: error: \(expected)"), "\(result.stdout)")
    #expect(result.stdout.contains("invalid: 1 record"), "\(result.stdout)")
    #expect(!result.stdout.contains("NSCocoaErrorDomain") && !result.stdout.contains("Code="), "\(result.stdout)")
  }

  /// 256 MiB of text without a newline, gzip-compressed to a few hundred kilobytes: one invalid
  /// record, read in bounded memory, and the next line is still read.
  @Test(.timeLimit(.minutes(5)))
  func aLineWithoutEndIsSkippedInBoundedMemory() throws {
    let folder = try folder()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let script = """
      import gzip, sys
      with gzip.open(sys.argv[1], "wb", compresslevel=9) as out:
          block = b"a" * (1 << 20)
          for _ in range(256):
              out.write(block)
          out.write(b"\\n{\\"not\\": \\"a prompt log\\"}\\n")
      """
    let python = try #require(which("python3"), "python3 writes the bomb and measures the peak memory")
    #expect(
      try runProcess(python, ["-c", script, folder + "/bomb.jsonl.gz"], in: folder, environment: [:]).status == 0)
    // The child's peak resident size, as the kernel accounts it (getrusage), in KiB.
    let measure = """
      import resource, subprocess, sys
      run = subprocess.run(sys.argv[1:])
      print("maxrss_kb=%d" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
      sys.exit(run.returncode)
      """
    let result = try runProcess(
      python, ["-c", measure, try promptopsBinary(), "logs", "validate", "bomb.jsonl.gz"], in: folder,
      environment: ["NO_COLOR": "1"])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("bomb.jsonl.gz:1: error: the line is longer than"), "\(result.stdout)")
    #expect(result.stdout.contains("bomb.jsonl.gz:2: error: "), "the line after the long one is read: \(result.stdout)")
    let rss = result.stderr.split(separator: "\n").compactMap {
      $0.hasPrefix("maxrss_kb=") ? Int($0.dropFirst(10)) : nil
    }.first
    #expect((rss ?? .max) < 64 * 1024, "peak memory \(rss ?? -1) KiB")
  }
}
