import Foundation
import TestSupport
import Testing

@testable import PromptEvals

/// Response headers by lower-cased name, the last of a repeated name winning; Foundation's
/// trimming is the oracle.
@Suite("HTTP response headers")
struct HTTPHeaderTests {
  static func oracle(_ fields: [(name: String, value: String)]) -> [String: String] {
    var headers: [String: String] = [:]
    for (name, value) in fields {
      headers[name.lowercased()] = value.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
    }
    return headers
  }

  @Test func readsNamesAndValues() {
    let fields = [
      ("Retry-After", "  2 "), ("Content-Type", "application/json"), ("X-Empty", ""), ("x-empty", "\tlast\t"),
    ]
    #expect(
      HTTPTransport.headerFields(fields.map { (name: $0.0, value: $0.1) }) == [
        "retry-after": "2", "content-type": "application/json", "x-empty": "last",
      ])
  }

  @Test func agreesWithFoundationOnRandomHeaders() {
    var random = SplitMix64(state: 3)
    let names = ["Retry-After", "retry-after", "X-A", "x-a", "Content-Type"]
    let pieces = ["é", " ", "\t", "2", "a:b", "Value", "  ", "x-Y"]
    for _ in 0..<2_000 {
      let fields = (0..<Int.random(in: 0...6, using: &random)).map { _ in
        (
          name: names.randomElement(using: &random)!,
          value: (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }
            .joined()
        )
      }
      #expect(HTTPTransport.headerFields(fields) == Self.oracle(fields), "\(fields)")
    }
  }
}
