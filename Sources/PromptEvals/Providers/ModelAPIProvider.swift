import Foundation
import PromptModel

/// A model behind an HTTP API, in one of the dialects promptfoo's providers speak:
///
/// - `openai:chat:<model>` (or promptfoo's shorthand `openai:<model>`): OpenAI's chat completions
///   API, `POST {base}/chat/completions` — OpenAI itself, a gateway, or a local llama.cpp
///   server. The base URL is config `apiBaseUrl`, else config `apiHost` (`https://{apiHost}/v1`),
///   else `OPENAI_BASE_URL` or `OPENAI_API_BASE_URL`, else `https://api.openai.com/v1`. The key
///   (`OPENAI_API_KEY`) goes in `Authorization: Bearer`.
/// - `openai:embedding:<model>` (or `openai:embeddings:`): `POST {base}/embeddings`, for the
///   assertions graded with embeddings (`similar`); the answer is the vector, as JSON.
/// - `azure:chat:<deployment>` (and `azure:embedding:<deployment>`): Azure OpenAI,
///   `POST {base}/openai/deployments/{deployment}/chat/completions?api-version={apiVersion}`
///   (`/embeddings` for embeddings). The base is config `apiBaseUrl`, else `AZURE_API_BASE_URL`,
///   `AZURE_OPENAI_API_BASE_URL` or `AZURE_OPENAI_BASE_URL`, else `https://{host}` with the host
///   from config `apiHost`, `AZURE_API_HOST` or `AZURE_OPENAI_API_HOST`; `apiVersion` defaults to
///   promptfoo's `2024-10-21`. The key (`AZURE_API_KEY`, else `AZURE_OPENAI_API_KEY`) goes in
///   the `api-key` header.
/// - `anthropic:messages:<model>`: Anthropic's Messages API, `POST {base}/v1/messages`, with the
///   base from config `apiBaseUrl`, else `ANTHROPIC_BASE_URL`, else `https://api.anthropic.com`.
///   The key (`ANTHROPIC_API_KEY`) goes in `x-api-key`, with `anthropic-version: 2023-06-01`.
///   System messages of a chat prompt become the `system` field; `max_tokens` defaults to
///   `ANTHROPIC_MAX_TOKENS` or 1024 and `temperature` to `ANTHROPIC_TEMPERATURE` or 0, as in
///   promptfoo; the answer is the text of its `content` blocks.
///
/// The key is read from the environment (or from the variable config `apiKeyEnvar` names) when a
/// request is made (so fully cached runs need no key). It is sent only in its header and scrubbed
/// from every error message; a key written into the config (`apiKey`) is refused, because the
/// config goes into cache keys and result files. A server that needs no key (a local one) takes
/// `apiKeyRequired: false`.
///
/// A chat prompt is sent as one user message, or, when it is a JSON array of `{role, content}`
/// objects (promptfoo's chat prompt format), as those messages. An OpenAI answer that is tool or
/// function calls (no text) is given as the JSON promptfoo takes for its output: the
/// `tool_calls` array, or the `function_call` object.
///
/// Config keys:
/// - Sent in the request body: `temperature`, `max_tokens`, `max_completion_tokens`, `top_p`,
///   `seed`, `stop`, `response_format`, `frequency_penalty`, `presence_penalty`, `logit_bias`,
///   `user`, `tools`, `tool_choice`, `functions`, `function_call` (Anthropic: `temperature`,
///   `max_tokens`, `top_p`, `top_k`, `stop_sequences`, `tools`, `tool_choice`, `metadata`);
///   and `passthrough`, an object merged into the body as it is.
/// - `headers`: extra request headers (string values); `organization`: `OpenAI-Organization`.
/// - `apiVersion` (Azure).
/// - `timeout`: milliseconds per attempt, the whole exchange (default 120000).
/// - `maxRetries` (default 4), `retryBaseDelayMs` (default 1000), `maxRetryDelayMs` (default
///   30000), `maxRetryAfterMs` (default 60000): see `RetryPolicy`.
/// - Prices: see `ProviderPricing`.
///
/// Any other key is an error, so a misspelt `temprature` cannot silently change what is tested.
struct ModelAPIProvider: EvalProvider {
  /// The API a provider id speaks.
  enum API: Sendable, Equatable {
    case openAIChat
    case openAIEmbedding
    case azureChat(deployment: String)
    case azureEmbedding(deployment: String)
    case anthropicMessages

