import Foundation
import TestSupport
import Testing

@testable import PromptChanges
@testable import PromptModel
@testable import PromptTemplates

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
    let pieces = [
      "{", "{{", "}", "}}", " ", "\t", "\n", "a", "Zq", "_", "1", ".", "-", "é", "\u{00A0}", "\u{2003}", "x", "{{ ",
      " }}",
    ]
    var fastPathUsed = 0
    for _ in 0..<3_000 {
      let length = Int.random(in: 1...24, using: &random)
      let text = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
      let expected = scanner.regexVariables(in: text)
      // The byte scanner, where it answers; texts with template syntax beyond `{{ name }}` are
      // the template parser's (see `templateSyntaxIsReadByTheParser`).
      #expect(
        (VariableScanner.defaultPatternVariables(in: text) ?? scanner.regexVariables(in: text)) == expected,
        "text: \(text.debugDescription)")
      if VariableScanner.defaultPatternVariables(in: text) != nil { fastPathUsed += 1 }
    }
    // Most generated texts must take the byte scanner, or this test compares the regex with itself.
    #expect(fastPathUsed > 2_000)
  }

  /// A prompt is a Nunjucks template: tags, filters and expressions are read by the template
  /// parser, so a variable only filtered, tested or looped over still counts, and a loop
  /// variable or a name `{% set %}` gives does not.
  @Test func templateSyntaxIsReadByTheParser() {
    #expect(scanner.variables(in: "Dear {{ name | upper }}") == ["name"])
    #expect(scanner.variables(in: "{% if vip %}VIP {% endif %}Hello {{name}}") == ["vip", "name"])
    #expect(scanner.variables(in: "{% for x in items %}{{ x.title }}{{ loop.index }}{% endfor %}") == ["items"])
    #expect(scanner.variables(in: "{% set who = user.name | default('you') %}Hi {{ who }}") == ["user.name"])
    #expect(scanner.variables(in: "{{ late }}{% set late = 1 %}{{ late }}") == ["late"])
    #expect(scanner.variables(in: "{{- a -}} {{ b if c else d['k'] }} {# {{ commented }} #}") == ["a", "b", "c", "d"])
    // Not a template promptops renders: the byte scanner's reading stands.
    #expect(scanner.variables(in: "{% macro m() %}{{ inner }}{% endmacro %}") == ["inner"])
  }

  /// Texts with nothing but `{{ name }}` placeholders stay on the byte scanner (the fast path of
  /// `check --staged`); anything more goes to the parser.
  @Test func onlyTemplateSyntaxLeavesTheFastPath() {
    func needsParser(_ text: String) -> Bool {
      var text = text
      return text.withUTF8 { bytes in
        NunjucksTemplate.needsParser(
          bytes, simplePlaceholders: VariableScanner.defaultPatternMatches(in: bytes)?.count ?? 0)
      }
    }
    #expect(!needsParser("Hello {{name}}, about {{ topic.id }}.\nBe brief."))
    #expect(!needsParser("No variables at all, {braces} included."))
    #expect(needsParser("{{ name | upper }}"))
    #expect(needsParser("{% if a %}x{% endif %}"))
    #expect(needsParser("{# note #}"))
    #expect(needsParser("{{- name }}"))
  }
}
