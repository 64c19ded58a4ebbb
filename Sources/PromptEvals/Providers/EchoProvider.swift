/// Answers with the rendered prompt itself: tests of templating and assertions need no model.
struct EchoProvider: EvalProvider {
  var id: String { "echo" }

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    ProviderResponse(output: request.prompt, tokenUsage: nil, cost: 0, latencyMs: 0)
  }
}
