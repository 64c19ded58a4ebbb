import Foundation


/// `openai:chat:<model>` (or promptfoo's shorthand `openai:<model>`): any server that speaks
/// OpenAI's chat completions API — OpenAI itself, a gateway, or a local llama.cpp server.
///
/// Requests go to `POST {base}/chat/completions`. The base URL is config `apiBaseUrl`, else
/// config `apiHost` (a host name: `https://{apiHost}/v1`), else `OPENAI_BASE_URL` or
/// `OPENAI_API_BASE_URL`, else `https://api.openai.com/v1`.
///
/// The key is read from `OPENAI_API_KEY`, or from the variable config `apiKeyEnvar` names, when a
/// request is made (so fully cached runs need no key). It is sent only in the `Authorization`
/// header and scrubbed from every error message; a key written into the config (`apiKey`) is
/// refused, because the config goes into cache keys and result files. A server that needs no key
/// (a local one) takes `apiKeyRequired: false`.
///
/// The rendered prompt is sent as one user message, or, when it is a JSON array of
/// `{role, content}` objects (promptfoo's chat prompt format), as those messages.
///
/// Config keys:
/// - Sent in the request body: `temperature`, `max_tokens`, `max_completion_tokens`, `top_p`,
///   `seed`, `stop`, `response_format`, `frequency_penalty`, `presence_penalty`, `logit_bias`,
///   `user`; and `passthrough`, an object merged into the body as it is.
/// - `headers`: extra request headers (string values); `organization`: `OpenAI-Organization`.
/// - `timeout`: milliseconds per attempt, the whole exchange (default 120000).
/// - `maxRetries` (default 4), `retryBaseDelayMs` (default 1000), `maxRetryDelayMs` (default
///   30000), `maxRetryAfterMs` (default 60000): see `RetryPolicy`.
/// - Prices: see `ProviderPricing`.
///
/// Any other key is an error, so a misspelt `temprature` cannot silently change what is tested.
struct OpenAIChatProvider: EvalProvider {
  static let defaultBaseURL = "https://api.openai.com/v1"
  static let defaultTimeoutMs = 120_000.0

  static let bodyKeys: Set<String> = [
    "temperature", "max_tokens", "max_completion_tokens", "top_p", "seed", "stop", "response_format",
    "frequency_penalty", "presence_penalty", "logit_bias", "user",
  ]
  static let settingKeys: Set<String> = [
    "apiBaseUrl", "apiHost", "apiKeyEnvar", "apiKeyRequired", "organization", "headers", "passthrough",
    "timeout", "maxRetries", "retryBaseDelayMs", "maxRetryDelayMs", "maxRetryAfterMs",
  ]

  let id: String
  let model: String
  let endpoint: URL
  var cacheIdentity: String { endpoint.absoluteString }
  let keyVariable: String
  let key: String?
  let keyRequired: Bool
  let extraHeaders: [String: String]
  let bodyTemplate: [String: JSONValue]
  let timeoutSeconds: Double
  let retryPolicy: RetryPolicy
  let pricing: ProviderPricing

  init(spec: ProviderSpec, model: String, environment: ProviderEnvironment) throws {
    id = spec.id
    self.model = model
    let config = ProviderConfig(spec)

    if spec.config["apiKey"] != nil {
      throw config.error(
        "config `apiKey` would put the key into cache keys and results; set OPENAI_API_KEY, or name another variable with `apiKeyEnvar`"
      )
    }
    let known = Self.bodyKeys.union(Self.settingKeys).union(ProviderPricing.keys)
    if let unknown = spec.config.keys.sorted().first(where: { !known.contains($0) }) {
      throw config.error("unknown config key `\(unknown)` (known: \(known.sorted().joined(separator: ", ")))")
    }

    let base: String
    if let configured = try config.string("apiBaseUrl") {
      base = configured
    } else if let host = try config.string("apiHost") {
      base = "https://\(host)/v1"
    } else {
      base =
        environment.variables["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        ?? environment.variables["OPENAI_API_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        ?? Self.defaultBaseURL
    }
    let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
    guard let url = URL(string: trimmed + "/chat/completions"), let scheme = url.scheme?.lowercased(),
      scheme == "http" || scheme == "https", url.host != nil
    else {
      throw config.error("base URL `\(base)` is not an http(s) URL")
    }
    endpoint = url

    keyVariable = try config.string("apiKeyEnvar") ?? "OPENAI_API_KEY"
    key = environment.variables[keyVariable].flatMap { $0.isEmpty ? nil : $0 }
    keyRequired = try config.bool("apiKeyRequired") ?? true

    var headers: [String: String] = [:]
    if case .object(let members)? = spec.config["headers"] {
      for (name, value) in members {
        guard case .string(let text) = value else {
          throw config.error("config `headers.\(name)` must be a string, not \(value.typeName)")
        }
        guard name.caseInsensitiveCompare("Authorization") != .orderedSame else {
          throw config.error("config `headers` must not set Authorization; the key comes from \(keyVariable)")
        }
        headers[name] = text
      }
    } else if let other = spec.config["headers"], other != .null {
      throw config.error("config `headers` must be a mapping of header names to strings, not \(other.typeName)")
    }
    if let organization = try config.string("organization") { headers["OpenAI-Organization"] = organization }
    extraHeaders = headers

    var body: [String: JSONValue] = [:]
    for key in Self.bodyKeys { if let value = spec.config[key], value != .null { body[key] = value } }
    if case .object(let members)? = spec.config["passthrough"] {
      body.merge(members) { _, new in new }
    } else if let other = spec.config["passthrough"], other != .null {
      throw config.error("config `passthrough` must be a mapping, not \(other.typeName)")
    }
    if body["stream"] == .bool(true) {
      throw config.error("streaming answers are not supported; remove `stream: true`")
    }
    body["model"] = .string(model)
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

  func complete(_ request: ProviderRequest) async throws -> ProviderResponse {
    if keyRequired && key == nil {
      throw fail(
        "no API key: set \(keyVariable) (or `apiKeyRequired: false` in the provider config for a server that needs none)"
      )
    }
    var body = bodyTemplate
    body["messages"] = Self.messages(for: request.prompt)
    var urlRequest = HTTPRequest(url: endpoint, body: try ProviderJSON.encode(.object(body)))
    urlRequest.headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
    for (name, value) in extraHeaders.sorted(by: { $0.key < $1.key }) { urlRequest.headers.append((name, value)) }
    if let key { urlRequest.headers.append(("Authorization", "Bearer \(key)")) }

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
            ? "the answer's headers are larger than 1 MiB; the answer was not read"
            : "the answer is larger than \(HTTPTransport.maxBody >> 20) MiB, the most promptops reads; it was not read or graded")
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
      if message["tool_calls"] != nil { throw fail("the model answered with tool calls, not text content") }
      throw fail("the answer's choices[0].message has no text `content`")
    }
    let usage = Self.usage(in: root["usage"])
    return ProviderResponse(
      output: content, tokenUsage: usage, cost: usage.flatMap(pricing.cost(of:)), latencyMs: latencyMs)
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
