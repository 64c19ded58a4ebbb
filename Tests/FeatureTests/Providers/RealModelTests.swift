import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// A real language model: llama-cpp-python's OpenAI-compatible server with Gemma 3 270M
/// (installed by `ci/install-deps.sh --llm`, which `make test` runs), driven through the
/// OpenAI chat provider. Missing setup fails with the install command; `PROMPTOPS_SKIP_LLM=1`
/// skips it visibly.
@Suite(
  "Real language model", .serialized,
  .enabled(if: !LlamaServer.skipped, "PROMPTOPS_SKIP_LLM=1 skips the real-model tests"))
struct RealModelTests {
  @Test(.timeLimit(.minutes(10)))
  func aChatCompletionThroughTheOpenAIProvider() async throws {
    if let missing = LlamaServer.missingSetup() {
      Issue.record(Comment(rawValue: missing))
      return
    }
    let key = "sk-local-\(UUID().uuidString.prefix(8))"
    let server = try LlamaServer(apiKey: key)
    defer { server.stop() }

    let spec = ProviderSpec(
      id: "openai:chat:\(LlamaServer.modelName)",
      config: [
        "apiBaseUrl": .string(server.baseURL), "max_tokens": .integer(12), "temperature": .integer(0),
        "seed": .integer(1), "timeout": .integer(300_000), "maxRetries": .integer(1),
      ])
    let chat = try ProviderFactory.make(
      spec, environment: ProviderEnvironment(variables: ["OPENAI_API_KEY": key], workingDirectory: "/"))
    let response = try await chat.complete(
      ProviderRequest(prompt: "Answer with one word. What colour is the sky on a clear day?"))

    #expect(!response.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(server.log.suffix(2000))")
    let usage = try #require(response.tokenUsage)
    #expect(usage.prompt > 0)
    #expect(usage.completion > 0)
    #expect(usage.completion <= 12, "max_tokens reached the server")
    #expect(usage.total == usage.prompt + usage.completion)

    // The real server checks the key too: a wrong one is an error that does not show it.
    let wrongKey = "sk-wrong-\(UUID().uuidString.prefix(8))"
    let rejected = try ProviderFactory.make(
      spec, environment: ProviderEnvironment(variables: ["OPENAI_API_KEY": wrongKey], workingDirectory: "/"))
    do {
      _ = try await rejected.complete(ProviderRequest(prompt: "hello"))
      Issue.record("the server accepted a wrong key")
    } catch let error as ProviderError {
      #expect(error.message.contains("HTTP 401"), "\(error.message)")
      #expect(!error.message.contains(wrongKey))
    }
  }
}
