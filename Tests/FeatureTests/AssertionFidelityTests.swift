import Foundation
import Testing

@testable import PromptEvals
@testable import PromptModel

/// Deterministic assertions held to what promptfoo's handlers compute on JavaScript strings
/// (`src/assertions/*.ts`), where Swift's own string semantics would give another verdict.
@Suite("assertions: promptfoo's JavaScript semantics")
struct AssertionFidelityTests {
  func assertion(_ type: String, _ value: JSONValue? = nil, threshold: Double? = nil) -> EvalAssertion {
    let negated = type.hasPrefix("not-")
    return EvalAssertion(
      type: negated ? String(type.dropFirst(4)) : type, negated: negated, value: value, threshold: threshold, line: 1)
  }

  func grade(_ assertion: EvalAssertion, _ output: String) async throws -> GradingOutcome {
    let test = EvalTest(description: "t", vars: [:], assertions: [assertion], file: "s.yml", line: 1)
    return try await AssertionChecker(grader: nil).grade(
      test: test, output: output, context: AssertionContext(prompt: "Q?"))
  }

  /// `extractJsonObjects` (`src/util/json.ts`) finds objects only, read leniently as YAML.
  @Test func containsJSONLooksAtObjectsOnlyAndReadsThemAsPromptfooDoes() async throws {
    #expect(!(try await grade(assertion("contains-json"), "[1, 2, 3]")).pass, "an array is no object")
    #expect(!(try await grade(assertion("contains-json", .object(["type": .string("array")])), "[1, 2]")).pass)
    #expect(try await grade(assertion("not-contains-json"), "[1, 2, 3]").pass)
    #expect(try await grade(assertion("contains-json"), #"Result: {name: "Bob", age: 3}"#).pass)
    #expect(try await grade(assertion("contains-json"), "{\n \"a\": 1, // one\n \"b\": 2\n}").pass)
    #expect(!(try await grade(assertion("contains-json"), #"{"name": "Bob""#)).pass)
    let objects = JSONText.embeddedObjects(in: #"a {"x": {"y": 1}} b {z: [1, {w: 2}]} c"#)
    #expect(
      objects == [
        .object(["x": .object(["y": .integer(1)])]),
        .object(["z": .array([.integer(1), .object(["w": .integer(2)])])]),
      ])
    #expect(JSONText.convertSlashCommentsToHash(#"{"u": "http://x"} // c"#) == #"{"u": "http://x"} # c"#)
    #expect(JSONText.convertSlashCommentsToHash("a //// b") == "a ## b")
    #expect(JSONText.convertSlashCommentsToHash("it's // c") == "it's # c", "an apostrophe opens no quote")
  }

  /// A schema given as text is read with `yaml.load` (`getJsonSchemaValidator`).
  @Test func aSchemaGivenAsTextIsReadAsYAML() async throws {
    let schema = JSONValue.string("{type: object, required: [n]}")
    #expect(try await grade(assertion("is-json", schema), #"{"n": 1}"#).pass)
    #expect(!(try await grade(assertion("is-json", schema), #"{"m": 1}"#)).pass)
    #expect(try await grade(assertion("contains-json", .string(#"{"type": "object"}"#)), "x {a: 1}").pass)
    #expect(try await grade(assertion("is-json", .string("")), "[]").pass, "an empty text is no schema")
    await #expect(throws: AssertionError.self) { _ = try await grade(assertion("is-json", .string("3")), "{}") }
  }
}
