import Foundation
import TestSupport
import Testing

/// Evals validate before they spend: an assertion that cannot be graded (no grader, a grader of
/// the wrong kind or that cannot be made, a script without its interpreter) and a provider id
/// promptops does not know stop the prompt's evals when they are planned, with the file and line,
/// before any provider is asked.
@Suite("eval: graders and providers are checked before any provider is called")
struct EvalGraderValidationTests {
  let environment = ["OPENAI_API_KEY": "loopback-test-key"]

  func repository(_ suite: String, server: LoopbackOpenAIServer, _ name: String = #function) throws -> TempRepo {
    let repo = try TempRepo(name)
    try repo.writePrompt("a", text: "Say {{word}}.\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write("prompts/a/evalsuite.yml", suite.replacingOccurrences(of: "BASE", with: server.baseURL))
    _ = try repo.commit("a suite")
    return repo
  }

  @Test(
    .timeLimit(.minutes(5)),
    arguments: [
      // No grader anywhere.
      ("  - vars: {word: two}\n    assert:\n      - type: llm-rubric\n        value: says two\n", 9, "needs a grader"),
      // A chat model cannot embed.
      (
        "  - vars: {word: two}\n    assert:\n      - type: similar\n        value: Say two.\n        provider: openai:chat:echo/g\n",
        9,
        "needs an embedding model as its grader"
      ),
      // A grader whose config cannot be made.
      (
        "  - vars: {word: two}\n    assert:\n      - type: factuality\n        value: two\n        provider:\n          id: openai:chat:echo/g\n          config: {temprature: 1}\n",
        9, "unknown config key `temprature`"
      ),
      // Variables context-faithfulness reads.
      (
        "  - vars: {word: two}\n    assert:\n      - type: context-faithfulness\n        provider: openai:chat:echo/g\n",
        9, "needs a text variable `query`"
      ),
    ])
  func anUngradableAssertionStopsThePromptBeforeAnyCall(test: String, line: Int, message: String) async throws {
    let server = try LoopbackOpenAIServer()
    let suite = """
      providers:
        - id: openai:chat:echo/model
          config: {apiBaseUrl: "BASE"}
      tests:
        - vars: {word: one}
          assert: [{type: contains, value: one}]

      """ + test
    let repo = try repository(suite, server: server, "ungradable-\(line)-\(message.prefix(12))")
    let result = try await repo.promptopsAsync("eval", environment: environment)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(
      result.stdout.contains("prompts/a/evalsuite.yml:\(line): ") && result.stdout.contains(message), "\(result.stdout)"
    )
    #expect(!result.stdout.contains("PASS a"))
    #expect(try server.requestCount() == 0, "a provider was asked before the suite was known to be gradable")
  }

  @Test(.timeLimit(.minutes(5)))
  func anUnknownProviderIsAnErrorAtItsLineWhenTheSuiteIsRead() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try repository(
      """
      providers:
        - id: openai:chat:echo/model
          config: {apiBaseUrl: "BASE"}
        - vertexai:gemini-pro
      tests:
        - vars: {word: one}
          assert: [{type: contains, value: one}]

      """, server: server)
    let eval = try await repo.promptopsAsync("eval", environment: environment)
    #expect(eval.status == 1)
    #expect(
      eval.stdout.contains("prompts/a/evalsuite.yml:4: provider vertexai:gemini-pro: unknown provider"),
      "\(eval.stdout)")
    #expect(try server.requestCount() == 0)
  }

  /// Without `node` on PATH, a javascript assertion is refused naming the missing runtime, at its
  /// line, and nothing runs.
  @Test(.timeLimit(.minutes(5)))
  func javascriptWithoutNodeIsRefusedNamingIt() async throws {
    let server = try LoopbackOpenAIServer()
    let repo = try repository(
      """
      providers:
        - id: openai:chat:echo/model
          config: {apiBaseUrl: "BASE"}
      tests:
        - vars: {word: one}
          assert:
            - type: javascript
              value: output.includes('one')

      """, server: server)
    // A PATH that has everything promptops needs but node.
    let bin = repo.root + "/bin-without-node"
    try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
    for tool in ["git", "python3", "sh"] {
      if let found = which(tool) {
        try FileManager.default.createSymbolicLink(atPath: "\(bin)/\(tool)", withDestinationPath: found)
      }
    }
    let result = try await repo.promptopsAsync("eval", environment: environment.merging(["PATH": bin]) { $1 })
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(
      result.stdout.contains("prompts/a/evalsuite.yml:7: ") && result.stdout.contains("needs `node` on PATH"),
      "\(result.stdout)")
    #expect(try server.requestCount() == 0)
  }
}
