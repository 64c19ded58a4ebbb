import Foundation
import TestSupport
import Testing

@testable import PromptModel

/// YAML 1.1's merge key (`<<: *defaults`) is applied by the readers prompt cards and suites are
/// written for (PyYAML's `safe_load`, js-yaml in promptfoo), so `YAMLValue` applies it too: a
/// card whose `model` arrives through `<<` must read as that model here as well. PyYAML is the
/// oracle, over a corpus of merge-key documents and generated ones, compared as JSON (or as the
/// line of the error both refuse the document at).
///
/// Where the mappings of a `<<` list disagree on a key, readers disagree too (the merge key's
/// specification and js-yaml take the earlier value, PyYAML 6.0.2 and later the later one, or the
/// earlier one for a key of a single character, which CPython interns): such a document is
/// refused, whatever PyYAML reads; so is a mapping with two `<<` keys. Keys are longer than a character, so the rest of PyYAML's
/// reading does not depend on interning.
@Suite("YAML merge keys as PyYAML applies them")
struct YAMLMergeKeyTests {
  static let corpus: [String] = [
    "<<: {model: openai:gpt-5}\nid: a\n",
    "id: a\n<<: {model: openai:gpt-5}\n",
    "defaults: &d {model: m1, temperature: 0}\ncard:\n  <<: *d\n  id: c\n",
    "defaults: &d {model: m1, id: x}\ncard:\n  id: c\n  <<: *d\n",
    "card:\n  model: mine\n  <<: {model: theirs, b: 2}\n",
    "card:\n  <<: {model: theirs, b: 2}\n  model: mine\n",
    "one: &one {aa: 1, bb: 1}\ntwo: &two {bb: 2, cc: 2}\nboth:\n  <<: [*one, *two]\n  bb: mine\n",
    "one: &one {aa: 1, bb: 1}\ntwo: &two {bb: 2, cc: 2}\nboth:\n  <<: [*one, *two]\n",
    "one: &one {aa: 1, bb: 1}\ntwo: &two {bb: 1, cc: 2}\nboth:\n  <<: [*two, *one]\n",
    "one: &one {a: 1}\nall:\n  <<: [*one, {a: 2, z: 26}, {z: 0, y: 25}]\n  y: mine\n",
    "base: &b {aa: 1, <<: {bb: 2, aa: 0}}\nchild: {<<: *b, cc: 3}\n",
    "x: &x {a: 1}\ny: &y {<<: *x, b: 2}\nz: {<<: *y, c: 3}\n",
    "merged: {<<: {}}\n",
    "merged: {<<: [], a: 1}\n",
    "quoted: {\"<<\": {a: 1}}\n",
    "single: {'<<': {a: 1}, b: 2}\n",
    "tagged: {!!str <<: {a: 1}}\n",
    "nonspecific: {! <<: {a: 1}}\n",
    "explicit: {!!merge \"<<\": {a: 1}, b: 2}\n",
    "first: {&m <<: {aa: 1}, bb: 2}\nagain:\n  *m : {cc: 3}\n  bb: 4\n",
    "tests:\n  - &t\n    vars: {q: one}\n    assert: [{type: equals, value: one}]\n  - <<: *t\n    vars: {q: two}\n",
    "nested:\n  inner:\n    <<:\n      deep: {x: 1}\n      flat: 2\n    flat: 3\n",
    "- a\n- <<: {b: 1}\n  c: 2\n",
    "defaults: &d\n  - {a: 1}\n  - {b: 2}\nuse:\n  <<: *d\n",
    "scalar:\n  <<: 5\n",
    "empty:\n  a: 1\n  <<:\n",
    "null:\n  <<: null\n",
    "text:\n  <<: \"a mapping in quotes\"\n",
    "list:\n  a: 1\n  <<:\n    - {b: 1}\n    - not a mapping\n",
    "nest:\n  <<: [[{a: 1}]]\n",
    "d: &d word\nuse:\n  <<: *d\n",
    "twice:\n  <<: {a: 1}\n  b: 2\n  <<: {a: 2}\n",
  ]

  @Test func theCorpusReadsAsPyYAMLReadsIt() throws {
    try compare(Self.corpus)
  }

