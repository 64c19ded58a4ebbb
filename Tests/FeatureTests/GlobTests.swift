import Foundation
import TestSupport
import Testing

@testable import PromptEvals

/// Suite test-file globs and suite selections (`Glob`): `*` and `?` within a folder, `**` across.
@Suite("globs")
struct GlobTests {
  /// The regular expression globs were once translated to, as the oracle for what they mean:
  /// on small inputs, where backtracking costs nothing, both must agree.
  static func oracle(_ pattern: String) -> NSRegularExpression {
    var out = "^"
    let chars = Array(pattern)
    var index = 0
    while index < chars.count {
      let char = chars[index]
      if char == "*" {
        if index + 1 < chars.count && chars[index + 1] == "*" {
          index += 1
          if index + 1 < chars.count && chars[index + 1] == "/" {
            index += 1
            out += "(?:.*/)?"
          } else {
            out += ".*"
          }
        } else {
          out += "[^/]*"
        }
      } else if char == "?" {
        out += "[^/]"
      } else {
        out += NSRegularExpression.escapedPattern(for: String(char))
      }
      index += 1
    }
    return try! NSRegularExpression(pattern: out + "$")
  }

  @Test(arguments: [
    ("*.json", "tests.json", true), ("*.json", "a/tests.json", false), ("**/*.json", "tests.json", true),
    ("**/*.json", "a/b/tests.json", true), ("a/**/b", "a/b", true), ("a/**/b", "a/x/y/b", true),
    ("a/**/b", "ab", false),
    ("a/**", "a/x/y", true), ("a**", "a/x", true), ("t?.csv", "t1.csv", true), ("t?.csv", "t/.csv", false),
    ("cases/[a].yaml", "cases/[a].yaml", true), ("cases/[a].yaml", "cases/a.yaml", false), ("é*/x", "éa/x", true),
    ("", "", true), ("*", "", true), ("?", "", false), ("**/", "a/", true), ("**/**/x", "x", true),
  ])
  func matchesAsDocumented(_ pattern: String, _ path: String, _ expected: Bool) {
    #expect(Glob(pattern).matches(path) == expected, "\(pattern) against \(path)")
  }

  /// Random patterns and paths over a small alphabet agree with the regular expression.
  @Test func agreesWithTheRegularExpressionOnSmallInputs() {
    var random = SplitMix64(state: 42)
    let patternPieces = ["a", "b", "/", "*", "**", "**/", "?", ".", "["]
    let pathPieces = ["a", "b", "/", ".", "ab", "["]
    var disagreements: [String] = []
    for _ in 0..<3_000 {
      let pattern = (0..<Int(random.next() % 6)).map { _ in
        patternPieces[Int(random.next() % UInt64(patternPieces.count))]
      }.joined()
      let path = (0..<Int(random.next() % 8)).map { _ in pathPieces[Int(random.next() % UInt64(pathPieces.count))] }
        .joined()
      let regex = Self.oracle(pattern)
      let expected = regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
      if Glob(pattern).matches(path) != expected {
        disagreements.append("\(pattern) against \(path): regex says \(expected)")
      }
    }
    #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
  }

  /// A suite's glob and the repository's paths both come from the change: `**/` repeated against
  /// a deep path made the regular expression try every way of splitting the path among them
  /// (seconds per path, then a wrong "no match" when the engine gave up). Found by the
  /// `FuzzEvalSuite` fuzz target.
  @Test(.timeLimit(.minutes(5))) func repeatedFoldersAgainstDeepPathsMatchAtOnce() {
    let deep = (0..<40).map { "d\($0)" }.joined(separator: "/") + "/tests.json"
    let clock = ContinuousClock()
    let started = clock.now
    for count in [8, 16, 32] {
      let pattern = String(repeating: "**/", count: count)
      #expect(Glob(pattern + "tests.json").matches(deep), "\(count) × `**/`")
      #expect(!Glob(pattern + "tests.yaml").matches(deep), "\(count) × `**/`")
      #expect(Glob(String(repeating: "**/d*/", count: count) + "tests.json").matches(deep), "\(count) × `**/d*/`")
      #expect(!Glob(String(repeating: "**/d*/", count: count) + "x").matches(deep), "\(count) × `**/d*/`")
    }
    #expect(clock.now - started < .seconds(5), "matching took \(clock.now - started)")
  }
}
