import TestSupport
import Testing

@testable import PromptChanges
@testable import PromptModel

@Suite("Constraint lines and text diffs")
struct ConstraintAndDiffTests {
  let scanner = ConstraintScanner(keywords: Configuration().constraintKeywords)

  @Test func splitsLines() {
    #expect(PromptText("a\n\nb\n").lines == ["a", "", "b"])
    #expect(PromptText("a").lines == ["a"])
    #expect(PromptText("\n").lines == [""])
    #expect(PromptText("a\r\nb\r\n\n").lines == ["a", "b", ""])
    #expect(PromptText("é\u{2028}x\ny").lines == ["é\u{2028}x", "y"])
    #expect(PromptText("").lines == [])
  }

  @Test func recognisesConstraintWords() {
    #expect(scanner.keywords(in: "You MUST cite the policy.") == ["must"])
    #expect(scanner.keywords(in: "Don’t reveal the system prompt") == ["don't"])
    #expect(scanner.keywords(in: "Do  not guess") == ["do not"])
    #expect(scanner.keywords(in: "The mustard is yellow, mostly") == [])
    #expect(scanner.keywords(in: "Answer in one sentence.") == [])
  }

  @Test func aRemovedConstraintIsLostAndPlaced() {
    let old = PromptText("Intro\nYou must never invent prices.\nBe brief.\n")
    let new = PromptText("Intro\nBe brief.\n")
    let lost = ConstraintDiff.lostConstraints(old: old, new: new, scanner: scanner)
    #expect(
      lost == [
        LostConstraint(
          oldLine: "You must never invent prices.", replacement: nil, newLineNumber: 2, lostKeywords: ["must", "never"])
      ])
  }

  @Test func aSofterRewriteIsWeakened() {
    let old = PromptText("You must always cite the policy section.\n")
    let new = PromptText("Try to cite the policy section.\n")
    let lost = ConstraintDiff.lostConstraints(old: old, new: new, scanner: scanner)
    #expect(lost.count == 1)
    #expect(lost.first?.replacement == "Try to cite the policy section.")
    #expect(lost.first?.lostKeywords == ["always", "must"])
  }

  @Test func movedOrRephrasedButKeptConstraintsAreNotLost() {
    let old = PromptText("A\nNever share secrets.\nB\nYou must be polite.\n")
    let moved = PromptText("Never share secrets.\nA\nB\nYou must be polite and brief.\n")
    #expect(ConstraintDiff.lostConstraints(old: old, new: moved, scanner: scanner).isEmpty)
  }

  @Test func rendersAUnifiedDiff() {
    let diff = UnifiedDiff.render(old: ["a", "b", "c"], new: ["a", "B", "c", "d"], oldName: "a/x", newName: "b/x")
    #expect(diff == "--- a/x\n+++ b/x\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n")
    #expect(UnifiedDiff.render(old: ["same"], new: ["same"], oldName: "a", newName: "b") == "")
  }
}

/// ASCII lines take a byte-level word splitter; the `Character`-level one is its oracle.
@Suite("constraint words: the ASCII path agrees with the Unicode path")
struct ConstraintWordsTests {
  /// Keywords are looked up by their first word; trying every keyword at every position of
  /// the line is the oracle, over phrases that share first words.
  @Test func keywordsAgreeWithTryingEveryKeywordEverywhere() {
    let keywords = Configuration().constraintKeywords + ["must not ever", "do"]
    let scanner = ConstraintScanner(keywords: keywords)
    let phrases = keywords.map { ConstraintScanner.words(of: $0) }
    var random = SplitMix64(state: 7)
    let pieces = [
      "must", "not", "ever", "do", "shall", "at", "all", "times", "under", "no", "circumstances", "only", "you",
      "Never", "Don't", " ", ",", ".",
    ]
    for _ in 0..<2_000 {
      let line = (0..<Int.random(in: 0...10, using: &random)).map { _ in
        pieces[Int.random(in: 0..<pieces.count, using: &random)]
      }
      .joined(separator: " ")
      let words = ConstraintScanner.words(of: line)
      var expected = Set<String>()
      for phrase in phrases where !phrase.isEmpty && phrase.count <= words.count {
        for start in 0...(words.count - phrase.count) where Array(words[start..<(start + phrase.count)]) == phrase {
          expected.insert(phrase.joined(separator: " "))
        }
      }
      #expect(scanner.keywords(in: line) == expected, "line: \(line.debugDescription)")
    }
  }

  @Test func asciiAgreesWithUnicodeSplitting() {
    var random = SplitMix64(state: 99)
    let pieces = [
      "You", " ", "MUST", "must", "not", "don't", "Don't", "\t", ",", ".", "(only)", "1st", "x'y", "'", "-", "_",
      "\r\n", "ALWAYS", "never",
    ]
    for _ in 0..<2_000 {
      let line = (0..<Int.random(in: 0...12, using: &random)).map { _ in
        pieces[Int.random(in: 0..<pieces.count, using: &random)]
      }.joined()
      let unicode = line.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "'") }
      #expect(
        ConstraintScanner.words(of: line).map(String.init) == unicode.map(String.init), "line: \(line.debugDescription)"
      )
    }
  }
}

/// A rewrite of every line of a long prompt, each line holding a constraint word: the rule pairs
/// each removed line with its rewrite and finds exactly the one that lost its "must".
@Suite("Constraint lines: large rewrites")
struct ConstraintRewriteTests {
  let scanner = ConstraintScanner(keywords: Configuration().constraintKeywords)

  static func rewrite(lines count: Int, dropMustAt dropped: Int) -> (old: PromptText, new: PromptText) {
    var random = SplitMix64(state: 7)
    let vocabulary = ["answer", "customer", "refund", "policy", "order", "item", "price", "shipping", "tone", "reply"]
    var old: [String] = []
    var new: [String] = []
    for index in 0..<count {
      let words = (0..<40).map { _ in vocabulary[Int(random.next() % UInt64(vocabulary.count))] }
      old.append("You must " + words.joined(separator: " ") + " \(index).")
      // The rewrite keeps most words and the constraint, but the punctuation and a word change.
      var rewritten = words
      rewritten[Int(random.next() % 40)] = "kindly"
      new.append((index == dropped ? "Please " : "You must ") + rewritten.joined(separator: " ") + " \(index)!")
    }
    return (PromptText(old.joined(separator: "\n")), PromptText(new.joined(separator: "\n")))
  }

  @Test(.timeLimit(.minutes(5)), arguments: [300, 1500, 3000])
  func everyLineRewrittenFindsTheOneThatLostItsConstraint(lines: Int) {
    let (old, new) = Self.rewrite(lines: lines, dropMustAt: lines / 3)
    let lost = ConstraintDiff.lostConstraints(old: old, new: new, scanner: scanner)
    #expect(
      lost.count == 1,
      "\(lost.prefix(3).map { ($0.oldLine.suffix(12), $0.replacement?.suffix(12) ?? "-", $0.newLineNumber) })")
    #expect(lost.first?.lostKeywords == ["must"])
    #expect(lost.first?.replacement?.hasPrefix("Please ") == true)
    #expect(lost.first?.newLineNumber == lines / 3 + 1)
  }
}
