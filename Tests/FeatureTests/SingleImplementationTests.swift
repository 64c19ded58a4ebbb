import Foundation
import Testing

/// Each of these has one implementation in the sources, so that a change to how promptops reads
/// or writes it is made once: JSON text is written by `JSONWriter` (from `Encodable` values) or by
/// `JSONValue`'s canonical writer, untyped JSON is read by `JSONValue.parse`, YAML by the event
/// composer, processes are started by `ChildProcess`. docs/architecture.md lists the pairs kept on
/// purpose, each with the measurement and the differential test that justify it.
@Suite("one implementation of each thing")
struct SingleImplementationTests {
  static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources")

  /// Where each construct may appear, as paths below `Sources/`.
  static let owners: [(construct: String, allowedIn: Set<String>)] = [
    ("JSONSerialization.", ["PromptModel/JSON/JSONValue.swift"]),
    ("JSONEncoder()", ["PromptModel/JSON/JSONWriter.swift"]),
    ("import Yams", []),
    ("posix_spawn(", ["Spawn/ChildProcess.swift"]),
    ("Process()", []),
    ("dlopen(", []),
    ("dlsym(", []),
  ]

  /// Code lines only: doc comments may name what a file does not use.
  static func codeLines(of file: URL) throws -> [(number: Int, text: String)] {
    try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated().map { (number: $0.offset + 1, text: String($0.element)) }
      .filter { !$0.text.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
  }

  @Test func eachConstructAppearsOnlyInItsOwner() throws {
    var seen: [String: Set<String>] = [:]
    let walker = try #require(FileManager.default.enumerator(atPath: Self.sources.path))
    var scanned = 0
    while let relative = walker.nextObject() as? String {
      guard relative.hasSuffix(".swift") else { continue }
      scanned += 1
      for line in try Self.codeLines(of: Self.sources.appendingPathComponent(relative)) {
        for (construct, _) in Self.owners where line.text.contains(construct) {
          seen[construct, default: []].insert("\(relative):\(line.number)")
        }
      }
    }
    #expect(scanned > 100, "the scan read the sources (\(scanned) files)")
    // The owners themselves are found, so a renamed file or construct shows here, not as a pass.
    #expect(seen["JSONSerialization."]?.isEmpty == false && seen["JSONEncoder()"]?.isEmpty == false)
    for (construct, allowed) in Self.owners {
      let strays = (seen[construct] ?? []).filter { place in
        !allowed.contains(String(place[..<place.lastIndex(of: ":")!]))
      }
      #expect(strays.isEmpty, "\(construct) outside \(allowed.sorted()): \(strays.sorted())")
    }
  }
}
