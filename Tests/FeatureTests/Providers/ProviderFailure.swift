import Testing

@testable import PromptEvals

/// The `ProviderError` a provider call ends in; nil (the test then fails its own expectation)
/// when it answered, and a recorded issue when it failed some other way.
func providerFailure(_ body: () async throws -> ProviderResponse) async -> ProviderError? {
  do {
    _ = try await body()
    return nil
  } catch let error as ProviderError {
    return error
  } catch {
    Issue.record("expected a ProviderError, got \(error)")
    return nil
  }
}
