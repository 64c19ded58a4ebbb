import TestSupport
import Testing
import Yams

@testable import PromptEvals
@testable import PromptModel

/// Cards and eval suites are composed from libyaml's events by `YAMLValue`; configuration by Yams.
/// Both must see the same document: the same tree, lines and scalar styles, the same canonical
/// text and typed values, and the same complaint at the same line. Yams is the oracle, over
/// generated documents that use the YAML a card or suite may hold and break it on purpose.
@Suite("YAML composer agrees with Yams")
struct YAMLValueTests {
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func generatedDocumentsComposeAsYamsComposesThem(seed: UInt64) {
    var random = SplitMix64(state: seed &* 0x5_DEEC_E66D)
    var failures = 0
    var problems = 0
    for index in 0..<400 {
      var document = YAMLDocumentGenerator(random: random)
      var text = document.mapping(depth: 0, indent: "")
      random = document.random
      if index % 3 == 0 { text = corrupt(text, random: &random) }
      if index % 17 == 0 { text = "\u{FEFF}" + text }
      if index % 29 == 0 { text += "---\nsecond: document\n" }
      let verdict = compare(text)
      if verdict.oracleFailed { problems += 1 }
      if let mismatch = verdict.mismatch {
        failures += 1
        if failures <= 3 { Issue.record("seed \(seed) document \(index): \(mismatch)\n---\n\(text)") }
      }
    }
    #expect(failures == 0)
    // The corruption must really produce broken documents, or half the comparison is idle.
    #expect(problems > 30)
  }

  @Test(arguments: [
    "id: a\nid: b\n",
    "b: 1\na: 2\nb: 3\na: 4\n",
    "list:\n  - &x {k: v}\n  - *x\n  - *missing\n",
    "a: [1, 2\n",
    "a: 'unterminated\n",
    "\"quoted\": \"tab\\tand \\u00e9\"\nplain: yes\n~: null\n",
    "text: |\n  kept\n   indented\n\nfolded: >-\n  one\n  two\n",
    "",
    "# only a comment\n",
    "- just\n- a list\n",
    "a: b: c\n",
    "key: value\n  bad: indent\n",
    "? complex\n: key\n",
  ])
  func edgeCasesComposeAsYamsComposesThem(text: String) {
    let verdict = compare(text)
    #expect(verdict.mismatch == nil, "\(verdict.mismatch ?? "")")
  }

