import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// The promptfoo compatibility corpus (`Tests/Fixtures/promptfoo-compat/`): suites taken from
/// promptfoo's examples and documentation, each with promptfoo's verdict written down (read from
/// promptfoo's source), and models swapped for stand-ins that answer the same every time (`echo`,
/// `exec:` scripts, the loopback server with scripted grader answers).
///
/// Every case runs through the real binary in a real repository, and gets promptfoo's verdict
/// (each test's pass or fail, and the pass rate), or is refused with an error naming the
/// unsupported feature at its file and line. A case that ran with another verdict fails here.
@Suite("promptfoo compatibility corpus", .serialized)
struct PromptfooCompatibilityTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/promptfoo-compat").path

  static var caseNames: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter {
      FileManager.default.fileExists(atPath: "\(corpus)/\($0)/case.yml")
    }.sorted()
  }

  /// One case's `case.yml`.
  struct Case {
    let name: String
    let folder: String
    let source: String
    /// promptfoo's verdict for each test, by description.
    let verdicts: [String: Bool]
    /// Tests promptfoo cannot grade either (its handler throws): words the eval error must say.
    let errors: [String: String]
    let passRate: Double?
    let exitStatus: Int32?
    /// The refusal expected instead of a verdict: file (as in the case folder), line, words.
    let refusal: (file: String, line: Int, message: String)?
    /// Start the loopback server, with this rules file when it names one.
    let server: String?
    /// An interpreter the case needs; without it on PATH the case must be refused naming it.
    let needs: String?

    init(name: String) throws {
      self.name = name
      folder = "\(PromptfooCompatibilityTests.corpus)/\(name)"
      let text = try String(contentsOfFile: "\(folder)/case.yml", encoding: .utf8)
      guard case .object(let root)? = try YAMLValue.parse(text)?.jsonValue() else {
        throw Malformed(name, "case.yml is not a mapping")
      }
      guard case .string(let source)? = root["source"], !source.isEmpty else {
        throw Malformed(name, "case.yml names no `source`")
      }
      self.source = source
      var verdicts: [String: Bool] = [:]
      if case .object(let map)? = root["verdicts"] {
        for (test, verdict) in map {
          guard case .string(let word) = verdict, ["pass", "fail"].contains(word) else {
            throw Malformed(name, "verdict of '\(test)' is not pass or fail")
          }
          verdicts[test] = word == "pass"
        }
      }
      self.verdicts = verdicts
      var errors: [String: String] = [:]
      if case .object(let map)? = root["errors"] {
        for (test, words) in map {
          guard case .string(let text) = words else { throw Malformed(name, "error of '\(test)' is not text") }
          errors[test] = text
        }
      }
      self.errors = errors
      passRate = root["passRate"]?.doubleValue
      exitStatus = root["exit"]?.doubleValue.map { Int32($0) }
      if case .object(let refusal)? = root["refusal"] {
        guard case .string(let file)? = refusal["file"], let line = refusal["line"]?.doubleValue,
          case .string(let message)? = refusal["message"]
        else {
          throw Malformed(name, "refusal needs file, line and message")
        }
        self.refusal = (file, Int(line), message)
      } else {
        refusal = nil
      }
      switch root["server"] {
      case .bool(true)?: server = ""
      case .string(let rules)?: server = rules
      default: server = nil
      }
      needs = root["needs"]?.stringValue
      guard refusal != nil || !verdicts.isEmpty || !errors.isEmpty else {
        throw Malformed(name, "case.yml has neither `verdicts` nor `refusal`")
      }
      guard refusal == nil || (verdicts.isEmpty && errors.isEmpty) else {
        throw Malformed(name, "case.yml has both `verdicts` and `refusal`")
      }
    }

    struct Malformed: Error, CustomStringConvertible {
      let description: String
      init(_ name: String, _ message: String) { description = "\(name): \(message)" }
    }

    /// The case's files other than `case.yml`, by name.
    var files: [String] {
      get throws {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { path in
          var isFolder: ObjCBool = false
          FileManager.default.fileExists(atPath: "\(folder)/\(path)", isDirectory: &isFolder)
          return !isFolder.boolValue && path != "case.yml"
        }.sorted()
      }
    }
  }

  /// Where a case file lands in the repository: the prompt folder; the suite becomes the
  /// prompt's `evalsuite.yml`.
  static func repositoryPath(of file: String, id: String) -> String {
    "prompts/\(id)/" + (file == "promptfooconfig.yaml" ? "evalsuite.yml" : file)
  }

  @Test func theCorpusIsBroadAndEveryCaseNamesItsSource() throws {
    let cases = try Self.caseNames.map(Case.init(name:))
    #expect(cases.count >= 30, "the corpus has \(cases.count) cases")
    #expect(cases.filter { $0.refusal == nil }.count >= 20)
    for entry in cases {
      #expect(
        entry.source.hasPrefix("https://www.promptfoo.dev/docs/") || entry.source.hasPrefix("promptfoo/promptfoo:"),
        "\(entry.name): \(entry.source)")
      #expect(FileManager.default.fileExists(atPath: "\(entry.folder)/prompt.txt"), "\(entry.name) has no prompt.txt")
      #expect(
        FileManager.default.fileExists(atPath: "\(entry.folder)/promptfooconfig.yaml"),
        "\(entry.name) has no promptfooconfig.yaml")
    }
  }

  @Test(.timeLimit(.minutes(5)), arguments: PromptfooCompatibilityTests.caseNames)
  func aCaseGetsPromptfoosVerdictOrIsRefused(_ name: String) throws {
    let entry = try Case(name: name)
    let id = name
    let repo = try TempRepo("compat-\(name)")
    try repo.writePrompt(
      id, text: try String(contentsOfFile: "\(entry.folder)/prompt.txt", encoding: .utf8), version: "1.0.0",
      changelog: ["1.0.0"])
    for file in try entry.files where file != "prompt.txt" {
      try repo.write(
        Self.repositoryPath(of: file, id: id), try String(contentsOfFile: "\(entry.folder)/\(file)", encoding: .utf8))
    }
    _ = try repo.commit("the \(name) case")

    var environment: [String: String] = [:]
    var server: LoopbackOpenAIServer?
    if let rules = entry.server {
      server = try LoopbackOpenAIServer(rules.isEmpty ? [] : ["--rules", "\(entry.folder)/\(rules)"])
      environment = [
        "OPENAI_BASE_URL": server!.baseURL, "OPENAI_API_KEY": "compat-key", "ANTHROPIC_BASE_URL": server!.rootURL,
        "ANTHROPIC_API_KEY": "compat-key", "AZURE_OPENAI_API_BASE_URL": server!.rootURL, "AZURE_API_KEY": "compat-key",
      ]
    }
    defer { server?.stop() }
    let output = repo.root + "/results.json"
    let result = try repo.promptops("eval", id, "--no-cache", "--output", output, environment: environment)
    let said = result.stdout + result.stderr

    var refusal = entry.refusal
    if let interpreter = entry.needs, which(interpreter) == nil {
      // Without the interpreter the case is refused, naming it, at the assertion.
      refusal = (refusal?.file ?? "promptfooconfig.yaml", refusal?.line ?? 0, "`\(interpreter)` on PATH")
    }
    if let refusal {
      #expect(result.status != 0, "\(name) must be refused: \(said)")
      #expect(!said.contains("PASS \(id)"), "\(said)")
      let place =
        refusal.line > 0
        ? "\(Self.repositoryPath(of: refusal.file, id: id)):\(refusal.line):"
        : Self.repositoryPath(of: refusal.file, id: id)
      let line = said.split(separator: "\n").first { $0.contains(place) }
      #expect(line != nil, "\(name): no error at \(place): \(said)")
      #expect(
        line?.contains(refusal.message) == true,
        "\(name): the error at \(place) does not say '\(refusal.message)': \(said)")
      return
    }

    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any],
      "\(name): \(said)")
    let results = try #require((document["results"] as? [String: Any])?["results"] as? [[String: Any]], "\(name)")
    var seen: [String: Bool] = [:]
    var erred: [String: String] = [:]
    for run in results {
      let description = ((run["testCase"] as? [String: Any])?["description"] as? String) ?? "?"
      #expect(seen[description] == nil && erred[description] == nil, "\(name): two results for '\(description)'")
      if let error = run["error"] as? String {
        erred[description] = error
        #expect(run["success"] as? Bool == false, "\(name) '\(description)' passed with an error")
      } else {
        seen[description] = run["success"] as? Bool
      }
    }
    #expect(
      Set(seen.keys) == Set(entry.verdicts.keys),
      "\(name): tests graded \(seen.keys.sorted()), verdicts for \(entry.verdicts.keys.sorted())")
    #expect(
      Set(erred.keys) == Set(entry.errors.keys),
      "\(name): tests in error \(erred), expected \(entry.errors.keys.sorted())")
    for (test, words) in entry.errors {
      #expect(
        erred[test]?.contains(words) == true,
        "\(name) '\(test)': the error does not say '\(words)': \(erred[test] ?? "none")")
    }
    for (test, expected) in entry.verdicts {
      #expect(
        seen[test] == expected,
        "\(name) '\(test)': promptfoo says \(expected ? "pass" : "fail"), promptops said \(String(describing: seen[test])): \(said)"
      )
    }
    if let passRate = entry.passRate {
      let passed = Double(seen.values.filter { $0 }.count) / Double(max(seen.count + erred.count, 1))
      #expect(abs(passed - passRate) < 1e-9, "\(name): pass rate \(passed), promptfoo's is \(passRate)")
      #expect(said.contains("pass rate \(Int((passRate * 100).rounded()))%"), "\(said)")
    }
    let status = entry.exitStatus ?? (entry.verdicts.values.allSatisfy { $0 } && entry.errors.isEmpty ? 0 : 1)
    #expect(result.status == status, "\(name): exit \(result.status), expected \(status): \(said)")
  }
}

