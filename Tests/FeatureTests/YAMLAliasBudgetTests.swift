import Foundation
import Testing

@testable import PromptApprovals
@testable import PromptEvals
@testable import PromptModel

/// YAML aliases are charged what they stand for when a document is composed, and past a budget
/// the document is refused at the alias's line: each walk of a value was bounded before, but a
/// file could make many walks (a key per line naming a large anchor, a test per line using one
/// as `vars`, a line of JSON Lines each expanding to the limit), and Yams' duplicate-key check
/// hashes every key in full. Found by the `FuzzConfiguration` and `FuzzEvalSuite` fuzz targets:
/// a 515-byte `.promptops.yml` kept `promptops check` busy for minutes.
@Suite("YAML alias budget")
struct YAMLAliasBudgetTests {
  /// `count` mapping keys, from line `firstLine` on, each a list of the ladder's last anchor
  /// (`*l4`: 6,561 scalars, 7,381 values) and a number, so that no two are equal.
  static func aliasKeys(_ count: Int, value: String) -> String {
    (1...count).map { "  ? [*l4, \($0)]\n  : \(value)\n" }.joined()
  }

  static let message =
    "invalid YAML: its aliases expand it past 200000 values (a \"billion laughs\" file?); "
    + "write the values out, or refer to large anchors less often"

  /// The ladder (`aliasLadder(levels: 4)`, on line 2) is charged 8,289 values and each key
  /// 7,381: the 26th key, on line 2 + 2 × 26, is the one past 200,000.
  static let firstKeyPastTheBudget = 2 + 2 * 26

  @Test(.timeLimit(.minutes(5))) func configurationKeysNamingLargeAnchorsAreRefused() {
    let text = "rules:\n  ? \(aliasLadder(levels: 4))\n  : error\n" + Self.aliasKeys(300, value: "error")
    #expect {
      _ = try Configuration.parse(text)
    } throws: { error in
      guard case .invalidConfiguration(let file, let line, let message) = error as? PromptOpsError else { return false }
      return file == ".promptops.yml" && line == Self.firstKeyPastTheBudget && message == Self.message
    }
  }

  @Test(.timeLimit(.minutes(5))) func approvalRecordKeysNamingLargeAnchorsAreRefused() {
    let text = """
      prompt_id: a
      version: 1.0.0
      sha256: \(String(repeating: "0", count: 64))
      environment: merge
      reviewer: a@example.com
      role: owner
      decision: approved
      reviewed_at: 2026-02-03T04:05:06Z
      checklist:
        ? \(aliasLadder(levels: 4))
        : true

      """ + Self.aliasKeys(300, value: "true")
    let error = #expect(throws: ApprovalError.self) { try ApprovalRecord.parse(text, file: "r.yml") }
    #expect(error == .record(file: "r.yml", line: 8 + Self.firstKeyPastTheBudget, message: Self.message))
  }

  /// The composer behind cards and suites: many keys, each within the bound a key may expand to.
  @Test(.timeLimit(.minutes(5))) func composedKeysNamingLargeAnchorsAreRefused() {
    let text = "model:\n  ? \(aliasLadder(levels: 4))\n  : x\n" + Self.aliasKeys(300, value: "x")
    let error = #expect(throws: YAMLProblem.self) { _ = try YAMLValue.parse(text, lineOffset: 1) }
    #expect(error?.line == 1 + Self.firstKeyPastTheBudget)
    #expect(error?.message == Self.message)
    let card = PromptCard.parse("id: a\ndescription: d\nversion: 1.0.0\n" + text, file: "a/prompt-card.yml")
    #expect(card.card == nil)
    #expect(card.problems.map(\.line) == [3 + Self.firstKeyPastTheBudget], "\(card.problems)")
  }

  /// Tests that each use a large anchor as `vars`, each within the bound of one value.
  @Test(.timeLimit(.minutes(5))) func suiteTestsEachUsingALargeAnchorAreRefused() {
    let suite =
      "providers: [echo]\ndefaultTest:\n  vars: {pad: \(aliasLadder(levels: 4))}\ntests:\n"
      + String(repeating: "  - vars: {v: [*l4, *l4, *l4]}\n", count: 40)
    let loader = SuiteLoader(
      read: { $0 == "s.yml" ? Array(suite.utf8) : nil }, list: { _ in [] }, settings: EvalSettings())
    #expect {
      _ = try loader.load(path: "s.yml")
    } throws: { error in
      // 8,289 for the ladder, then 22,143 per test: the ninth test (line 4 + 9) runs out.
      guard let problem = error as? SuiteProblem else { return false }
      return problem.file == "s.yml" && problem.line == 13 && problem.message == Self.message
    }
  }

  /// Lines of JSON Lines share one budget: each line alone is within it, three are not.
  @Test(.timeLimit(.minutes(5))) func testFileLinesShareOneBudget() throws {
    let line = "{\"vars\": {\"v\": \(aliasLadder(levels: 5))}}\n"
    let files = [
      "s.yml": "providers: [echo]\ntests: file://t.jsonl\n",
      "t.jsonl": line + line + line,
      "one.yml": "providers: [echo]\ntests: file://one.jsonl\n",
      "one.jsonl": line,
    ]
    let loader = SuiteLoader(read: { files[$0].map { Array($0.utf8) } }, list: { _ in [] }, settings: EvalSettings())
    #expect(
      try loader.load(path: "one.yml").tests.count == 1, "one line (74,718 values of aliases) is within the budget")
    #expect {
      _ = try loader.load(path: "s.yml")
    } throws: { error in
      guard let problem = error as? SuiteProblem else { return false }
      return problem.file == "t.jsonl" && problem.line == 3 && problem.message == Self.message
    }
  }

  /// Aliases of modest anchors, as teams write them (a shared assertion list), stay readable.
  @Test func ordinaryAliasesAreWithinTheBudget() throws {
    var suite = "providers: [echo]\ncommon: &common\n  - {type: not-contains, value: As an AI language model}\n"
    suite +=
      "  - {type: llm-rubric, value: \(String(repeating: "Answers politely and cites the policy. ", count: 40))}\ntests:\n"
    for index in 0..<500 { suite += "  - {vars: {q: question \(index)}, assert: *common}\n" }
    let loader = SuiteLoader(
      read: { $0 == "s.yml" ? Array(suite.utf8) : nil }, list: { _ in [] }, settings: EvalSettings())
    let loaded = try loader.load(path: "s.yml")
    #expect(loaded.tests.count == 500)
    #expect(loaded.tests.allSatisfy { $0.assertions.count == 2 })
  }
}
