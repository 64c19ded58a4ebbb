import Foundation
import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// The OpenAI chat provider against a real HTTP server on loopback that speaks the chat
/// completions API (Tests/Fixtures/openai-server/server.py), one server per test.
@Suite("OpenAI chat provider")
struct OpenAIChatProviderTests {
  static let key = "sk-test-4f1c9a7e0b2d"

  /// A provider for `model` on `server`, with fast retries unless the test says otherwise.
  func provider(
    _ server: LoopbackOpenAIServer, model: String, config: [String: JSONValue] = [:],
    variables: [String: String] = ["OPENAI_API_KEY": key], id: String? = nil
  ) throws -> any EvalProvider {
    var merged: [String: JSONValue] = ["apiBaseUrl": .string(server.baseURL), "retryBaseDelayMs": .integer(1)]
    merged.merge(config) { _, new in new }
    let spec = ProviderSpec(id: id ?? "openai:chat:\(model)", config: merged)
    return try ProviderFactory.make(spec, environment: ProviderEnvironment(variables: variables, workingDirectory: "/"))
  }

  func words(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }

  @Test func answersWithTheMessageContentAndRecordsUsageAndCost() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let prompt = "Summarise the refund policy in one short sentence"
    let chat = try provider(
      server, model: "echo/success",
      config: ["inputCostPerMillionTokens": .number(2.5), "outputCostPerMillionTokens": .integer(10)])
    let response = try await chat.complete(ProviderRequest(prompt: prompt))