/// The compatibility table of docs/evals.md, row by row, against the corpus and the code.
@Suite("docs/evals.md: the promptfoo compatibility table")
struct CompatibilityTableTests {
  struct Row {
    let kind: String
    let feature: String
    let status: String
    let notes: String
  }

  static var readme: String {
    get throws {
      let root = URL(fileURLWithPath: PromptfooCompatibilityTests.corpus).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
      return try String(contentsOf: root.appendingPathComponent("docs/evals.md"), encoding: .utf8)
    }
  }

  static func rows() throws -> [Row] {
    let text = try readme
    guard let start = text.range(of: "<!-- compatibility-table:start -->"),
      let end = text.range(of: "<!-- compatibility-table:end -->")
    else {
      return []
    }
    return text[start.upperBound..<end.lowerBound].split(separator: "\n").compactMap { line -> Row? in
      let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard cells.count == 4, cells[0] != "kind", !cells[0].hasPrefix("-") else { return nil }
      return Row(kind: cells[0], feature: cells[1], status: cells[2], notes: cells[3])
    }
  }

  /// The text of every case that gets a verdict, and of every refused case with its message.
  static func corpus() throws -> (graded: [String], refused: [(text: String, message: String)]) {
    var graded: [String] = []
    var refused: [(String, String)] = []
    for name in PromptfooCompatibilityTests.caseNames {
      let entry = try PromptfooCompatibilityTests.Case(name: name)
      let text = try entry.files.map { try String(contentsOfFile: "\(entry.folder)/\($0)", encoding: .utf8) }.joined(
        separator: "\n")
      if let refusal = entry.refusal { refused.append((text, refusal.message)) } else { graded.append(text) }
    }
    return (graded, refused)
  }