    var isEmbedding: Bool {
      switch self {
      case .openAIEmbedding, .azureEmbedding: return true
      default: return false
      }
    }

    var isAnthropic: Bool { self == .anthropicMessages }
    var isAzure: Bool {
      switch self {
      case .azureChat, .azureEmbedding: return true
      default: return false
      }
    }
  }

  static let defaultBaseURL = "https://api.openai.com/v1"
  static let defaultAnthropicBaseURL = "https://api.anthropic.com"
  /// promptfoo's `DEFAULT_AZURE_API_VERSION`.
  static let defaultAzureAPIVersion = "2024-10-21"
  static let anthropicVersion = "2023-06-01"
  static let defaultTimeoutMs = 120_000.0

  static let openAIBodyKeys: Set<String> = [
    "temperature", "max_tokens", "max_completion_tokens", "top_p", "seed", "stop", "response_format",
    "frequency_penalty", "presence_penalty", "logit_bias", "user", "tools", "tool_choice", "functions", "function_call",
  ]
  static let anthropicBodyKeys: Set<String> = [
    "temperature", "max_tokens", "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "metadata",
  ]
  static let embeddingBodyKeys: Set<String> = ["dimensions", "encoding_format", "user"]
  static let settingKeys: Set<String> = [
    "apiBaseUrl", "apiHost", "apiKeyEnvar", "apiKeyRequired", "organization", "headers", "passthrough",
    "timeout", "maxRetries", "retryBaseDelayMs", "maxRetryDelayMs", "maxRetryAfterMs", "apiVersion",
  ]

  let id: String
  let model: String
  let api: API
  let endpoint: URL
  var cacheIdentity: String { endpoint.absoluteString }
  /// The variables the key is read from, in order.
  let keyVariables: [String]
  var keyVariable: String { keyVariables[0] }
  let key: String?
  let keyRequired: Bool
  let extraHeaders: [String: String]
  let bodyTemplate: [String: JSONValue]
  let timeoutSeconds: Double
  let retryPolicy: RetryPolicy
  let pricing: ProviderPricing

