import Foundation
import TestSupport
import Testing

/// SARIF, JUnit, GitHub annotations and Markdown, each checked by a real consumer where one exists.
@Suite("report formats")
struct ReportFormatTests {
  func venvTool(_ name: String) throws -> String {
    let venv = packageRoot + "/.build-tools/venv/bin/" + name
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    return try #require(which(name), "\(name) not installed: run `sh ci/install-deps.sh --python`")
  }

  /// A repository whose staged change fails (unbumped edit) and warns (a constraint removed).
  func failingRepository(_ name: String = #function, constraint: String = "You must be polite.") throws -> TempRepo {
    let repo = try TempRepo.withPrompt(name, text: "Hello {{name}}.\n\(constraint)\nAnswer briefly.\n")
    try repo.write("prompts/a/prompt.txt", "Hello {{name}}.\nAnswer briefly, please.\n")
    try repo.stage()
    return repo
  }

  @Test func sarifValidatesAgainstTheOfficialSchema() throws {
    let repo = try failingRepository()
    let result = try repo.promptops("check", "--format", "sarif")
    #expect(result.status == 1)
    let file = repo.root + "/out.sarif"
    try result.stdout.write(toFile: file, atomically: true, encoding: .utf8)
    let schema = packageRoot + "/Tests/Fixtures/sarif/sarif-schema-2.1.0.json"
    try #require(FileManager.default.fileExists(atPath: schema), "the official SARIF schema is expected at \(schema)")
    let validation = try runProcess(
      try venvTool("check-jsonschema"), ["--schemafile", schema, file], in: repo.root,
      environment: ProcessInfo.processInfo.environment)
    #expect(validation.status == 0, "\(validation.stdout)\(validation.stderr)")

    let sarif = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    let rules = try #require(driver["rules"] as? [[String: Any]])
    #expect(rules.count == (try ruleCount(in: repo)))
    #expect(rules.allSatisfy { $0["shortDescription"] != nil && $0["fullDescription"] != nil && $0["help"] != nil })
    let results = try #require(run["results"] as? [[String: Any]])
    #expect(Set(results.compactMap { $0["level"] as? String }) == ["error", "warning"])
    let location = try #require(
      ((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])
    #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "prompts/a/prompt-card.yml")
    #expect(((location["region"] as? [String: Any])?["startLine"]) as? Int == 3)
    #expect(results.allSatisfy { ($0["partialFingerprints"] as? [String: String])?.isEmpty == false })
  }