  /// Whether a suite text uses an assertion type (YAML, JSON or a CSV `__expected` prefix).
  static func uses(_ type: String, in text: String) -> Bool {
    let name = NSRegularExpression.escapedPattern(for: type)
    let pattern =
      "(type:\\s*[\"']?(not-)?\(name)[\"']?(?![\\w:-])|\"type\":\\s*\"(not-)?\(name)\"|[\\n,](not-)?\(name):)"
    return text.range(of: pattern, options: .regularExpression) != nil
  }

  /// What a suite-level row is checked by: words that must all appear in one corpus case.
  static let suiteChecks: [String: [String]] = [
    "defaultTest": ["defaultTest:"], "threshold": ["threshold:"], "weight": ["weight: 0"], "metric": ["metric:"],
    "tests: file://….csv": ["tests: file://", ".csv"], "tests: file://….jsonl": ["tests: file://", ".jsonl"],
    "tests: file://….yaml": ["tests: file://", ".yaml"], "options.provider": ["options:", "provider:"],
    "options.transform": ["options:", "transform:"], "options.factuality": ["options:", "factuality:"],
    "file:// assertion values": ["value: file://"],
    "providerOutput": ["providerOutput:", "__providerOutput"], "test providers": ["    providers: ["],
    "test prompts": ["    prompts: ["], "options.disableVarExpansion": ["disableVarExpansion: true"],
    "options.disableDefaultAsserts": ["disableDefaultAsserts: true"],
    "assertScoringFunction": ["assertScoringFunction:"],
  ]