  /// A hostile card nested hundreds or a million levels deep is a problem at its line, never a
  /// stack overflow (libyaml stops at 1,000 levels, the composer at 256).
  @Test(arguments: [300, 1_000_000])
  func deepNestingIsRefused(depth: Int) {
    let text = "id: a\nmodel: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    do {
      _ = try YAMLValue.parse(text)
      Issue.record("a card nested \(depth) levels deep must be refused")
    } catch {
      #expect(error.line == 2)
      #expect(error.message.lowercased().contains("nest"), "\(error.message)")
    }
  }

  /// Nine levels of ten aliases stand for a billion scalars: either parser refuses the document
  /// as it is composed, at the alias that runs past the alias budget (`YAMLAliasBudget`), rather
  /// than leave a value that every later walk would have to stop in. Values within the budget
  /// but past a walk's own bound stay errors there (below, and `theBoundsAreExact`).
  @Test(.timeLimit(.minutes(5))) func aBillionLaughsIsAnErrorNotATruncatedValue() throws {
    func ladder(_ levels: Int) -> String {
      var text = "a0: &a0 lol\n"
      for level in 1...levels {
        text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ",") + "]\n"
      }
      return text
    }
    let valueError = #expect(throws: YAMLProblem.self) { _ = try YAMLValue.parse(ladder(9)) }
    let nodeError = #expect(throws: YAMLProblem.self) { _ = try YAMLSource.parse(ladder(9)) }
    // a1…a5 are charged 123,450 values; the first alias of a6 (111,111 more) runs out, on line 7.
    #expect(valueError?.line == 7)
    #expect(nodeError?.line == 7)
    #expect(
      valueError?.message.contains("its aliases expand it past 200000 values") == true,
      "\(String(describing: valueError))")
    #expect(nodeError?.message == valueError?.message)
    // Four levels (10,000 scalars) are within every bound, and read whole.
    let small = try #require(try YAMLValue.parse(ladder(4))?["a4"])
    #expect(try small.canonicalText().utf8.count == 10_000 * "lol".count + 1_111 * "[,,,,,,,,,]".count)
    guard case .array(let items) = try small.jsonValue() else {
      Issue.record("a4 is a list")
      return
    }
    #expect(items.count == 10)
    #expect(try YAMLSource.parse(ladder(4))?["a4"]?.canonicalText() == small.canonicalText())
  }

  /// A key that aliases blow up cannot be named (nor checked for duplicates): the document is
  /// refused at the key's line, by the composer and by the card reader.
  @Test(.timeLimit(.minutes(5))) func aKeyTooLargeToNameIsRefusedAtItsLine() throws {
    let ladder =
      "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
      + "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    do {
      _ = try YAMLValue.parse("id: a\n" + ladder + "? *e\n: 1\n", lineOffset: 2)
      Issue.record("a key past the bound must be refused")
    } catch {
      #expect(error.line == 8, "the key `*e` stands where its anchor is: line 6, plus the offset of 2")
      #expect(error.message == "invalid YAML: a key expands past 65536 characters (YAML aliases?)")
    }
    // A changelog entry of one such key (one key: no duplicate check in the composer).
    let card = PromptCard.parse(
      "id: a\ndescription: d\nversion: 1.0.0\nchangelog:\n  - {? [&p [x,x,x,x,x,x,x,x,x], &q [*p,*p,*p,*p,*p,*p,*p,*p,*p], "
        + "&r [*q,*q,*q,*q,*q,*q,*q,*q,*q], &s [*r,*r,*r,*r,*r,*r,*r,*r,*r], &t [*s,*s,*s,*s,*s,*s,*s,*s,*s]] : 1}\n",
      file: "p/prompt-card.yml")
    #expect(card.problems.map(\.line) == [5], "\(card.problems)")
    #expect(
      card.problems.first?.message == "a key of this `changelog` entry expands past 65536 characters (YAML aliases?)")
  }

  /// The bounds are exact: a value of exactly the bound reads, one unit more does not.
  @Test func theBoundsAreExact() throws {
    // A list of n one-letter scalars costs 1 + 2n characters.
    func list(_ count: Int) throws -> YAMLValue {
      try #require(try YAMLValue.parse("[" + Array(repeating: "x", count: count).joined(separator: ",") + "]"))
    }
    #expect(try list(32_767).canonicalText().utf8.count == 65_535)
    #expect(throws: YAMLExpansionLimit.self) { _ = try list(32_768).canonicalText() }
    // And one value per scalar plus the list's own.
    #expect(throws: Never.self) { _ = try list(199_999).jsonValue() }
    #expect(throws: YAMLExpansionLimit.self) { _ = try list(200_000).jsonValue() }
  }

  /// How an unquoted scalar is typed for suites (YAML 1.2's core schema, as promptfoo reads it).
  @Test(
    arguments: [
      ("", JSONValue.null), ("~", .null), ("null", .null), ("NULL", .null), ("true", .bool(true)),
      ("False", .bool(false)),
      ("yes", .string("yes")), ("42", .integer(42)), ("-3", .integer(-3)), ("+7", .integer(7)), ("0.8", .number(0.8)),
      ("+1.5", .number(1.5)), (".5", .number(0.5)), ("1e3", .number(1000)), ("1.10", .number(1.1)),
      ("1.2.0", .string("1.2.0")),
      ("2026-11-25", .string("2026-11-25")), (".inf", .string(".inf")), ("nan", .string("nan")),
      ("1_000", .string("1_000")),
      ("v2", .string("v2")), ("٣", .string("٣")),
    ] as [(String, JSONValue)])
  func plainScalarsAreTypedAsTheCoreSchemaTypesThem(text: String, expected: JSONValue) throws {
    #expect(JSONValue(plainYAMLScalar: text) == expected)
    // Quoted, the same text stays text.
    let quoted = try #require(try YAMLValue.parse("value: '\(text)'\n")?["value"])
    #expect(try quoted.jsonValue() == .string(text))
  }

  @Test func aFrontMatterOffsetShiftsTheProblemLine() {
    #expect(throws: Never.self) { _ = try YAMLValue.parse("id: a\n", lineOffset: 5) }
    do {
      _ = try YAMLValue.parse("id: a\nid: b\n", lineOffset: 5)
      Issue.record("a duplicate key must be refused")
    } catch {
      #expect(error.line == 6)
    }
  }

  // MARK: - Helpers

  private struct Verdict {
    var mismatch: String?
    var oracleFailed = false
  }

  private func compare(_ text: String) -> Verdict {
    let oracle: Result<Node?, YAMLProblem>
    do { oracle = .success(try YAMLSource.parse(text)) } catch { oracle = .failure(error) }
    let composed: Result<YAMLValue?, YAMLProblem>
    do { composed = .success(try YAMLValue.parse(text)) } catch { composed = .failure(error) }

    switch (oracle, composed) {
    case (.success(let node), .success(let value)):
      switch (node, value) {
      case (nil, nil): return Verdict()
      case (let node?, let value?):
        if let found = difference(node, value, path: "$") { return Verdict(mismatch: found) }
        do {
          // Both trees go through the one canonical writer; their shapes must give the same text.
          let (valueText, nodeText) = (try value.canonicalText(), try node.canonicalText())
          guard nodeText == valueText else {
            return Verdict(mismatch: "canonical text '\(valueText)', Yams '\(nodeText)'")
          }
          // Suites read typed values (`threshold: 0.8`, `value: "0.8"`) through the one reading.
          let (valueJSON, nodeJSON) = (try value.jsonValue(), try node.jsonValue())
          guard nodeJSON == valueJSON else {
            return Verdict(mismatch: "typed value \(valueJSON.canonicalJSON), Yams \(nodeJSON.canonicalJSON)")
          }
        } catch {
          return Verdict(mismatch: "a small document \(error)")
        }
        return Verdict()
      default:
        return Verdict(
          mismatch: "one empty document: Yams \(String(describing: node)), composed \(String(describing: value))")
      }
    case (.failure(let expected), .failure(let actual)):
      let same = expected.line == actual.line && expected.message == actual.message
      return Verdict(
        mismatch: same ? nil : "problems differ: Yams \(expected) vs composed \(actual)", oracleFailed: true)
    case (.failure(let expected), .success):
      return Verdict(mismatch: "Yams refused (\(expected)) what was composed", oracleFailed: true)
    case (.success, .failure(let actual)):
      return Verdict(mismatch: "composer refused (\(actual)) what Yams read")
    }
  }

  private func difference(_ node: Node, _ value: YAMLValue, path: String) -> String? {
    if node.line != value.line { return "\(path): line \(value.line), Yams \(node.line)" }
    switch (node, value.content) {
    case (.scalar(let scalar), .scalar(let text, let plain)):
      if scalar.string != text { return "\(path): '\(text)', Yams '\(scalar.string)'" }
      if (scalar.style == .plain) != plain { return "\(path): plain \(plain), Yams \(scalar.style)" }
      return nil
    case (.sequence(let items), .sequence(let values)):
      guard items.count == values.count else { return "\(path): \(values.count) items, Yams \(items.count)" }
      for (offset, pair) in zip(items, values).enumerated() {
        if let found = difference(pair.0, pair.1, path: "\(path)[\(offset)]") { return found }
      }
      return nil
    case (.mapping(let mapping), .mapping(let pairs)):
      let expected = Array(mapping)
      guard expected.count == pairs.count else { return "\(path): \(pairs.count) pairs, Yams \(expected.count)" }
      for (offset, pair) in zip(expected, pairs).enumerated() {
        if let found = difference(pair.0.key, pair.1.key, path: "\(path).key\(offset)") { return found }
        if let found = difference(
          pair.0.value, pair.1.value, path: "\(path).\(pair.1.key.scalarString ?? "key\(offset)")")
        {
          return found
        }
      }
      return nil
    default:
      return "\(path): \(value.content), Yams \(node)"
    }
  }

  /// Deletes, duplicates or inserts one character, as a bad edit would.
  private func corrupt(_ text: String, random: inout SplitMix64) -> String {
    var characters = Array(text)
    guard !characters.isEmpty else { return text }
    let position = Int(random.next() % UInt64(characters.count))
    switch random.next() % 3 {
    case 0: characters.remove(at: position)
    case 1: characters.insert(characters[position], at: position)
    default:
      characters.insert(
        [":", "\"", "'", "[", "{", "&", "*", " ", "\t", "-", "#", "|"][Int(random.next() % 12)], at: position)
    }
    return String(characters)
  }
}

