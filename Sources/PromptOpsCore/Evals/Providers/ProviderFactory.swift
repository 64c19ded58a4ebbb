/// Makes the live provider a spec names.
public enum ProviderFactory {
  public static func make(_ spec: ProviderSpec, environment: ProviderEnvironment) throws -> any EvalProvider {
    switch spec.id {
    case "echo": return EchoProvider()
    default: throw ProviderError(providerID: spec.id, message: "unknown provider (known: echo)")
    }
  }
}

/// Answers with the rendered prompt itself: tests of templating and assertions need no model.
struct EchoProvider: EvalProvider {
  var id: String { "echo" }

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    ProviderResponse(output: request.prompt, tokenUsage: nil, cost: 0, latencyMs: 0)
  }
}