  /// Documents of anchored defaults, lists of them and inline mappings, merged into mappings
  /// whose own keys overlap them before and after the `<<`.
  @Test(arguments: [21, 22, 23] as [UInt64])
  func generatedDocumentsReadAsPyYAMLReadsThem(seed: UInt64) throws {
    var random = SplitMix64(state: seed &* 0x3E_26E5)
    let keys = ["model", "temperature", "top_p", "seed", "max_tokens"]
    func mapping(_ random: inout SplitMix64, prefix: String) -> String {
      let chosen = keys.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))
      return "{" + chosen.map { "\($0): \(prefix)\(Int.random(in: 0...9, using: &random))" }.joined(separator: ", ")
        + "}"
    }
    var documents: [String] = []
    for _ in 0..<150 {
      var text = ""
      let anchors = Int.random(in: 1...3, using: &random)
      for index in 0..<anchors {
        text += "d\(index): &d\(index) \(mapping(&random, prefix: "v\(index)_"))\n"
      }
      for use in 0..<Int.random(in: 1...3, using: &random) {
        let own = keys.shuffled(using: &random).prefix(Int.random(in: 0...3, using: &random))
        let mergeAt = Int.random(in: 0...own.count, using: &random)
        let merge: String
        switch Int.random(in: 0...3, using: &random) {
        case 0: merge = "*d\(Int.random(in: 0..<anchors, using: &random))"
        case 1:
          merge =
            "["
            + (0..<Int.random(in: 1...3, using: &random)).map { _ in
              Bool.random(using: &random)
                ? "*d\(Int.random(in: 0..<anchors, using: &random))" : mapping(&random, prefix: "i")
            }.joined(separator: ", ") + "]"
        case 2: merge = mapping(&random, prefix: "m")
        default: merge = Bool.random(using: &random) ? "plain" : "[*d0, oops]"
        }
        var lines = own.map { "  \($0): own\(use)" }
        lines.insert("  <<: \(merge)", at: mergeAt)
        text += "use\(use):\n" + lines.joined(separator: "\n") + "\n"
      }
      documents.append(text)
    }
    try compare(documents)
  }

  /// What `safe_load` makes of each document, as JSON, or the 1-based line of its error.
  static let oracle = """
    import json, sys, yaml
    out = []
    for text in json.load(sys.stdin):
        try:
            out.append({'ok': yaml.safe_load(text)})
        except yaml.MarkedYAMLError as error:
            out.append({'error': error.problem, 'line': error.problem_mark.line + 1})
    print(json.dumps(out))
    """

  func compare(_ documents: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let verdicts = try PythonOracle.answers(
      of: Self.oracle, to: .array(documents.map { .string($0) }), package: "PyYAML")
    guard verdicts.count == documents.count else {
      Issue.record("PyYAML answered \(verdicts.count) of \(documents.count)", sourceLocation: sourceLocation)
      return
    }
    var merged = 0
    var refused = 0
    var ambiguous = 0
    var mismatches = 0
    func mismatch(_ message: String) {
      mismatches += 1
      if mismatches <= 5 { Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation) }
    }
    for (text, verdict) in zip(documents, verdicts) {
      let mine: JSONValue
      do {
        mine = try YAMLValue.parse(text).map { try $0.jsonValue() } ?? .null
      } catch let problem as YAMLProblem {
        refused += 1
        if problem.message.contains("YAML readers differ on which one wins")
          || problem.message.contains("duplicate key '<<'")
        {
          ambiguous += 1
          continue
        }
        if verdict["line"] != .integer(Int64(problem.line ?? 0)) {
          mismatch(
            "PyYAML reads \(verdict), promptops refuses at line \(problem.line ?? 0): \(problem.message)\n\(text)")
        }
        continue
      }
      merged += 1
      if verdict["ok"] != mine { mismatch("PyYAML reads \(verdict), promptops \(mine.canonicalJSON)\n\(text)") }
    }
    #expect(mismatches == 0, sourceLocation: sourceLocation)
    // Both halves of the comparison ran.
    #expect(
      merged > 5 && refused > ambiguous && ambiguous > 0,
      "\(merged) read, \(refused) refused (\(ambiguous) as ambiguous)", sourceLocation: sourceLocation)
  }

  /// Merged content is paid for like any alias: thirty levels that each merge the level below
  /// twice stay small once merged (the keys agree), but their aliases are charged in full, so the
  /// document is refused at the alias budget instead of being walked 2^30 times.
  @Test func mergedAliasesAreChargedToTheAliasBudget() {
    var text = "a0: &a0 {k0: v}\n"
    for level in 1...30 { text += "a\(level): &a\(level) {<<: [*a\(level - 1), *a\(level - 1)], k\(level): v}\n" }
    do {
      _ = try YAMLValue.parse(text)
      Issue.record("thirty levels of doubled merges must run past the alias budget")
    } catch {
      #expect(error.message.contains("billion laughs"), "\(error.message)")
      #expect((2...31).contains(error.line ?? 0), "\(error.line ?? 0)")
    }
  }
}
