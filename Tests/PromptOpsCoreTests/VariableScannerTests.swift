import Foundation
import Testing
import TestSupport

@testable import PromptOpsCore

/// The default variable pattern is matched by a byte scanner; ICU's regular expression engine is
/// the oracle it must agree with.
@Suite("Template variables")
struct VariableScannerTests {
  let scanner = VariableScanner(pattern: Configuration.defaultVariablePattern)

  @Test func findsBothSpellings() {
    #expect(scanner.variables(in: "Hi {{name}}, about {{ topic }} and {{\tcase.id }}") == ["name", "topic", "case.id"])
    #expect(scanner.variables(in: "{{{inner}}} {{ 1bad }} {{ok-2}} {{ }} {{a b}}") == ["inner", "ok-2"])
    #expect(scanner.variables(in: "no variables") == [])
  }

  @Test(arguments: [1, 2, 3])
  func agreesWithTheRegularExpression(seed: UInt64) {
    var random = SplitMix64(state: seed)
    let pieces = ["{", "{{", "}", "}}", " ", "\t", "\n", "a", "Zq", "_", "1", ".", "-", "é", "\u{00A0}", "\u{2003}", "x", "{{ ", " }}"]
    var fastPathUsed = 0
    for _ in 0..<3_000 {
      let length = Int.random(in: 1...24, using: &random)
      let text = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
      let expected = scanner.regexVariables(in: text)
      #expect(scanner.variables(in: text) == expected, "text: \(text.debugDescription)")
      if VariableScanner.defaultPatternVariables(in: text) != nil { fastPathUsed += 1 }
    }
    // Most generated texts must take the byte scanner, or this test compares the regex with itself.
    #expect(fastPathUsed > 2_000)
  }

  /// Rendering takes the byte scanner for the default pattern; the same pattern spelled so that
  /// only the regular expression can run it is the oracle.
  @Test(arguments: [4, 5])
  func renderingAgreesWithTheRegularExpression(seed: UInt64) {
    var random = SplitMix64(state: seed)
    let pieces = ["{", "{{", "}", "}}", " ", "\t", "\n", "a", "Zq", "_", "name", "x.y", "-", "é", "\u{00A0}", "{{ ", " }}", "漢", "{{name}}", "{{ a }}", "{{x.y}}", "{{missing}}"]
    let vars: [String: JSONValue] = [
      "a": .string("A"), "name": .string("Ada"), "x": .object(["y": .string("nested")]), "Zq": .integer(7), "_": .string("é"),
    ]
    let fast = PromptTemplate(text: "", variablePattern: Configuration.defaultVariablePattern)
    let oraclePattern = Configuration.defaultVariablePattern + "(?:)"
    var rendered = 0
    for _ in 0..<3_000 {
      let length = Int.random(in: 1...20, using: &random)
      let text = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
      let template = PromptTemplate(text: text, variablePattern: fast.pattern)
      let oracle = PromptTemplate(text: text, variablePattern: oraclePattern)
      let expected = Result { () throws(PromptTemplate.MissingVariable) in try oracle.render(vars) }
      let actual = Result { () throws(PromptTemplate.MissingVariable) in try template.render(vars) }
      #expect(actual == expected, "text: \(text.debugDescription)")
      if case .success(let output) = actual, output != text { rendered += 1 }
    }
    // Many texts must really substitute something, or the comparison is idle.
    #expect(rendered > 300)
  }
}