  @Test func everyRowHoldsAndEveryAssertionTypeHasARow() throws {
    let rows = try Self.rows()
    #expect(rows.count > 80, "the table was not found or is short: \(rows.count) rows")
    let (graded, refused) = try Self.corpus()
    for row in rows {
      let feature = row.feature.replacingOccurrences(of: "`", with: "")
      #expect(["supported", "refused"].contains(row.status), "\(feature): status \(row.status)")
      switch row.kind {
      case "assertion":
        if row.status == "supported" {
          #expect(
            AssertionCatalog.supported.contains(feature),
            "\(feature) is listed as supported, and promptops does not run it")
          #expect(graded.contains { Self.uses(feature, in: $0) }, "no graded corpus case uses `\(feature)`")
        } else {
          #expect(
            AssertionCatalog.refused[feature] == row.notes,
            "\(feature): the reason in docs/evals.md differs from the loader's")
          let suite =
            "providers: [echo]\ntests:\n  - vars: {q: x}\n    assert:\n      - type: \(feature)\n        value: x\n"
          let loader = SuiteLoader(
            read: { $0 == "s.yml" ? Array(suite.utf8) : nil }, list: { _ in [] }, settings: EvalSettings())
          let problem = #expect(throws: SuiteProblem.self) { try loader.load(path: "s.yml") }
          #expect(
            problem?.line == 5 && problem?.message.contains(row.notes) == true,
            "\(feature): \(String(describing: problem))")
        }
      case "provider":
        let id = feature.replacingOccurrences(of: "<[a-z]+>", with: "m", options: .regularExpression)
        if row.status == "supported" {
          #expect(throws: Never.self, "\(feature)") { _ = try ProviderKind.of(id) }
          let prefix = String(feature.prefix { $0 != "<" })
          #expect(graded.contains { $0.contains(prefix) }, "no graded corpus case uses a `\(prefix)` provider")
        } else {
          let error = #expect(throws: ProviderError.self, "\(feature)") { _ = try ProviderKind.of(id) }
          #expect(error?.message.contains(row.notes) == true, "\(feature): \(String(describing: error))")
        }
      case "suite":
        let words = try #require(Self.suiteChecks[feature], "no check for the suite row `\(feature)`")
        if row.status == "supported" {
          #expect(graded.contains { text in words.allSatisfy(text.contains) }, "no graded corpus case uses \(feature)")
        } else {
          #expect(
            refused.contains { words.allSatisfy($0.text.contains) && $0.message.contains(row.notes) },
            "no corpus case refuses \(feature) saying '\(row.notes)'")
        }
      default:
        Issue.record("unknown kind \(row.kind) in the row for \(feature)")
      }
    }
    let listed = Set(rows.filter { $0.kind == "assertion" }.map { $0.feature.replacingOccurrences(of: "`", with: "") })
    for type in AssertionCatalog.supported.union(AssertionCatalog.refused.keys) {
      #expect(listed.contains(type), "docs/evals.md's table has no row for `\(type)`")
    }
  }
}