  @Test func junitIsReadByARealJUnitConsumer() throws {
    let repo = try failingRepository()
    let file = repo.root + "/report.xml"
    let result = try repo.promptops("check", "--output", file)
    #expect(result.status == 1)
    let script = """
      import sys
      from junitparser import JUnitXml, Failure
      xml = JUnitXml.fromfile(sys.argv[1])
      cases = [(suite.name, case.name, [type(r).__name__ for r in case.result]) for suite in xml for case in suite]
      failed = sorted(f"{s}/{c}" for s, c, r in cases if "Failure" in r)
      print(len(cases), ",".join(failed))
      """
    let parsed = try runProcess(
      try venvTool("python3"), ["-c", script, file], in: repo.root, environment: ProcessInfo.processInfo.environment)
    #expect(parsed.status == 0, "\(parsed.stderr)")
    #expect(
      parsed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(try ruleCount(in: repo)) a/version-not-bumped"
    )
  }

  /// CI asks for reports under a folder that does not exist yet: it is made. A file that cannot
  /// be written at all is an error of its own, after the verdict is printed.
  @Test func outputFoldersAreMadeAndAnUnwritableFileNeverHidesTheVerdict() throws {
    let repo = try failingRepository()
    let nested = repo.root + "/reports/promptops/out.sarif"
    let made = try repo.promptops("check", "--output", nested)
    #expect(made.status == 1, "\(made.stderr)")
    #expect(FileManager.default.fileExists(atPath: nested))

    try "a file, not a folder".write(toFile: repo.root + "/blocked", atomically: true, encoding: .utf8)
    let blocked = try repo.promptops("check", "--output", repo.root + "/blocked/out.xml")
    #expect(blocked.status == 1, "the gate's own verdict (1) stands: \(blocked.stderr)")
    #expect(blocked.stdout.contains("error[version-not-bumped]"), "the verdict is printed: \(blocked.stdout)")
    #expect(blocked.stderr.contains("cannot write \(repo.root)/blocked/out.xml"), "\(blocked.stderr)")
    #expect(!blocked.stderr.contains("NSCocoaErrorDomain"), "\(blocked.stderr)")

    // A passing check with a file it cannot write exits 2: CI needs the file.
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nAnswer briefly, please.\n", version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let passing = try repo.promptops("check", "--output", repo.root + "/blocked/out.xml")
    #expect(passing.status == 2, "\(passing.stdout)\(passing.stderr)")
    #expect(passing.stdout.contains("passed"), "\(passing.stdout)")
  }

  /// A megabyte-long constraint line that a change removed is quoted in part, saying so, in
  /// every format: a report is read in a terminal or a CI log.
  @Test(arguments: ["text", "json", "sarif", "junit", "github", "markdown"])
  func aHugeQuotedLineIsCut(format: String) throws {
    let huge = "You must " + String(repeating: "always cite the refund policy ", count: 35_000) + "."
    let repo = try failingRepository("hugeLine-\(format)", constraint: huge)
    let result = try repo.promptops("check", "--format", format)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stdout.utf8.count < 50_000, "\(format): \(result.stdout.utf8.count) bytes of output")
    #expect(result.stdout.contains("cut:"), "\(format) does not say the quote was cut")
  }

  /// Prompt text in a finding cannot start a workflow command of its own or break a property.
  @Test func githubAnnotationsAreEscapedLikeTheActionsToolkit() throws {
    let repo = try failingRepository(constraint: "You must never print ::error::%0A, not even 100% of it")
    let result = try repo.promptops("check", "--format", "github")
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let annotations = lines.filter { $0.hasPrefix("::") }
    #expect(annotations.count == 2)
    #expect(
      annotations.contains {
        $0.hasPrefix("::error file=prompts/a/prompt-card.yml,line=3,title=promptops version-not-bumped (a)::")
      })
    let warning = try #require(annotations.first { $0.hasPrefix("::warning ") })
    #expect(warning.contains("print ::error::%250A%2C") == false)  // commas are escaped only in properties
    #expect(warning.contains("print ::error::%250A, not even 100%25 of it"))
    // No line other than our own annotations starts a command.
    #expect(lines.filter { $0.hasPrefix("::error::") }.isEmpty)
  }

  @Test func githubAnnotationsAreCappedAndTheSummaryIsWritten() throws {
    let repo = try TempRepo("githubCap")
    for index in 0..<12 {
      try repo.writePrompt("p\(index)", text: "text \(index)\n", version: "1.0.0", changelog: ["1.0.0"])
    }
    try repo.commit()
    for index in 0..<12 { try repo.write("prompts/p\(index)/prompt.txt", "changed \(index)\n") }
    try repo.stage()
    let summary = repo.root + "/summary.md"
    try "existing\n".write(toFile: summary, atomically: true, encoding: .utf8)
    let result = try repo.promptops("check", "--format", "github", environment: ["GITHUB_STEP_SUMMARY": summary])
    #expect(result.status == 1)
    let errors = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::error ") }
    #expect(errors.count == 10)
    #expect(result.stdout.contains("2 more findings not annotated"))
    let written = try String(contentsOfFile: summary, encoding: .utf8)
    #expect(written.hasPrefix("existing\n## ❌ promptops: failed"))
    #expect(written.components(separatedBy: "**version-not-bumped**").count - 1 == 12)
  }

  /// A step summary that cannot be written (a full disk: `/dev/full` opens and refuses every
  /// write) is a warning; the verdict and its exit status stand.
  @Test func aStepSummaryThatCannotBeWrittenLeavesTheVerdict() throws {
    let repo = try failingRepository()
    let failing = try repo.promptops("check", "--format", "github", environment: ["GITHUB_STEP_SUMMARY": "/dev/full"])
    #expect(failing.status == 1, "\(failing.stderr)")
    #expect(failing.stdout.contains("::error "), "\(failing.stdout)")
    #expect(failing.stderr.contains("promptops: warning: cannot write the step summary /dev/full"), "\(failing.stderr)")
    try repo.git("reset", "-q", "--hard")
    let passing = try repo.promptops("check", "--format", "github", environment: ["GITHUB_STEP_SUMMARY": "/dev/full"])
    #expect(passing.status == 0, "\(passing.stderr)")
    #expect(passing.stderr.contains("cannot write the step summary"), "\(passing.stderr)")
  }

  @Test func markdownIsAPullRequestComment() throws {
    let repo = try failingRepository()
    let result = try repo.promptops("check", "--format", "markdown")
    #expect(result.stdout.hasPrefix("## ❌ promptops: failed"))
    #expect(result.stdout.contains("| prompt | version | required bump | status |"))
    #expect(result.stdout.contains("| `a` | 1.0.0 | patch | modified |"))
    #expect(result.stdout.contains("### `a`"))
  }

  @Test func outputWritesAnotherFormatBesideTheOneShown() throws {
    let repo = try failingRepository()
    let json = repo.root + "/r.json"
    let sarif = repo.root + "/r.out"
    let result = try repo.promptops("check", "--output", json, "--output", "sarif:" + sarif)
    #expect(result.status == 1)
    #expect(result.stdout.contains("error[version-not-bumped]"))
    #expect(try String(contentsOfFile: json, encoding: .utf8).contains("\"passed\" : false"))
    #expect(try String(contentsOfFile: sarif, encoding: .utf8).contains("\"version\" : \"2.1.0\""))
    let unknown = try repo.promptops("check", "--output", repo.root + "/r.unknown")
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("FORMAT:FILE"))
  }
}

/// How many rules `promptops rules` lists: every report format describes each of them.
private func ruleCount(in repo: TempRepo) throws -> Int {
  try repo.promptops("rules", "--markdown").stdout.split(separator: "\n").filter { $0.hasPrefix("| `") }.count
}
