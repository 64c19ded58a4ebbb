import Foundation
import TestSupport
import Testing

@testable import PromptModel

/// JSON read through JSONSerialization and written by hand (`canonicalJSON`, `quoted`): request
/// bodies, cache keys and signed approval records depend on both.
@Suite("JSON values: reading, canonical writing, quoting")
struct JSONValueTests {
  @Test func parsingKeepsJSONTypesApart() throws {
    let text = #"{"s":"x\"y","i":-3,"n":2.5,"t":true,"f":false,"z":null,"a":[1,"two",[],{}],"o":{"k":0}}"#
    #expect(
      try JSONValue.parse(Data(text.utf8))
        == .object([
          "s": .string("x\"y"), "i": .integer(-3), "n": .number(2.5), "t": .bool(true), "f": .bool(false), "z": .null,
          "a": .array([.integer(1), .string("two"), .array([]), .object([:])]), "o": .object(["k": .integer(0)]),
        ]))
    #expect(try JSONValue.parse(Data("\"alone\"".utf8)) == .string("alone"))
    #expect(try JSONValue.parse(Data("null".utf8)) == .null)
  }

  func randomString(_ random: inout SplitMix64) -> String {
    let pieces = [
      "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{01}", "\u{1F}", "é", "日本", "🙂",
      "\u{2028}", "{", "}",
    ]
    return (0..<Int.random(in: 0...8, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
  }

  func randomValue(_ random: inout SplitMix64, depth: Int = 0) -> JSONValue {
    switch Int.random(in: 0..<(depth < 3 ? 8 : 6), using: &random) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &random))
    case 2: return .integer(Int64.random(in: -1_000_000_000...1_000_000_000, using: &random))
    // Fractions exact in binary: JSONSerialization on Linux reads some longer decimals a unit in
    // the last place off, which is not what is under test here.
    case 3:
      return .number(
        Double(Int.random(in: -100_000...100_000, using: &random)) + 0.25
          * Double(Int.random(in: 1...3, using: &random)))
    case 4, 5: return .string(randomString(&random))
    case 6:
      return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
    default:
      var object: [String: JSONValue] = [:]
      for _ in 0..<Int.random(in: 0...4, using: &random) {
        object[randomString(&random)] = randomValue(&random, depth: depth + 1)
      }
      return .object(object)
    }
  }

  /// What is written reads back as the same value, and JSONSerialization (the oracle) reads it
  /// as the same value as its own writing of it.
  @Test func canonicalTextReadsBackAsTheSameValue() throws {
    var random = SplitMix64(state: 11)
    for _ in 0..<500 {
      let value = randomValue(&random)
      let text = value.canonicalJSON
      #expect(try JSONValue.parse(Data(text.utf8)) == value, "\(text)")
      let foundation = try JSONSerialization.data(withJSONObject: value.foundationObject, options: [.fragmentsAllowed])
      #expect(try JSONValue.parse(foundation) == value, "\(text)")
    }
  }

  /// Numbers longer than 17 characters reach JSONValue as decimal numbers, whose `doubleValue`
  /// can be a unit in the last place off; each must read as the Double its text names.
  @Test func longNumbersReadExactly() throws {
    var random = SplitMix64(state: 31)
    var texts = [
      "100.53291702270508", "0.30000000000000004", "-13975.357142857143", "0.6666666666666666", "1e-7", "2.5e-300",
    ]
    for _ in 0..<500 {
      let value = Double(bitPattern: random.next())
      if value.isFinite { texts.append("\(value)") }
    }
    for text in texts {
      let expected = try #require(Double(text))
      let parsed = try JSONValue.parse(Data("[\(text)]".utf8))
      guard case .array(let items) = parsed, items.count == 1 else {
        Issue.record("\(text) read as \(parsed)")
        continue
      }
      switch items[0] {
      case .number(let number): #expect(number == expected, "\(text)")
      case .integer(let whole): #expect(Double(whole) == expected, "\(text)")
      default: Issue.record("\(text) read as \(parsed)")
      }
    }
  }

  /// The canonical text is written as bytes; it must stay the text cache keys and recorded notes
  /// were made of: keys in Swift's string order, no spaces, numbers as Swift prints them, strings
  /// quoted by the scalar path. The reference below writes it the plain way.
  @Test func canonicalBytesAreTheTextEarlierKeysWereMadeOf() {
    func reference(_ value: JSONValue) -> String {
      switch value {
      case .null: return "null"
      case .bool(let flag): return flag ? "true" : "false"
      case .integer(let whole): return String(whole)
      case .number(let fraction): return fraction.isFinite ? "\(fraction)" : "null"
      case .string(let text): return JSONValue.quoted(text, alsoEscaping: { _ in false })
      case .array(let items): return "[" + items.map(reference).joined(separator: ",") + "]"
      case .object(let members):
        return "{"
          + members.keys.sorted().map {
            JSONValue.quoted($0, alsoEscaping: { _ in false }) + ":" + reference(members[$0]!)
          }.joined(separator: ",") + "}"
      }
    }
    var random = SplitMix64(state: 23)
    for _ in 0..<500 {
      let value = randomValue(&random)
      #expect(value.canonicalJSONBytes == Array(reference(value).utf8), "\(reference(value))")
    }
    #expect(
      JSONValue.object(["b": .number(0.5), "a": .array([.null, .bool(true), .integer(-3)])]).canonicalJSON
        == #"{"a":[null,true,-3],"b":0.5}"#)
  }

  /// Strings that need no escape are copied whole; every other takes the escaping path. The
  /// two must write the same bytes: cache keys and signed records are made of them.
  @Test func quotingCopiesOnlyWhatNeedsNoEscape() {
    var random = SplitMix64(state: 5)
    for _ in 0..<2_000 {
      let text = randomString(&random)
      #expect(
        JSONValue.quoted(text) == JSONValue.quoted(text, alsoEscaping: { _ in false }), "\(text.debugDescription)")
    }
    #expect(JSONValue.quoted("plain é") == "\"plain é\"")
    #expect(JSONValue.quoted("a\"b\\c\n\u{01}") == #""a\"b\\c\n\u0001""#)
  }
}

extension JSONValue {
  /// The value as Foundation objects, for the JSONSerialization oracle.
  fileprivate var foundationObject: Any {
    switch self {
    case .null: return NSNull()
    case .bool(let value): return value
    case .integer(let value): return value
    case .number(let value): return value.isFinite ? value : NSNull()
    case .string(let text): return text
    case .array(let items): return items.map(\.foundationObject)
    case .object(let object): return object.mapValues(\.foundationObject)
    }
  }
}
