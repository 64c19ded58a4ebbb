import Foundation

/// One rendered prompt sent to a provider for one test.
public struct ProviderRequest: Sendable, Equatable {
  /// The prompt after template rendering: exactly what the model sees.
  public var prompt: String
  /// The test's variables, for providers that pass context on (promptfoo's exec provider does).
  public var vars: [String: String]

  public init(prompt: String, vars: [String: String] = [:]) {
    self.prompt = prompt
    self.vars = vars
  }
}

/// Tokens a provider reports for one call.
public struct TokenUsage: Sendable, Codable, Equatable {
  public var prompt: Int
  public var completion: Int
  public var total: Int

  public init(prompt: Int, completion: Int, total: Int? = nil) {
    self.prompt = prompt
    self.completion = completion
    self.total = total ?? prompt + completion
  }
}

/// A provider's answer for one request.
public struct ProviderResponse: Sendable, Equatable {
  public var output: String
  public var tokenUsage: TokenUsage?
  /// US dollars, when the provider's configuration gives prices or the API reports a cost.
  public var cost: Double?
  /// Wall time of the successful attempt, in milliseconds.
  public var latencyMs: Double

  public init(output: String, tokenUsage: TokenUsage? = nil, cost: Double? = nil, latencyMs: Double) {
    self.output = output
    self.tokenUsage = tokenUsage
    self.cost = cost
    self.latencyMs = latencyMs
  }
}

/// A provider could not produce an answer: unreachable, timed out after its retries, non-zero
/// exit, or an answer that is not what its protocol promises. The gate reports it as
/// `eval-error` and fails closed.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
  public let providerID: String
  public let message: String

  public init(providerID: String, message: String) {
    self.providerID = providerID
    self.message = message
  }

  public var description: String { "provider \(providerID): \(message)" }
}

/// A model, or a stand-in for one, that answers rendered prompts.
public protocol EvalProvider: Sendable {
  /// The provider id as the suite names it (`echo`, `exec:…`, `openai:chat:<model>`).
  var id: String { get }
  /// What decides this provider's answers beyond its spec and is taken from the environment (the
  /// endpoint an OpenAI-compatible provider resolved from `OPENAI_BASE_URL`), so that answers
  /// cached from one server are never served for another. Never a secret: it goes into cache keys.
  var cacheIdentity: String { get }
  func complete(_ request: ProviderRequest) async throws -> ProviderResponse
}

extension EvalProvider {
  public var cacheIdentity: String { "" }
}

/// What a provider may read from the world when it is made.
public struct ProviderEnvironment: Sendable {
  /// Environment variables (`OPENAI_API_KEY`, `OPENAI_BASE_URL`, …).
  public var variables: [String: String]
  /// The folder relative paths in provider specs are resolved against (the suite's folder).
  public var workingDirectory: String

  public init(variables: [String: String] = ProcessInfo.processInfo.environment, workingDirectory: String) {
    self.variables = variables
    self.workingDirectory = workingDirectory
  }
}