    #expect(response.output == prompt)
    let expectedTokens = words(prompt)
    #expect(response.tokenUsage == TokenUsage(prompt: expectedTokens, completion: expectedTokens))
    let expectedCost = Double(expectedTokens) * 2.5 / 1e6 + Double(expectedTokens) * 10 / 1e6
    #expect(abs((response.cost ?? -1) - expectedCost) < 1e-12)
    #expect(response.latencyMs > 0)
    #expect(try server.requestCount(model: "echo/success") == 1)
  }

  @Test func promptfooPerTokenCostAppliesToBothSides() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "echo", config: ["cost": .number(0.001)])
    let response = try await chat.complete(ProviderRequest(prompt: "one two three"))
    #expect(response.tokenUsage?.total == 6)
    #expect(abs((response.cost ?? -1) - 0.006) < 1e-12)
  }

  @Test func sendsTheConfiguredParametersAndTheShorthandIDWorks() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(
      server, model: "echo/params",
      config: [
        "temperature": .number(0.25), "max_tokens": .integer(17), "top_p": .number(0.5), "seed": .integer(7),
        "stop": .array([.string("END")]), "response_format": .object(["type": .string("json_object")]),
      ], id: "openai:echo/params")
    _ = try await chat.complete(ProviderRequest(prompt: "hello"))
    let body = try #require(try server.requests().last)
    #expect(body["model"] as? String == "echo/params")
    #expect(body["temperature"] as? Double == 0.25)
    #expect(body["max_tokens"] as? Int == 17)
    #expect(body["top_p"] as? Double == 0.5)
    #expect(body["seed"] as? Int == 7)
    #expect(body["stop"] as? [String] == ["END"])
    #expect((body["response_format"] as? [String: Any])?["type"] as? String == "json_object")
    let messages = try #require(body["messages"] as? [[String: Any]])
    #expect(messages.count == 1)
    #expect(messages.first?["role"] as? String == "user")
    #expect(messages.first?["content"] as? String == "hello")
  }

  @Test func aJSONChatPromptIsSentAsItsMessages() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "echo/chat")
    let prompt = #"[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Name a colour"}]"#
    let response = try await chat.complete(ProviderRequest(prompt: prompt))
    #expect(response.output == "Name a colour")
    let messages = try #require(try server.requests().last?["messages"] as? [[String: Any]])
    #expect(messages.map { $0["role"] as? String } == ["system", "user"])
  }

  @Test func retriesRateLimitsThenSucceeds() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "429x2/retry", config: ["maxRetries": .integer(3)])
    let response = try await chat.complete(ProviderRequest(prompt: "after the storm"))
    #expect(response.output == "after the storm")
    // Two refusals and the success: three requests reached the server.
    #expect(try server.requestCount(model: "429x2/retry") == 3)
    let statuses = try server.stats()["byStatus"] as? [String: Int]
    #expect(statuses == ["429": 2, "200": 1])
  }

  @Test func honoursRetryAfter() async throws {
    let server = try LoopbackOpenAIServer(["--retry-after", "1"])
    let chat = try provider(server, model: "429x1/wait")
    let started = Date()
    _ = try await chat.complete(ProviderRequest(prompt: "patience"))
    #expect(Date().timeIntervalSince(started) >= 0.95)
    #expect(try server.requestCount(model: "429x1/wait") == 2)
  }

  @Test func capsRetryAfter() async throws {
    // The server asks for an hour; the cap makes it 100 ms. (Wall time on a busy machine can be
    // far above 100 ms, so the bound checked is "well under the hour".)
    let server = try LoopbackOpenAIServer(["--retry-after", "3600"])
    let chat = try provider(server, model: "503x1/cap", config: ["maxRetryAfterMs": .integer(100)])
    let started = Date()
    let response = try await chat.complete(ProviderRequest(prompt: "not an hour"))
    #expect(response.output == "not an hour")
    #expect(Date().timeIntervalSince(started) < 600)
    #expect(try server.requestCount(model: "503x1/cap") == 2)
  }

  @Test func serverErrorsFailAfterBoundedRetries() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "500/always", config: ["maxRetries": .integer(2)])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("HTTP 500"))
    #expect(error.message.contains("3 attempts"))
    #expect(error.providerID == "openai:chat:500/always")
    #expect(try server.requestCount(model: "500/always") == 3)
  }

  @Test func clientErrorsAreNotRetried() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "400/bad", config: ["maxRetries": .integer(5)])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("HTTP 400: scripted 400"))
    #expect(try server.requestCount(model: "400/bad") == 1)
  }

  @Test func timesOutEachAttemptAndGivesUp() async throws {
    let server = try LoopbackOpenAIServer()
    // Each answer would come after 30 s: without the deadline, the call would succeed then.
    let chat = try provider(
      server, model: "slow30000/timeout", config: ["timeout": .integer(1500), "maxRetries": .integer(1)])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("timed out after 1500 ms"))
    #expect(error.message.contains("2 attempts"))
    #expect(try server.requestCount(model: "slow30000/timeout") >= 1)
  }

  @Test func connectionFailuresAreRetriedThenReported() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "drop/conn", config: ["maxRetries": .integer(2)])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("cannot reach"))
    #expect(try server.requestCount(model: "drop/conn") == 3)
  }

  @Test func anUnreachableServerIsAnError() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "echo", config: ["maxRetries": .integer(1)])
    server.stop()
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("cannot reach http://127.0.0.1:\(server.port)/v1/chat/completions"))
  }

  @Test(arguments: [
    ("malformed", "answer is not valid JSON"),
    ("not-json", "content-type text/html"),
    ("no-choices", "no `choices` array"),
    ("no-content", "has no text `content`"),
  ])
  func answersThatBreakTheProtocolAreErrors(behaviour: String, expected: String) async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: behaviour, config: ["maxRetries": .integer(3)])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains(expected), "\(error.message)")
    // A garbled answer is not retried: asking again costs money and rarely helps.
    #expect(try server.requestCount(model: behaviour) == 1)
  }

  @Test func aMissingUsageLeavesUsageAndCostUnknown() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "no-usage", config: ["cost": .number(0.5)])
    let response = try await chat.complete(ProviderRequest(prompt: "count me"))
    #expect(response.output == "count me")
    #expect(response.tokenUsage == nil)
    #expect(response.cost == nil)
  }

  @Test func withoutPricesTheCostIsUnknown() async throws {
    let server = try LoopbackOpenAIServer()
    let response = try await provider(server, model: "echo").complete(ProviderRequest(prompt: "a b"))
    #expect(response.tokenUsage?.total == 4)
    #expect(response.cost == nil)
  }

  @Test func aMissingKeyFailsBeforeAnyRequest() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let chat = try provider(server, model: "echo", variables: [:])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("no API key: set OPENAI_API_KEY"))
    #expect(try server.requestCount() == 0)
  }

  @Test func aServerThatNeedsNoKeyCanBeUsedWithout() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "echo", config: ["apiKeyRequired": .bool(false)], variables: [:])
    #expect(try await chat.complete(ProviderRequest(prompt: "local")).output == "local")
  }

  @Test func aWrongKeyIsRejectedWithoutShowingIt() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let wrong = "sk-wrong-93b1d8c2e6"
    let chat = try provider(server, model: "echo", variables: ["OPENAI_API_KEY": wrong])
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("HTTP 401"))
    #expect(error.message.contains("check the key in OPENAI_API_KEY"))
    #expect(!error.description.contains(wrong))
    #expect(try server.requestCount() == 1, "a rejected key is not retried")
  }

  @Test func apiKeyEnvarNamesAnotherVariable() async throws {
    let server = try LoopbackOpenAIServer(["--require-key", Self.key])
    let chat = try provider(
      server, model: "echo", config: ["apiKeyEnvar": .string("LOCAL_LLM_KEY")],
      variables: ["LOCAL_LLM_KEY": Self.key, "OPENAI_API_KEY": "sk-not-this-one"])
    #expect(try await chat.complete(ProviderRequest(prompt: "routed")).output == "routed")
  }

  @Test func aKeyEchoedByTheServerIsScrubbedFromTheError() async throws {
    let server = try LoopbackOpenAIServer()
    let chat = try provider(server, model: "leak-key")
    let error = try #require(await providerFailure { try await chat.complete(ProviderRequest(prompt: "x")) })
    #expect(error.message.contains("Incorrect API key provided: Bearer [redacted]"))
    #expect(!error.description.contains(Self.key))
    #expect(!String(describing: error).contains(Self.key))
  }

  @Test func baseURLComesFromTheEnvironmentWhenTheConfigHasNone() async throws {
    let server = try LoopbackOpenAIServer()
    let spec = ProviderSpec(id: "openai:chat:echo/env")
    let chat = try ProviderFactory.make(
      spec,
      environment: ProviderEnvironment(
        variables: ["OPENAI_BASE_URL": server.baseURL, "OPENAI_API_KEY": Self.key], workingDirectory: "/"))
    #expect(try await chat.complete(ProviderRequest(prompt: "from env")).output == "from env")
    #expect(try server.requestCount(model: "echo/env") == 1)
  }

  @Test(arguments: [
    (["temprature": JSONValue.number(0.1)], "unknown config key `temprature`"),
    (["apiKey": .string("sk-inline")], "config `apiKey` would put the key"),
    (["timeout": .string("5s")], "config `timeout` must be a number"),
    (["maxRetries": .integer(-1)], "config `maxRetries` must be an integer of at least 0"),
    (["apiBaseUrl": .string("ftp://example.com")], "is not an http(s) URL"),
    (["headers": .object(["Authorization": .string("Bearer x")])], "must not set Authorization"),
  ])
  func badConfigurationIsRefused(config: [String: JSONValue], expected: String) throws {
    let error = #expect(throws: ProviderError.self) {
      _ = try ProviderFactory.make(
        ProviderSpec(id: "openai:chat:gpt-4o-mini", config: config),
        environment: ProviderEnvironment(variables: [:], workingDirectory: "/"))
    }
    #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    #expect(error?.message.contains("sk-inline") == false)
  }

  @Test(arguments: [
    "openai:completion:davinci", "openai:chat:", "anthropic:completion:claude-2", "azure:assistant:x", "vertex:gemini",
    "exec:",
  ])
  func unsupportedProviderIDsAreRefused(id: String) {
    #expect(throws: ProviderError.self) {
      _ = try ProviderFactory.make(
        ProviderSpec(id: id), environment: ProviderEnvironment(variables: [:], workingDirectory: "/"))
    }
  }
}
