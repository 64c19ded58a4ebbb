import Foundation
import TestSupport
import Testing

/// `promptops eval` against a real language model: llama-cpp-python's OpenAI-compatible server
/// with Gemma 3 270M (installed by `ci/install-deps.sh --llm`, which `make test` runs). Missing
/// setup fails with the install command; `PROMPTOPS_SKIP_LLM=1` skips it visibly.
@Suite(
  "eval against a real language model", .serialized,
  .enabled(if: !LlamaServer.skipped, "PROMPTOPS_SKIP_LLM=1 skips the real-model tests"))
struct EvalRealModelTests {
  @Test(.timeLimit(.minutes(10)))
  func promptopsEvalGetsARealAnswerAndCachesIt() throws {
    if let missing = LlamaServer.missingSetup() {
      Issue.record(Comment(rawValue: missing))
      return
    }
    let key = "sk-local-\(UUID().uuidString.prefix(12))"
    let server = try LlamaServer(apiKey: key)
    defer { server.stop() }

    let repo = try TempRepo()
    try repo.writePrompt(
      "sky", text: "Answer in one word: what colour is the {{thing}}?\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.write(
      "prompts/sky/evalsuite.yml",
      """
      description: a real model answers
      providers:
        - id: openai:chat:\(LlamaServer.modelName)
          config:
            apiBaseUrl: "\(server.baseURL)"
            max_tokens: 8
            temperature: 0
            seed: 1
            timeout: 300000
            maxRetries: 1
      tests:
        - vars: {thing: sky on a clear day}
          assert:
            - type: not-icontains
              value: zq-never-said-zq

      """)
    _ = try repo.commit("a prompt with a suite on a real model")

    let resultsFile = repo.root + "/results.json"
    let environment = ["OPENAI_API_KEY": key]
    let first = try repo.promptops("eval", "--output", resultsFile, environment: environment)
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)\n\(server.log.suffix(2000))")
    let firstResult = try onlyResult(resultsFile)
    let response = try #require(firstResult["response"] as? [String: Any])
    let output = try #require(response["output"] as? String)
    #expect(!output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "the model said nothing")
    #expect(response["cached"] as? Bool == false)
    let usage = try #require(firstResult["tokenUsage"] as? [String: Any])
    #expect((usage["prompt"] as? Int ?? 0) > 0)
    #expect((usage["completion"] as? Int ?? 0) > 0)
    #expect(firstResult["success"] as? Bool == true)

    // Nothing changed: the answer comes from the cache, word for word.
    let second = try repo.promptops("eval", "--output", resultsFile, environment: environment)
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    let secondResponse = try #require(try onlyResult(resultsFile)["response"] as? [String: Any])
    #expect(secondResponse["cached"] as? Bool == true)
    #expect(secondResponse["output"] as? String == output)

    // The key is in none of what promptops wrote.
    let notes = (try? repo.git("log", "--all", "-p", "--notes=promptops")) ?? ""
    let written = try String(contentsOfFile: resultsFile, encoding: .utf8)
    #expect(notes.contains("sky"), "the run is recorded as a note")
    for text in [first.stdout, first.stderr, second.stdout, second.stderr, written, notes] {
      #expect(!text.contains(key))
    }
  }

  /// The single entry of `results.results` in a promptfoo-shaped results file.
  func onlyResult(_ path: String) throws -> [String: Any] {
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let results = try #require((document["results"] as? [String: Any])?["results"] as? [[String: Any]])
    #expect(results.count == 1)
    return try #require(results.first)
  }
}
