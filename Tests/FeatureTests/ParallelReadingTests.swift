import Foundation
import GitKit
import PromptChanges
import PromptGate
import TestSupport
import Testing

/// Long ranges read their changed prompts on several threads, one repository handle each, and
/// run the rules side by side. The verdict must be exactly the one a single thread reaches.
@Suite("reading changed prompts and running rules on several threads")
struct ParallelReadingTests {
  @Test func manyThreadsAgreeWithOne() throws {
    let repo = try TempRepo("parallel-reading")
    for n in 0..<150 {
      try repo.writePrompt(
        "p\(n)", text: "Answer about topic \(n).\nYou must cite the policy.\nUse {{name}}.\n", version: "1.0.0",
        changelog: ["1.0.0"])
    }
    let base = try repo.commit("150 prompts")
    var random = SplitMix64(state: 42)
    for n in 0..<150 where n % 10 != 0 {
      switch Int.random(in: 0..<6, using: &random) {
      case 0:  // an unbumped edit
        try repo.write("prompts/p\(n)/prompt.txt", "Answer about topic \(n), briefly.\nUse {{name}}.\n")
      case 1:  // a correct bump
        try repo.writePrompt(
          "p\(n)", text: "Answer about topic \(n).\nYou must cite the policy.\nUse {{name}} and {{tone}}.\n",
          version: "1.1.0", changelog: ["1.0.0", "1.1.0"])
      case 2:  // a card that is not YAML
        try repo.write("prompts/p\(n)/prompt-card.yml", "id: p\(n)\nversion: [1.0.0\n")
      case 3:  // a move
        try repo.move("prompts/p\(n)", "prompts/archive/p\(n)")
      case 4:
        try repo.remove("prompts/p\(n)")
      default:  // a new prompt beside it
        try repo.writePrompt("q\(n)", text: "New \(n)\n", version: "0.1.0", changelog: ["0.1.0"])
      }
    }
    let head = try repo.commit("many changes")

    func analyze(threads: Int) throws -> (GateReport, Int) {
      let repository = try Repository.open(at: repo.path, environment: [:])
      let analyzer = Analyzer(repository: repository)
      analyzer.readingThreads = threads
      let report = try analyzer.analyze(.commits(base: base, head: head))
      return (report, repository.blobsRead)
    }
    let (single, singleReads) = try analyze(threads: 1)
    let (parallel, parallelReads) = try analyze(threads: 4)
    #expect(single.prompts.count > 120, "the range must be long enough to be read in parallel")
    #expect(parallel.prompts == single.prompts)
    #expect(parallel.findings == single.findings)
    #expect(parallelReads == singleReads)
    #expect(single.findings.contains { $0.rule == "card-invalid" })
    #expect(single.findings.contains { $0.rule == "version-not-bumped" })
    #expect(single.findings.contains { $0.rule == "constraint-removed" })
    // The prompt list of the JSON report reads back as written, hashes (made on demand) included.
    let decoded = try JSONDecoder().decode([PromptSummary].self, from: JSONEncoder().encode(single.prompts))
    #expect(decoded == single.prompts)
    #expect(decoded.filter { $0.status != .deleted }.allSatisfy { $0.sha256?.utf8.count == 64 })
  }
}
