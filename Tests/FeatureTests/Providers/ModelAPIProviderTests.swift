import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// Anthropic's Messages API, Azure OpenAI and embedding models, each against the loopback
/// server speaking that API (Tests/Fixtures/openai-server/server.py), one server per test.
@Suite("Anthropic, Azure and embedding providers")
struct ModelAPIProviderTests {
  static let key = "sk-loopback-7d2e91c4"

  func make(_ id: String, config: [String: JSONValue] = [:], variables: [String: String]) throws -> any EvalProvider {
    try ProviderFactory.make(
      ProviderSpec(id: id, config: config),
      environment: ProviderEnvironment(variables: variables, workingDirectory: "/"))
  }

  @Test(.timeLimit(.minutes(5)))
  func anthropicSendsTheSystemApartWithItsHeadersAndReadsContentBlocks() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let model = try make(
      "anthropic:messages:echo/claude",
      variables: ["ANTHROPIC_BASE_URL": server.rootURL, "ANTHROPIC_API_KEY": Self.key])
    let prompt = #"[{"role":"system","content":"Be brief."},{"role":"user","content":"Name a colour"}]"#
    let response = try await model.complete(ProviderRequest(prompt: prompt))
    #expect(response.output == "Name a colour")
    #expect(response.tokenUsage == TokenUsage(prompt: 5, completion: 3))
    let body = try #require(try server.requests().last)
    #expect(body["system"] as? String == "Be brief.")
    let messages = try #require(body["messages"] as? [[String: Any]])
    #expect(messages.count == 1 && messages[0]["role"] as? String == "user")
    // promptfoo's defaults: ANTHROPIC_MAX_TOKENS or 1024, ANTHROPIC_TEMPERATURE or 0.
    #expect(body["max_tokens"] as? Int == 1024)
    #expect(body["temperature"] as? Double == 0)
    #expect(body["model"] as? String == "echo/claude")
    let exchange = try #require(try server.exchanges().last)
    #expect(exchange["path"] as? String == "/v1/messages")
    #expect(exchange["auth"] as? [String] == ["x-api-key"])
    #expect(exchange["anthropicVersion"] as? String == "2023-06-01")
  }

  @Test(.timeLimit(.minutes(5)))
  func anthropicReadsItsEnvironmentDefaultsAndAWrongKeyNeverShows() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let variables = [
      "ANTHROPIC_BASE_URL": server.rootURL, "ANTHROPIC_API_KEY": "sk-wrong-0000", "ANTHROPIC_MAX_TOKENS": "77",
      "ANTHROPIC_TEMPERATURE": "0.5",
    ]
    let model = try make("anthropic:messages:echo", config: ["maxRetries": .integer(0)], variables: variables)
    let error = await #expect(throws: ProviderError.self) {
      _ = try await model.complete(ProviderRequest(prompt: "hi"))
    }
    #expect(error?.message.contains("HTTP 401") == true, "\(String(describing: error))")
    #expect(error?.message.contains("ANTHROPIC_API_KEY") == true)
    #expect(error?.description.contains("sk-wrong-0000") == false)
    let body = try #require(try server.requests().last)
    #expect(body["max_tokens"] as? Int == 77)
    #expect(body["temperature"] as? Double == 0.5)
    // No key at all: refused before any request.
    let keyless = try make("anthropic:messages:echo", variables: ["ANTHROPIC_BASE_URL": server.rootURL])
    let before = try server.requestCount()
    await #expect(throws: ProviderError.self) { _ = try await keyless.complete(ProviderRequest(prompt: "hi")) }
    #expect(try server.requestCount() == before)
  }

  @Test(.timeLimit(.minutes(5)))
  func azureCallsTheDeploymentWithTheAPIVersionAndTheApiKeyHeader() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    // The second of promptfoo's key variables, and its base-URL variable.
    let variables = ["AZURE_OPENAI_API_BASE_URL": server.rootURL, "AZURE_OPENAI_API_KEY": Self.key]
    let model = try make("azure:chat:echo", variables: variables)
    #expect(try await model.complete(ProviderRequest(prompt: "hello azure")).output == "hello azure")
    var exchange = try #require(try server.exchanges().last)
    #expect(exchange["path"] as? String == "/openai/deployments/echo/chat/completions")
    #expect(exchange["query"] as? String == "api-version=2024-10-21")
    #expect(exchange["auth"] as? [String] == ["api-key"])
    // The deployment names the model: the body carries none.
    #expect(try server.requests().last?["model"] == nil)

    let pinned = try make("azure:chat:echo", config: ["apiVersion": .string("2024-02-01")], variables: variables)
    _ = try await pinned.complete(ProviderRequest(prompt: "again"))
    exchange = try #require(try server.exchanges().last)
    #expect(exchange["query"] as? String == "api-version=2024-02-01")
  }

  @Test func azureBuildsItsURLFromTheHostAsPromptfooDoes() throws {
    let fromHost = try make("azure:chat:gpt4o", variables: ["AZURE_OPENAI_API_HOST": "https://myres.openai.azure.com/"])
    #expect(
      (fromHost as? ModelAPIProvider)?.endpoint.absoluteString
        == "https://myres.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21")
    let fromConfig = try make(
      "azure:chat:gpt4o", config: ["apiHost": .string("other.openai.azure.com")],
      variables: ["AZURE_API_HOST": "ignored.example"])
    #expect((fromConfig as? ModelAPIProvider)?.endpoint.host == "other.openai.azure.com")
    let error = #expect(throws: ProviderError.self) { _ = try make("azure:chat:gpt4o", variables: [:]) }
    #expect(error?.message.contains("AZURE_OPENAI_API_HOST") == true)
    #expect(throws: ProviderError.self) {
      _ = try make("azure:chat:gpt4o", config: ["apiKey": .string("inline")], variables: ["AZURE_API_HOST": "h"])
    }
  }

  @Test(.timeLimit(.minutes(5)))
  func embeddingModelsAnswerWithTheirVector() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let openai = try make(
      "openai:embedding:text-embedding-3-small",
      variables: ["OPENAI_BASE_URL": server.baseURL, "OPENAI_API_KEY": Self.key])
    let vector = try JSONValue.parse(
      Data(try await openai.complete(ProviderRequest(prompt: "the cat sat")).output.utf8))
    guard case .array(let numbers) = vector else { throw ProviderError(providerID: "test", message: "not an array") }
    #expect(numbers.count == 64)
    #expect(try server.requests().last?["input"] as? String == "the cat sat")
    #expect(try server.exchanges().last?["path"] as? String == "/v1/embeddings")

    let azure = try make(
      "azure:embedding:vectors", variables: ["AZURE_API_BASE_URL": server.rootURL, "AZURE_API_KEY": Self.key])
    #expect(try await azure.complete(ProviderRequest(prompt: "the cat sat")).output == vector.canonicalJSON)
    #expect(try server.exchanges().last?["path"] as? String == "/openai/deployments/vectors/embeddings")
  }

  @Test(arguments: [
    ("vertex:gemini-pro", "unknown provider"), ("anthropic:completion:claude-2", "use `anthropic:messages:<model>`"),
    ("azure:assistant:x", "use `azure:chat:<deployment>`"), ("azure:chat:", "no deployment named"),
  ])
  func providerIDsPromptopsCannotRunAreRefusedWithTheReason(id: String, reason: String) {
    let error = #expect(throws: ProviderError.self) { _ = try ProviderKind.of(id) }
    #expect(error?.message.contains(reason) == true, "\(String(describing: error))")
  }
}
