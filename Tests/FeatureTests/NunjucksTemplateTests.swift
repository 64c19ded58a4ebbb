import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel
@testable import PromptTemplates

/// promptfoo renders prompts with Nunjucks (`src/util/templates.ts`, `autoescape: false`). Jinja2,
/// from the test venv, renders the subset both share alike, and is the oracle here, adapted for
/// the differences that are documented (docs/evals.md, "Templates"): values print as JavaScript prints
/// them (`true`, `1`, `a,b`, nothing for null), `dump` is JSON.stringify (Jinja2 has `tojson`,
/// which escapes HTML), and templates keep their last newline (`keep_trailing_newline`).
@Suite("Nunjucks templates: rendering agrees with Jinja2, and what differs is refused or pinned")
struct NunjucksTemplateTests {
  static let vars: [String: JSONValue] = [
    "name": .string("ada lovelace"), "vip": .bool(true), "guest": .bool(false), "count": .integer(3),
    "zero": .integer(0),
    "items": .array([.string("tea"), .string("cake"), .string("jam")]), "blank": .string(""),
    "spaced": .string("  padded text \n"),
    "user": .object(["name": .string("Grace"), "langs": .array([.string("en"), .string("fr")])]), "price": .number(2.5),
    "nothing": .null, "words": .string("hello-world and more"),
  ]

  /// Templates whose rendering both engines agree on (each exercising one construct).
  static let table: [String] = [
    "Hello {{ name }}!", "{{name}}", "{{ name | upper }}", "{{ name | capitalize }}", "{{ name|upper|lower }}",
    "{% if vip %}Dear {{ name }}{% else %}Hi{% endif %}", "{% if guest %}G{% elif vip %}V{% else %}N{% endif %}",
    "{% if not guest and vip %}yes{% endif %}", "{% if guest or zero %}x{% else %}y{% endif %}",
    "{% for x in items %}[{{ loop.index }}:{{ x }}]{% endfor %}",
    "{% for x in items %}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{% endfor %}",
    "{% for x in missing %}a{% else %}none{% endfor %}", "{% for x in user.langs %}{{ x }},{% endfor %}",
    "{{ items | join(', ') }}", "{{ items | join }}", "{{ items | length }}", "{{ name | length }}",
    "{{ items | first }}{{ items | last }}",
    "{{ name | replace('a', 'A') }}", "{{ name | replace('a', '-', 1) }}", "{{ spaced | trim }}|",
    "{{ missing | default('friend') }}",
    "{{ missing | d('x') }}", "{{ blank | default('empty', true) }}", "{{ blank | default('kept') }}|",
    "{{ user.name }}", "{{ user['name'] }}",
    "{{ items[1] }}", "{{ count + 1 }}", "{{ count - 1 }}", "{{ count * 2 }}", "{{ count / 2 }}", "{{ count // 2 }}",
    "{{ count % 2 }}",
    "{{ 'x' ~ name }}", "{{ name ~ '!' }}", "{{ price }}", "{{ count > 2 }}", "{{ count == 3 }}",
    "{{ name == 'ada lovelace' }}",
    "{{ 'tea' in items }}", "{{ 'ada' in name }}", "{{ 'x' not in items }}", "{{ vip }}", "{{ nothing }}|",
    "{{ zero }}",
    "a {# a comment #}b", "line\n  {%- if vip %} trimmed{% endif -%}  \n end", "{{- name -}}", "  {{- name }}  ",
    "{% raw %}{{ name }}{% endraw %}",
    "{% set greeting = 'Hi ' ~ name %}{{ greeting }}", "{% set n = count * 2 %}{{ n }}", "{{ 'yes' if vip else 'no' }}",
    "{{ 'yes' if guest }}|", "{{ user.missing | default('none') }}", "{{ items | dump }}", "{{ user.langs | dump }}",
    "{{ 'a\"b' | dump }}",
    "{{ count | dump }}", "{{ name | dump }}", "{{ [1, 2] | dump }}", "{{ {'k': 1} | dump }}",
    "{{ items | reverse | join('/') }}",
    "{{ -count }}", "{{ (count + 1) * 2 }}",
    "{{ count is defined }}{{ missing is defined }}{{ missing is undefined }}{{ nothing is none }}",
    "{{ '%d items' }}", "{{ \"double\" }}{{ 'it\\'s' }}", "{{ true }}{{ false }}", "{{ 1.5 + 1 }}", "{{ 10 / 4 }}",
    "{% for x in items %}{% if loop.first %}{{ x | upper }}{% else %}, {{ x }}{% endif %}{% endfor %}",
    "Multi\nline {{ name }}\n{% if vip %}\nVIP\n{% endif %}\nend\n",
  ]

