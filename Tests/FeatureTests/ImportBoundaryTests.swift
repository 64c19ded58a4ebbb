import Foundation
import Testing

/// The modules the sources import are this package's own targets, the products its dependencies
/// declare, and the platform's. A module another package keeps internal (Yams' `CYaml`, say) is
/// not among them: it can change or vanish in any release of that package. SwiftPM's
/// `--explicit-target-dependency-import-check` does not see such an import (it counts a
/// dependency's dependencies as declared), so this test reads the imports themselves.
@Suite("imports: own targets, declared products, the platform")
struct ImportBoundaryTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The products of the dependencies in Package.swift, by the modules they export.
  static let products: Set<String> = [
    "ArgumentParser", "Crypto", "CryptoExtras", "AsyncHTTPClient", "NIOCore", "NIOPosix", "NIOHTTP1", "NIOSSL",
  ]
  static let platform: Set<String> = [
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin",
    "Synchronization",
  ]

  @Test func everyImportIsATargetOfOursADeclaredProductOrThePlatform() throws {
    let sources = Self.root.appendingPathComponent("Sources")
    let targets = Set(try FileManager.default.contentsOfDirectory(atPath: sources.path))
    #expect(
      targets.contains("CLibYAML") && targets.contains("PromptModel") && targets.contains("PromptGate"), "\(targets)")
    let allowed = targets.union(Self.products).union(Self.platform)
    let pattern = try NSRegularExpression(
      // At the top level, or indented once inside `#if canImport(…)`; deeper lines are text
      // (a Python harness in a string literal imports too).
      pattern:
        #"^(?:  )?(?:@[A-Za-z_]+\s+)*(?:public |internal |package |private |fileprivate )?import\s+(?:(?:struct|class|enum|func|var|let|typealias|protocol)\s+)?([A-Za-z_][A-Za-z_0-9]*)\s*(?://.*)?$"#,
      options: [.anchorsMatchLines])
    var found: [String: Set<String>] = [:]
    let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
    while let relative = walker.nextObject() as? String {
      guard relative.hasSuffix(".swift") else { continue }
      let text = try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)
      for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        guard let range = Range(match.range(at: 1), in: text) else { continue }
        found[String(text[range]), default: []].insert(relative)
      }
    }
    #expect(
      found["Foundation"] != nil && found["CLibYAML"] != nil, "the scan found the imports: \(found.keys.sorted())")
    for (module, files) in found.sorted(by: { $0.key < $1.key }) where !allowed.contains(module) {
      Issue.record(
        "Sources import \(module), which is neither a target of this package nor a declared product: \(files.sorted())")
    }
  }
}