  init(spec: ProviderSpec, model: String, api: API, environment: ProviderEnvironment) throws {
    id = spec.id
    self.model = model
    self.api = api
    let config = ProviderConfig(spec)
    let variables = environment.variables
    func variable(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }

    let defaultKeyVariables: [String]
    switch api {
    case .openAIChat, .openAIEmbedding: defaultKeyVariables = ["OPENAI_API_KEY"]
    case .azureChat, .azureEmbedding: defaultKeyVariables = ["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"]
    case .anthropicMessages: defaultKeyVariables = ["ANTHROPIC_API_KEY"]
    }
    if spec.config["apiKey"] != nil {
      throw config.error(
        "config `apiKey` would put the key into cache keys and results; set \(defaultKeyVariables[0]), or name another variable with `apiKeyEnvar`"
      )
    }
    let bodyKeys =
      api.isEmbedding ? Self.embeddingBodyKeys : api.isAnthropic ? Self.anthropicBodyKeys : Self.openAIBodyKeys
    var known = bodyKeys.union(Self.settingKeys).union(ProviderPricing.keys)
    if !api.isAzure { known.remove("apiVersion") }
    if api.isAnthropic { known.remove("organization") }
    if let unknown = spec.config.keys.sorted().first(where: { !known.contains($0) }) {
      throw config.error("unknown config key `\(unknown)` (known: \(known.sorted().joined(separator: ", ")))")
    }

    let url: URL?
    let base: String
    switch api {
    case .openAIChat, .openAIEmbedding:
      if let configured = try config.string("apiBaseUrl") {
        base = configured
      } else if let host = try config.string("apiHost") {
        base = "https://\(host)/v1"
      } else {
        base = variable("OPENAI_BASE_URL") ?? variable("OPENAI_API_BASE_URL") ?? Self.defaultBaseURL
      }
      url = URL(string: Self.trimmingSlash(base) + (api.isEmbedding ? "/embeddings" : "/chat/completions"))
    case .azureChat(let deployment), .azureEmbedding(let deployment):
      if let configured = try config.string("apiBaseUrl") ?? variable("AZURE_API_BASE_URL") ?? variable(
        "AZURE_OPENAI_API_BASE_URL")
        ?? variable("AZURE_OPENAI_BASE_URL")
      {
        base = configured
      } else if let host = try config.string("apiHost") ?? variable("AZURE_API_HOST")
        ?? variable("AZURE_OPENAI_API_HOST")
      {
        let bare = host.replacingOccurrences(of: "^https?://", with: "", options: .regularExpression)
        base = "https://" + Self.trimmingSlash(bare)
      } else {
        throw config.error(
          "no Azure endpoint: set config `apiHost` (or AZURE_API_HOST / AZURE_OPENAI_API_HOST), or `apiBaseUrl`")
      }
      let version = try config.string("apiVersion") ?? Self.defaultAzureAPIVersion
      let path = api.isEmbedding ? "embeddings" : "chat/completions"
      var components = URLComponents(string: Self.trimmingSlash(base) + "/openai/deployments/\(deployment)/\(path)")
      components?.queryItems = [URLQueryItem(name: "api-version", value: version)]
      url = components?.url
    case .anthropicMessages:
      base = try config.string("apiBaseUrl") ?? variable("ANTHROPIC_BASE_URL") ?? Self.defaultAnthropicBaseURL
      url = URL(string: Self.trimmingSlash(base) + "/v1/messages")
    }
    guard let url, let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
      throw config.error("base URL `\(base)` is not an http(s) URL")
    }
    endpoint = url

    if let named = try config.string("apiKeyEnvar") {
      keyVariables = [named]
    } else {
      keyVariables = defaultKeyVariables
    }
    key = keyVariables.lazy.compactMap(variable).first
    keyRequired = try config.bool("apiKeyRequired") ?? true

    let authHeader = api.isAnthropic ? "x-api-key" : api.isAzure ? "api-key" : "Authorization"
    var headers: [String: String] = [:]
    if case .object(let members)? = spec.config["headers"] {
      for (name, value) in members {
        guard case .string(let text) = value else {
          throw config.error("config `headers.\(name)` must be a string, not \(value.typeName)")
        }
        guard name.caseInsensitiveCompare(authHeader) != .orderedSame else {
          throw config.error("config `headers` must not set \(authHeader); the key comes from \(keyVariables[0])")
        }
        headers[name] = text
      }
    } else if let other = spec.config["headers"], other != .null {
      throw config.error("config `headers` must be a mapping of header names to strings, not \(other.typeName)")
    }
    if let organization = try config.string("organization") { headers["OpenAI-Organization"] = organization }
    extraHeaders = headers

    var body: [String: JSONValue] = [:]
    for key in bodyKeys { if let value = spec.config[key], value != .null { body[key] = value } }
    if api.isAnthropic {
      if body["max_tokens"] == nil {
        guard let tokens = Int(variable("ANTHROPIC_MAX_TOKENS") ?? "1024") else {
          throw config.error("ANTHROPIC_MAX_TOKENS is not a whole number")
        }
        body["max_tokens"] = .integer(Int64(tokens))
      }
      if body["temperature"] == nil {
        guard let temperature = Double(variable("ANTHROPIC_TEMPERATURE") ?? "0") else {
          throw config.error("ANTHROPIC_TEMPERATURE is not a number")
        }
        body["temperature"] = .number(temperature)
      }
    }
    if case .object(let members)? = spec.config["passthrough"] {
      body.merge(members) { _, new in new }
    } else if let other = spec.config["passthrough"], other != .null {
      throw config.error("config `passthrough` must be a mapping, not \(other.typeName)")
    }
    if body["stream"] == .bool(true) {
      throw config.error("streaming answers are not supported; remove `stream: true`")
    }
    if !api.isAzure || api.isEmbedding { body["model"] = .string(model) }
    if case .azureEmbedding = api { body.removeValue(forKey: "model") }
    bodyTemplate = body