  /// A Python program that renders each `[template, vars]` with Jinja2 the way Nunjucks would
  /// print, or reports the error.
  static let oracle = """
    import json, sys, math
    import jinja2

    def js(value):
        if value is None or isinstance(value, jinja2.Undefined):
            return ''
        if value is True:
            return 'true'
        if value is False:
            return 'false'
        if isinstance(value, float):
            if value == int(value) and abs(value) < 1e21:
                return str(int(value))
            return repr(value)
        if isinstance(value, list):
            return ','.join(js(item) for item in value)
        return value

    def dump(value, indent=None):
        return json.dumps(value, ensure_ascii=False, indent=indent, separators=(',', ': ') if indent else (',', ':'))

    env = jinja2.Environment(autoescape=False, keep_trailing_newline=True, finalize=js)
    env.filters['dump'] = dump
    out = []
    for template, variables in json.load(sys.stdin):
        try:
            out.append({'ok': env.from_string(template).render(**variables)})
        except Exception as error:
            out.append({'error': type(error).__name__ + ': ' + str(error)})
    print(json.dumps(out))
    """

  static func jinja2(_ cases: [(String, [String: JSONValue])]) throws -> [JSONValue] {
    try PythonOracle.answers(
      of: oracle, to: .array(cases.map { .array([.string($0.0), .object($0.1)]) }), package: "jinja2")
  }

  func render(_ template: String, _ vars: [String: JSONValue] = vars) throws -> String {
    try NunjucksTemplate(template).render(vars)
  }

  @Test func everyTemplateOfTheTableRendersAsJinja2RendersIt() throws {
    let expected = try Self.jinja2(Self.table.map { ($0, Self.vars) })
    for (template, oracle) in zip(Self.table, expected) {
      guard case .string(let jinja)? = oracle["ok"] else {
        Issue.record("Jinja2 could not render \(template.debugDescription): \(oracle)")
        continue
      }
      #expect(try render(template) == jinja, "template: \(template.debugDescription)")
    }
  }