/// Card-like YAML with the constructs a card may use: plain and quoted scalars (with escapes),
/// block and flow collections, literal and folded blocks, comments, anchors and aliases, and
/// keys that sometimes repeat.
private struct YAMLDocumentGenerator {
  var random: SplitMix64
  var anchors: [String] = []

  private static let keys = [
    "id", "description", "version", "tags", "model", "changelog", "owners", "changes", "date", "name", "threshold",
    "value",
  ]
  private static let plains = [
    "support-agent", "1.2.0", "v2.0.0-rc.1", "1.10", "null", "~", "yes", "Answer politely", "a b  c",
    "2026-11-25", "0x1F", "-dash", "trailing ", "é ü 漢字", "50%", "x#y",
    // What a suite's typed reading turns into numbers and booleans.
    "0.8", "42", "-3", "+1.5", ".5", "1e3", "true", "False",
  ]

  init(random: SplitMix64) { self.random = random }

  private mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
  private mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

  mutating func mapping(depth: Int, indent: String) -> String {
    var text = ""
    for _ in 0..<(2 + Int(random.next() % 5)) {
      if chance(8) { text += indent + "# a comment\n" }
      let key = chance(10) ? "\"\(pick(Self.keys))\"" : pick(Self.keys)
      text += indent + key + ":" + value(depth: depth, indent: indent) + "\n"
    }
    return text
  }