    timeoutSeconds = (try config.number("timeout", atLeast: 1) ?? Self.defaultTimeoutMs) / 1000
    var policy = RetryPolicy()
    if let retries = try config.integer("maxRetries", atLeast: 0) { policy.maxRetries = min(retries, 20) }
    if let base = try config.number("retryBaseDelayMs") { policy.baseDelay = base / 1000 }
    if let cap = try config.number("maxRetryDelayMs") { policy.maxDelay = cap / 1000 }
    if let cap = try config.number("maxRetryAfterMs") { policy.maxRetryAfter = cap / 1000 }
    retryPolicy = policy
    pricing = try ProviderPricing(config: config)
  }

  private static func trimmingSlash(_ text: String) -> String { text.hasSuffix("/") ? String(text.dropLast()) : text }

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    if keyRequired && key == nil {
      throw fail(
        "no API key: set \(keyVariable) (or `apiKeyRequired: false` in the provider config for a server that needs none)"
      )
    }
    var body = bodyTemplate
    switch api {
    case .openAIChat, .azureChat: body["messages"] = Self.messages(for: request.prompt)
    case .openAIEmbedding, .azureEmbedding: body["input"] = .string(request.prompt)
    case .anthropicMessages:
      let (system, messages) = Self.anthropicMessages(for: request.prompt)
      body["messages"] = messages
      if let system { body["system"] = system }
    }
    var urlRequest = HTTPRequest(url: endpoint, body: try ProviderJSON.encode(.object(body)))
    urlRequest.headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
    for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) { urlRequest.headers.append((name, value)) }
    if api.isAnthropic { urlRequest.headers.append(("anthropic-version", Self.anthropicVersion)) }
    if let key {
      switch api {
      case .anthropicMessages: urlRequest.headers.append(("x-api-key", key))
      case .azureChat, .azureEmbedding: urlRequest.headers.append(("api-key", key))
      case .openAIChat, .openAIEmbedding: urlRequest.headers.append(("Authorization", "Bearer \(key)"))
      }
    }

    var attempt = 0
    while true {
      try Task.checkCancellation()
      let started = DispatchTime.now().uptimeNanoseconds
      let result = await HTTPTransport.send(urlRequest, timeout: timeoutSeconds)
      let latencyMs = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
      let tries = attempt + 1
      let problem: String
      var headers: [String: String] = [:]
      switch result {
      case .success(let answer) where (200...299).contains(answer.status):
        return try parse(answer, latencyMs: latencyMs)
      case .success(let answer):
        let reason = "HTTP \(answer.status)\(Self.errorDetail(answer.body).map { ": \($0)" } ?? "")"
        guard RetryPolicy.isRetryable(status: answer.status) else {
          var hint = ""
          if answer.status == 401 || answer.status == 403 {
            hint = key == nil ? " (no API key was sent; set \(keyVariable))" : " (check the key in \(keyVariable))"
          }
          throw fail("\(reason)\(hint)")
        }
        problem = reason
        headers = answer.headers
      case .failure(.timedOut):
        problem = "timed out after \(Int(timeoutSeconds * 1000)) ms"
      case .failure(.connection(let description)):
        problem = "cannot reach \(endpoint.absoluteString): \(description)"
      case .failure(.unavailable(let reason)):
        throw fail(reason)
      case .failure(.tooLarge(let part)):
        // Not retried: a server that sends this much once will again, and each try costs.
        throw fail(
          part == "headers"
            ? "the answer's headers are larger than \(HTTPTransport.maxHeaders >> 10) KiB; the answer was not read"
            : "the answer is larger than \(HTTPTransport.maxBody >> 20) MiB, the most promptops reads; it was not read or graded"
        )
      }
      guard attempt < retryPolicy.maxRetries else {
        throw fail(tries == 1 ? problem : "\(problem) (gave up after \(tries) attempts)")
      }
      let wait = retryPolicy.delay(beforeRetry: attempt, headers: headers)
      if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
      attempt += 1
    }
  }

  /// The chat messages for a rendered prompt: promptfoo's JSON chat format when the prompt is
  /// one, else a single user message.
  static func messages(for prompt: String) -> JSONValue {
    let trimmed = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("["), let parsed = try? JSONValue.parse(Data(trimmed.utf8)), case .array(let items) = parsed,
      !items.isEmpty,
      items.allSatisfy({ item in
        guard case .object(let message) = item, case .string? = message["role"] else { return false }
        return message["content"] != nil
      })
    {
      return parsed
    }
    return .array([.object(["role": .string("user"), "content": .string(prompt)])])
  }

  /// promptfoo's `parseMessages` for Anthropic: system messages of a chat prompt become the
  /// `system` field (their texts joined by blank lines), the rest the messages; plain text is
  /// one user message.
  static func anthropicMessages(for prompt: String) -> (system: JSONValue?, messages: JSONValue) {
    guard case .array(let items) = messages(for: prompt) else { return (nil, .array([])) }
    var system: [String] = []
    var rest: [JSONValue] = []
    for item in items {
      if item["role"] == .string("system") {
        system.append(item["content"].map(GradingPrompts.templateValue) ?? "")
      } else {
        rest.append(item)
      }
    }
    return (system.isEmpty ? nil : .string(system.joined(separator: "\n\n")), .array(rest))
  }

  private func parse(_ answer: HTTPTransport.Answer, latencyMs: Double) throws -> ProviderResponse {
    let parsed: JSONValue
    do {
      parsed = try JSONValue.parse(answer.body)
    } catch {
      let type = answer.headers["content-type"].map { " (content-type \($0))" } ?? ""
      throw fail("HTTP \(answer.status) answer is not valid JSON\(type): \(excerpt(answer.body))")
    }
    guard case .object(let root) = parsed else {
      throw fail("the answer is JSON \(parsed.typeName), not an object")
    }
    switch api {
    case .anthropicMessages: return try parseAnthropic(root, answer: answer, latencyMs: latencyMs)
    case .openAIEmbedding, .azureEmbedding: return try parseEmbedding(root, answer: answer, latencyMs: latencyMs)
    case .openAIChat, .azureChat: break
    }
    guard case .array(let choices)? = root["choices"] else {
      if let detail = Self.errorDetail(answer.body) { throw fail("the answer is an error: \(detail)") }
      throw fail("the answer has no `choices` array: \(excerpt(answer.body))")
    }
    guard case .object(let choice)? = choices.first else {
      throw fail("the answer's `choices` is empty")
    }
    guard case .object(let message)? = choice["message"] else {
      throw fail("the answer's choices[0] has no `message` object")
    }
    let content: String
    switch message["content"] {
    case .string(let text)?:
      content = text
    case .array(let parts)?:
      // Content parts: the text parts, joined.
      content = parts.compactMap { part -> String? in
        if case .object(let fields) = part, case .string(let text)? = fields["text"] { return text }
        return nil
      }.joined()
    default:
      if case .string(let refusal)? = message["refusal"] { throw fail("the model refused: \(refusal)") }
      // Calls, not text: the JSON promptfoo takes for the output.
      if let calls = message["tool_calls"], case .array = calls {
        let usage = Self.usage(in: root["usage"])
        return ProviderResponse(
          output: calls.canonicalJSON, tokenUsage: usage, cost: usage.flatMap(pricing.cost(of:)), latencyMs: latencyMs)
      }
      if let call = message["function_call"], case .object = call {
        let usage = Self.usage(in: root["usage"])
        return ProviderResponse(
          output: call.canonicalJSON, tokenUsage: usage, cost: usage.flatMap(pricing.cost(of:)), latencyMs: latencyMs)
      }
      throw fail("the answer's choices[0].message has no text `content`")
    }
    let usage = Self.usage(in: root["usage"])
    return ProviderResponse(
      output: content, tokenUsage: usage, cost: usage.flatMap(pricing.cost(of:)), latencyMs: latencyMs)
  }

  /// Anthropic's answer: the text of its `content` blocks (joined by blank lines, as promptfoo
  /// joins them), or its tool calls as JSON when it made some.
  private func parseAnthropic(_ root: [String: JSONValue], answer: HTTPTransport.Answer, latencyMs: Double) throws
    -> ProviderResponse
  {
    guard case .array(let blocks)? = root["content"] else {
      if case .object(let error)? = root["error"], case .string(let message)? = error["message"] {
        throw fail("the answer is an error: \(message)")
      }
      throw fail("the answer has no `content` array: \(excerpt(answer.body))")
    }
    let texts = blocks.compactMap { block -> String? in
      block["type"] == .string("text") ? block["text"]?.stringValue : nil
    }
    let calls = blocks.filter { $0["type"] == .string("tool_use") }
    let output: String
    if !texts.isEmpty {
      output = texts.joined(separator: "\n\n")
    } else if !calls.isEmpty {
      output = calls.count == 1 ? calls[0].canonicalJSON : JSONValue.array(calls).canonicalJSON
    } else {
      throw fail("the answer has no text content")
    }
    var usage: TokenUsage?
    if case .integer(let input)? = root["usage"]?["input_tokens"],
      case .integer(let produced)? = root["usage"]?["output_tokens"], input >= 0, produced >= 0
    {
      usage = TokenUsage(prompt: Int(input), completion: Int(produced))
    }
    return ProviderResponse(
      output: output, tokenUsage: usage, cost: usage.flatMap(pricing.cost(of:)), latencyMs: latencyMs)
  }

  /// An embeddings answer: `data[0].embedding`, given as JSON text.
  private func parseEmbedding(_ root: [String: JSONValue], answer: HTTPTransport.Answer, latencyMs: Double) throws
    -> ProviderResponse
  {
    guard case .array(let data)? = root["data"], let first = data.first, case .array(let vector)? = first["embedding"],
      !vector.isEmpty,
      vector.allSatisfy({ $0.doubleValue != nil })
    else {
      if let detail = Self.errorDetail(answer.body) { throw fail("the answer is an error: \(detail)") }
      throw fail("the answer has no `data[0].embedding` vector: \(excerpt(answer.body))")
    }
    let usage = Self.usage(in: root["usage"])
    return ProviderResponse(
      output: JSONValue.array(vector).canonicalJSON, tokenUsage: usage, cost: usage.flatMap(pricing.cost(of:)),
      latencyMs: latencyMs)
  }

  static func usage(in value: JSONValue?) -> TokenUsage? {
    guard case .object(let fields)? = value else { return nil }
    func count(_ name: String) -> Int? {
      if case .integer(let number)? = fields[name], number >= 0 { return Int(number) }
      return nil
    }
    guard let prompt = count("prompt_tokens"), let completion = count("completion_tokens") else { return nil }
    return TokenUsage(prompt: prompt, completion: completion, total: count("total_tokens"))
  }

  /// The `error.message` (or a plain `error` string) of an OpenAI-style error body.
  static func errorDetail(_ body: Data) -> String? {
    guard case .object(let root)? = try? JSONValue.parse(body) else { return nil }
    switch root["error"] {
    case .object(let error)?:
      if case .string(let message)? = error["message"] { return message }
      return nil
    case .string(let message)?:
      return message
    default:
      return nil
    }
  }

  private func excerpt(_ body: Data) -> String {
    if body.isEmpty { return "(empty body)" }
    let text = String(decoding: body.prefix(300), as: UTF8.self)
    return body.count > 300 ? text + "…" : text
  }

  /// A ProviderError whose message never contains the key, whatever a server echoed back.
  private func fail(_ message: String) -> ProviderError {
    var safe = message
    if let key, !key.isEmpty { safe = safe.replacingOccurrences(of: key, with: "[redacted]") }
    return ProviderError(providerID: id, message: safe)
  }
}