  /// Templates assembled at random from the constructs above, over random values.
  @Test(arguments: [UInt64(11), 12, 13])
  func generatedTemplatesRenderAsJinja2RendersThem(seed: UInt64) throws {
    var random = SplitMix64(state: seed)
    let pieces = [
      "{{ s }}", "{{ s | upper }}", "{{ s | title if false else s | lower }}", "{{ s | capitalize }}", "{{ s | trim }}",
      "{{ s | length }}",
      "{{ s | replace('a', 'o') }}", "{{ s | default('d') }}", "{{ u | default('u') }}",
      "{% if c %}C{% else %}c{% endif %}",
      "{% if c and s %}both{% elif s %}s{% endif %}",
      "{% for x in items %}<{{ x }}{{ loop.index }}>{% else %}empty{% endfor %}",
      "{{ items | join('+') }}", "{{ items | length }}", "{{ n + 2 }}", "{{ n * 3 - 1 }}", "{{ n > 1 }}",
      "{{ 'p' ~ s }}",
      "{%- if c %} T{% endif -%}", " {{- s }} ", "\n", "  ", "text", "{# note #}", "{% set t = s | upper %}[{{ t }}]",
      "{{ items | dump }}", "{{ s | dump }}", "{{ 'in' if s in items else 'out' }}",
      "{% for x in items %}{% set y = x | upper %}{{ y }}{% endfor %}",
    ]
    let strings = ["", "a", "banana", " padded ", "Tea", "x y z", "ümlaut", "quote\"d", "tab\tend", "line\nbreak"]
    var cases: [(String, [String: JSONValue])] = []
    for _ in 0..<400 {
      let length = Int.random(in: 1...6, using: &random)
      let template = (0..<length).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &random)] }.joined()
      let itemCount = Int.random(in: 0...3, using: &random)
      let vars: [String: JSONValue] = [
        "s": .string(strings[Int.random(in: 0..<strings.count, using: &random)]),
        "c": [JSONValue.bool(true), .bool(false), .integer(0), .integer(2), .string(""), .string("yes")][
          Int.random(in: 0..<6, using: &random)],
        "n": .integer(Int64.random(in: -3...9, using: &random)),
        "items": .array(
          (0..<itemCount).map { _ in .string(strings[Int.random(in: 1..<strings.count, using: &random)]) }),
      ]
      cases.append((template, vars))
    }
    let expected = try Self.jinja2(cases)
    var compared = 0
    for ((template, vars), oracle) in zip(cases, expected) {
      guard case .string(let jinja)? = oracle["ok"] else { continue }
      let ours: String?
      do {
        ours = try render(template, vars)
      } catch {
        ours = nil
        Issue.record("promptops could not render \(template.debugDescription) with \(vars): \(error)")
      }
      #expect(ours == jinja, "template: \(template.debugDescription), vars: \(vars)")
      if ours != nil { compared += 1 }
    }
    // Most generated templates must render, or the comparison is idle.
    #expect(compared > 300)
  }

  // MARK: - Where Nunjucks and Jinja2 differ, Nunjucks is followed

  @Test func elseifIsNunjucksSpellingOfElif() throws {
    #expect(try render("{% if guest %}G{% elseif vip %}V{% endif %}") == "V")
  }

  @Test func anEmptyListIsTrueAsInJavaScript() throws {
    #expect(try render("{% if items %}some{% else %}none{% endif %}", ["items": .array([])]) == "some")
    #expect(try render("{% if blank %}some{% else %}none{% endif %}") == "none")
  }

  @Test func aSetInsideALoopAssignsTheOuterVariable() throws {
    // Nunjucks' frames (`lib/runtime.js`, `Frame.set` with `resolveUp`): Jinja2 would print 0.
    #expect(
      try render("{% set total = 0 %}{% for x in items %}{% set total = total + 1 %}{% endfor %}{{ total }}") == "3")
  }

  @Test func titleSplitsWordsOnSpacesOnly() throws {
    #expect(try render("{{ words | title }}") == "Hello-world And More")
  }

  @Test func lengthCountsUTF16CodeUnits() throws {
    #expect(try render("{{ s | length }}", ["s": .string("a😀")]) == "3")
  }

  @Test func valuesPrintAsJavaScriptPrintsThem() throws {
    let numbers: [String: JSONValue] = [
      "big": .number(1e21), "small": .number(1e-7), "whole": .number(3), "nothing": .null,
    ]
    #expect(
      try render("{{ big }} {{ small }} {{ 0.1 + 0.2 }} {{ whole }} {{ 3.0 }} {{ nothing }}|{{ [1, [2, 3]] }}", numbers)
        == "1e+21 1e-7 0.30000000000000004 3 3 |1,2,3")
  }

  // MARK: - What is refused, at its line

  @Test(arguments: [
    ("Hi\n{% macro greet() %}x{% endmacro %}", 2, "`{% macro %}` is not rendered"),
    ("{{ name | wordwrap }}", 1, "filter `wordwrap` is not rendered"),
    ("a\nb\n{{ name | upper(}}", 3, "ends too early"),
    ("{% if vip %}open", 1, "never closed with `{% endif %}`"),
    ("{{ range(3) }}", 1, "calling functions"),
    ("{% include 'other.txt' %}", 1, "`{% include %}`"),
    ("{{ x is odd }}", 1, "test `is odd`"),
  ])
  func aConstructThatIsNotRenderedIsAnErrorAtItsLine(template: String, line: Int, message: String) {
    #expect(throws: TemplateError.self) { try NunjucksTemplate(template) }
    do {
      _ = try NunjucksTemplate(template)
    } catch {
      guard case .invalid(let problem) = error else {
        Issue.record("\(error) is not an invalid construct")
        return
      }
      #expect(problem.line == line, "\(error)")
      #expect(problem.message.contains(message), "\(error)")
    }
  }

  @Test func anUndefinedValueThatIsPrintedIsNamedNotDropped() {
    #expect(throws: TemplateError.missing(["who", "user.age"])) {
      try render("{{ who }} {{ user.age }} {{ who }}")
    }
    // A mapping: Nunjucks prints [object Object].
    #expect(throws: TemplateError.self) { try render("{{ user }}") }
    // Nunjucks prints "aundefined".
    #expect(throws: TemplateError.self) { try render("{{ 'a' ~ missing }}") }
  }

  // MARK: - promptfoo's renderPrompt around the template

  @Test func aPromptWithAnUnclosedTagOnALineIsSentAsWritten() throws {
    let template = PromptTemplate(
      text: "Use {{ name\n}} and {% here", variablePattern: Configuration.defaultVariablePattern)
    #expect(try template.renderPrompt(["name": .string("x")]) == "Use {{ name\n}} and {% here")
  }

  @Test func aJSONPromptHasItsStringsRenderedAndIsPrintedAsJSONStringifyPrintsIt() throws {
    let raw =
      #"[{"role":"system","content":"Be {{ tone }}."},{"role":"user","content":"{{ question | upper }}","n":1.0}]"#
    let rendered = try PromptTemplate(text: raw, variablePattern: Configuration.defaultVariablePattern)
      .renderPrompt(["tone": .string("brief \"and\" kind"), "question": .string("why?")])
    #expect(
      rendered == """
        [
          {
            "role": "system",
            "content": "Be brief \\"and\\" kind."
          },
          {
            "role": "user",
            "content": "WHY?",
            "n": 1
          }
        ]
        """)
  }

  @Test func variablesLoseOneTrailingNewlineAndNameEachOther() throws {
    let prepared = try PromptVariables.prepare([
      "a": .string("two\n\n"), "b": .string("see {{ c }} and {{c}}"), "c": .string("$$5 cost"),
      "d": .string("{{ nobody }}"),
    ])
    #expect(prepared["a"] == .string("two\n"))
    // One placeholder per round; `String.prototype.replace` reads `$$` in the replacement as `$`.
    #expect(prepared["b"] == .string("see $5 cost and $5 cost"))
    #expect(prepared["d"] == .string("{{ nobody }}"))
  }

  @Test func aVariableHoldingATemplateIsRenderedFirst() throws {
    let template = PromptTemplate(text: "Q: {{ question }}", variablePattern: Configuration.defaultVariablePattern)
    #expect(
      try template.renderPrompt(["question": .string("{{ topic | upper }}?"), "topic": .string("tea")]) == "Q: TEA?")
    #expect(try template.renderPrompt(["question": .string("{{ unknown }}?")]) == "Q: {{ unknown }}?")
  }
}
