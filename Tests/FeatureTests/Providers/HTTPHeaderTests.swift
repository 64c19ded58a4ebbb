import Foundation
import TestSupport
import Testing

@testable import PromptEvals

/// Response headers are read as bytes; Foundation's line splitting and trimming is the oracle.
@Suite("HTTP response headers")
struct HTTPHeaderTests {
  static func oracle(_ text: String) -> [String: String] {
    var headers: [String: String] = [:]
    for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
      guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("HTTP/") else { continue }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return headers
  }

  @Test func readsNamesAndValues() {
    let text =
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After:  2 \r\nContent-Type: application/json\r\nX-Empty:\r\n\r\n"
    #expect(
      HTTPTransport.parseHeaders(text) == ["retry-after": "2", "content-type": "application/json", "x-empty": ""])
  }

  @Test func agreesWithFoundationOnRandomHeaders() {
    var random = SplitMix64(state: 3)
    let pieces = [
      "Retry-After", "X-A", "é", ":", " ", "\t", "2", "a:b", "HTTP/1.1 200 OK", "\r\n", "\n", "Value", "  ", "x-Y",
    ]
    for _ in 0..<2_000 {
      let text = (0..<Int.random(in: 0...14, using: &random)).map { _ in pieces.randomElement(using: &random)! }
        .joined()
      #expect(HTTPTransport.parseHeaders(text) == Self.oracle(text), "\(text.debugDescription)")
    }
  }
}
