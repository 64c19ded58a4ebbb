import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// `is-json` schemas are checked in-process; the Python `jsonschema` package (in the test venv,
/// beside check-jsonschema) is the oracle for every verdict.
@Suite("JSON Schema in is-json: verdicts agree with the jsonschema package")
struct JSONSchemaCheckTests {
  /// Each schema with instances that match and instances that do not, across the keywords the
  /// checker supports (drafts 4 to 2020-12, `$schema` naming the older ones where they differ).
  static let cases: [(schema: String, instances: [String])] = [
    (##"{"type": "integer"}"##, ["5", "5.0", "5.5", "\"5\"", "null"]),
    (##"{"type": ["string", "null"]}"##, ["\"a\"", "null", "1", "[]"]),
    (##"{"enum": [1, "a", null, [1]]}"##, ["1", "1.0", "\"a\"", "null", "[1]", "2", "\"b\""]),
    (##"{"const": {"a": 1}}"##, [##"{"a": 1}"##, ##"{"a": 1.0}"##, ##"{"a": 2}"##, ##"{"a": 1, "b": 2}"##]),
    (##"{"anyOf": [{"type": "integer"}, {"type": "null"}]}"##, ["3", "null", "\"x\"", "1.5"]),
    (##"{"oneOf": [{"type": "integer"}, {"minimum": 2}]}"##, ["1", "3", "2.5", "\"x\""]),
    (##"{"allOf": [{"minimum": 1}, {"maximum": 3}]}"##, ["0", "1", "3", "4"]),
    (##"{"not": {"type": "string"}}"##, ["1", "\"a\"", "null"]),
    (
      ##"{"if": {"type": "integer"}, "then": {"minimum": 10}, "else": {"type": "string"}}"##,
      ["12", "5", "\"a\"", "null"]
    ),
    (##"{"exclusiveMinimum": 10, "exclusiveMaximum": 20, "multipleOf": 3}"##, ["12", "10", "20", "13", "18", "\"x\""]),
    (
      ##"{"$schema": "http://json-schema.org/draft-04/schema#", "minimum": 1, "exclusiveMinimum": true}"##,
      ["1", "1.5", "0"]
    ),
    // Binary-exact divisors: for 0.3 and 0.1 validators disagree (float division or not).
    (##"{"multipleOf": 0.5}"##, ["1.5", "2", "1.25"]),
    (
      ##"{"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}, "additionalProperties": false}"##,
      [##"{"a": "x"}"##, ##"{"a": 1}"##, ##"{}"##, ##"{"a": "x", "b": 1}"##, "[]"]
    ),
    (
      ##"{"patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": {"type": "string"}}"##,
      [##"{"x-a": 1, "b": "s"}"##, ##"{"x-a": "s"}"##, ##"{"b": 1}"##]
    ),
    (##"{"minProperties": 1, "maxProperties": 2}"##, [##"{}"##, ##"{"a": 1}"##, ##"{"a": 1, "b": 2, "c": 3}"##]),
    (
      ##"{"items": {"type": "integer"}, "minItems": 1, "maxItems": 2, "uniqueItems": true}"##,
      ["[1]", "[1, 2]", "[]", "[1, 2, 3]", "[1, 1]", "[1, 1.0]", "[\"a\"]"]
    ),
    (
      ##"{"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "null"}}"##,
      [##"["a", 1]"##, ##"["a", 1, null]"##, ##"[1, "a"]"##, ##"["a", 1, 2]"##]
    ),
    (
      ##"{"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "string"}, {"type": "integer"}]}"##,
      [##"["a", 1]"##, ##"["a", "b"]"##, ##"["a", 1, true]"##]
    ),
    (
      ##"{"type": "string", "minLength": 2, "maxLength": 3, "pattern": "^[a-z]+$"}"##,
      ["\"ab\"", "\"a\"", "\"abcd\"", "\"aB\"", "\"é€\""]
    ),
    (
      ##"{"$defs": {"answer": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}}, "type": "array", "items": {"$ref": "#/$defs/answer"}}"##,
      [##"[{"n": 1}]"##, ##"[{"n": "1"}]"##, ##"[{}]"##]
    ),
    (
      ##"{"definitions": {"leaf": {"type": "string"}}, "properties": {"tree": {"anyOf": [{"$ref": "#/definitions/leaf"}, {"type": "array", "items": {"$ref": "#/definitions/leaf"}}]}}}"##,
      [##"{"tree": "a"}"##, ##"{"tree": ["a", "b"]}"##, ##"{"tree": [1]}"##]
    ),
    (
      ##"{"title": "annotated", "description": "only annotations", "format": "email", "default": 1, "examples": [2]}"##,
      ["\"not an email\"", "3"]
    ),
    ("true", ["1", "null"]),
    ("false", ["1", "null"]),
    (##"{"properties": {"a": false}}"##, [##"{"a": 1}"##, ##"{"b": 1}"##]),
    // Beside a `$ref`, drafts 4–7 ignore other keywords; 2020-12 applies them.
    (
      ##"{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"n": {"type": "integer"}}, "$ref": "#/definitions/n", "minimum": 10}"##,
      ["5", "12", "\"x\""]
    ),
    (##"{"$defs": {"n": {"type": "integer"}}, "$ref": "#/$defs/n", "minimum": 10}"##, ["5", "12", "\"x\""]),
    (
      ##"{"properties": {"children": {"type": "array", "items": {"$ref": "#"}}}, "required": ["name"]}"##,
      [
        ##"{"name": "a", "children": [{"name": "b", "children": []}]}"##,
        ##"{"name": "a", "children": [{"children": []}]}"##,
      ]
    ),
  ]

  func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

  @Test func everyVerdictAgreesWithTheJsonschemaPackage() throws {
    let python = LlamaServer.pythonPath
    try #require(
      FileManager.default.isExecutableFile(atPath: python),
      "the test venv is missing: run `sh ci/install-deps.sh --python`")
    var pairs: [(schema: String, instance: String)] = []
    for (schema, instances) in Self.cases { for instance in instances { pairs.append((schema, instance)) } }
    let input = "[" + pairs.map { "[\($0.schema), \($0.instance)]" }.joined(separator: ",") + "]"
    let oracle = try runProcess(
      python,
      [
        "-c",
        """
        import json, sys, jsonschema
        verdicts = []
        for schema, instance in json.load(sys.stdin):
            validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
            validator.check_schema(schema)
            verdicts.append(validator(schema).is_valid(instance))
        print(json.dumps(verdicts))
        """,
      ], in: FileManager.default.temporaryDirectory.path, environment: ProcessInfo.processInfo.environment, input: input
    )
    try #require(oracle.status == 0, "\(oracle.stderr)")
    guard case .array(let expected) = try json(oracle.stdout) else {
      Issue.record("no verdicts: \(oracle.stdout)")
      return
    }
    try #require(expected.count == pairs.count)
    for ((schema, instance), verdict) in zip(pairs, expected) {
      let problems = try JSONSchemaCheck.problems(try json(instance), schema: try json(schema))
      #expect(
        problems.isEmpty == (verdict == .bool(true)),
        "\(instance) under \(schema): jsonschema says \(verdict), promptops found \(problems)")
    }
  }

  /// A keyword the checker cannot honour is refused, never skipped: skipping `dependentRequired`
  /// would pass answers the schema rejects (and fail them under `not-is-json`).
  @Test(arguments: [
    (##"{"dependentRequired": {"a": ["b"]}}"##, "dependentRequired"),
    (##"{"properties": {"a": {"unevaluatedProperties": false}}}"##, "unevaluatedProperties"),
    (##"{"$ref": "https://example.com/schema.json"}"##, "does not point to a schema"),
    (##"{"$ref": "#/$defs/missing"}"##, "does not point to a schema"),
    (##"{"pattern": "("}"##, "is not a regular expression"),
    (##"{"anyOf": [{"contains": {"type": "integer"}}]}"##, "contains"),
    (##""just a string""##, "not a JSON Schema"),
    (##"{"required": true}"##, "required must be a list of property names"),
    (##"{"enum": "x"}"##, "enum must be a list"),
    (##"{"type": "text"}"##, "type must be a type name"),
    (##"{"$ref": "#/required", "required": ["a"]}"##, "does not point to a schema"),
    (##"{"$ref": "#name"}"##, "does not point to a schema"),
    (##"{"default": {"enum": 3}, "$ref": "#/default"}"##, "enum must be a list"),
    (##"{"multipleOf": 0}"##, "multipleOf must be a number above 0"),
  ])
  func keywordsItCannotCheckAreRefused(schema: String, named: String) throws {
    let error = #expect(throws: JSONSchemaCheck.Unsupported.self) { try JSONSchemaCheck.validate(try json(schema)) }
    #expect(error?.description.contains(named) == true, "\(String(describing: error))")
    #expect(throws: JSONSchemaCheck.Unsupported.self) {
      _ = try JSONSchemaCheck.problems(.integer(1), schema: try json(schema))
    }
  }

  /// The suite that uses such a schema is refused when it is read, naming its file and line,
  /// before any provider is paid.
  @Test func aSuiteWithAnUncheckableSchemaIsRefusedAtItsLine() throws {
    let suite = """
      providers: [echo]
      tests:
        - vars: {}
          assert:
            - type: is-json
              value: {dependentRequired: {a: [b]}}

      """
    let loader = SuiteLoader(
      read: { $0 == "s/evalsuite.yml" ? Array(suite.utf8) : nil }, list: { _ in [] }, settings: EvalSettings())
    let problem = #expect(throws: SuiteProblem.self) { try loader.load(path: "s/evalsuite.yml") }
    #expect(problem?.file == "s/evalsuite.yml")
    #expect(problem?.line == 5)
    #expect(problem?.message.contains("dependentRequired") == true, "\(String(describing: problem))")
  }
}