  private mutating func value(depth: Int, indent: String) -> String {
    let inner = indent + "  "
    switch random.next() % (depth < 2 ? 10 : 6) {
    case 0: return " " + pick(Self.plains)
    case 1: return " '" + pick(Self.plains).replacingOccurrences(of: "'", with: "''") + " it''s'"
    case 2: return " \"" + pick(["tab\\there", "quote \\\"x\\\"", "\\u00e9t\\u00e9", "line\\nbreak", "plain"]) + "\""
    case 3:
      return " " + pick(["|", "|-", ">", ">+"]) + "\n" + inner + "first line\n" + inner + "  indented more\n" + inner
        + "last"
    case 4:
      return " ["
        + (0..<Int(random.next() % 4)).map { _ in pick(Self.plains.filter { !$0.contains("#") && !$0.hasSuffix(" ") }) }
        .joined(separator: ", ") + "]"
    case 5:
      if let anchor = anchors.last, chance(50) { return " *" + anchor }
      return " {name: " + pick(["gpt-4o", "llama", "'quoted'"]) + ", temperature: 0.2}"
    case 6, 7:
      var text = ""
      if chance(20) {
        let anchor = "a\(anchors.count)"
        anchors.append(anchor)
        text += " &" + anchor
      }
      return text + "\n" + mapping(depth: depth + 1, indent: inner).dropLast()
    default:
      var text = ""
      for _ in 0..<(1 + Int(random.next() % 3)) {
        if chance(50) {
          text += "\n" + inner + "- " + pick(Self.plains)
        } else {
          let entry = mapping(depth: depth + 1, indent: inner + "  ")
          text += "\n" + inner + "- " + entry.dropFirst(inner.count + 2).dropLast()
        }
      }
      return text
    }
  }
}
