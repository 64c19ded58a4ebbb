import Foundation
import PromptModel

/// Makes the live provider a spec names.
///
/// Known ids, as promptfoo spells them:
/// - `echo`: the rendered prompt back.
/// - `exec:<command …>`: a program run without a shell (see `ExecProvider`).
/// - `openai:chat:<model>`, or the shorthand `openai:<model>`; `openai:embedding:<model>`;
///   `azure:chat:<deployment>`, `azure:embedding:<deployment>`; `anthropic:messages:<model>`
///   (see `ModelAPIProvider`).
///
/// Anything else is refused: `ProviderKind.of` says why when the suite is read, and `make`
/// throws the same `ProviderError` should such a spec reach it.
public enum ProviderFactory {
  public static func make(_ spec: ProviderSpec, environment: ProviderEnvironment) throws -> any EvalProvider {
    switch try ProviderKind.of(spec.id) {
    case .echo: return EchoProvider()
    case .exec(let command): return try ExecProvider(spec: spec, command: command, environment: environment)
    case .model(let api, let model):
      return try ModelAPIProvider(spec: spec, model: model, api: api, environment: environment)
    }
  }
}

/// What a provider id names, or why promptops cannot run it.
enum ProviderKind: Equatable {
  case echo
  case exec(command: String)
  case model(ModelAPIProvider.API, model: String)

  static let known =
    "echo, exec:<command>, openai:chat:<model>, openai:embedding:<model>, azure:chat:<deployment>, "
    + "azure:embedding:<deployment>, anthropic:messages:<model>"

  var isEmbedding: Bool {
    if case .model(let api, _) = self { return api.isEmbedding }
    return false
  }

  static func of(_ rawID: String) throws(ProviderError) -> ProviderKind {
    let id = rawID.trimmingCharacters(in: .whitespaces)
    func refuse(_ message: String) -> ProviderError { ProviderError(providerID: rawID, message: message) }
    if id == "echo" { return .echo }
    if id.hasPrefix("exec:") { return .exec(command: String(id.dropFirst("exec:".count))) }
    func named(_ rest: Substring, _ what: String, _ form: String) throws(ProviderError) -> String {
      guard !rest.isEmpty else { throw refuse("no \(what) named; write `\(form)`") }
      return String(rest)
    }
    if id.hasPrefix("openai:") {
      let rest = id.dropFirst("openai:".count)
      if rest.hasPrefix("chat:") {
        return .model(.openAIChat, model: try named(rest.dropFirst(5), "model", "openai:chat:<model>"))
      }
      for prefix in ["embedding:", "embeddings:"] where rest.hasPrefix(prefix) {
        return .model(
          .openAIEmbedding, model: try named(rest.dropFirst(prefix.count), "model", "openai:embedding:<model>"))
      }
      if let kind = ["completion", "assistant", "responses", "image", "realtime", "moderation", "transcription"].first(
        where: { rest.hasPrefix($0 + ":") })
      {
        throw refuse("OpenAI `\(kind)` models are not supported; use `openai:chat:<model>`")
      }
      return .model(.openAIChat, model: try named(rest, "model", "openai:chat:<model>"))
    }
    if id.hasPrefix("azure:") || id.hasPrefix("azureopenai:") {
      let rest = id.drop(while: { $0 != ":" }).dropFirst()
      if rest.hasPrefix("chat:") {
        let deployment = try named(rest.dropFirst(5), "deployment", "azure:chat:<deployment>")
        return .model(.azureChat(deployment: deployment), model: deployment)
      }
      for prefix in ["embedding:", "embeddings:"] where rest.hasPrefix(prefix) {
        let deployment = try named(rest.dropFirst(prefix.count), "deployment", "azure:embedding:<deployment>")
        return .model(.azureEmbedding(deployment: deployment), model: deployment)
      }
      throw refuse(
        "Azure `\(rest.prefix(while: { $0 != ":" }))` deployments are not supported; use `azure:chat:<deployment>`")
    }
    if id.hasPrefix("anthropic:") {
      let rest = id.dropFirst("anthropic:".count)
      if rest.hasPrefix("messages:") {
        return .model(.anthropicMessages, model: try named(rest.dropFirst(9), "model", "anthropic:messages:<model>"))
      }
      throw refuse(
        "Anthropic `\(rest.prefix(while: { $0 != ":" }))` models are not supported; use `anthropic:messages:<model>`")
    }
    throw refuse("unknown provider (known: \(known))")
  }
}
