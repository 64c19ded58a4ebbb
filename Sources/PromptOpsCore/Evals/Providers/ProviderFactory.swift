import Foundation

/// Makes the live provider a spec names.
///
/// Known ids, as promptfoo spells them:
/// - `echo`: the rendered prompt back.
/// - `exec:<command …>`: a program run without a shell (see `ExecProvider`).
/// - `openai:chat:<model>`, or the shorthand `openai:<model>`: an OpenAI-compatible chat
///   completions API (see `OpenAIChatProvider`).
///
/// Anything else, including promptfoo providers promptops does not speak (`openai:embedding:…`,
/// `anthropic:…`), is a `ProviderError`: a suite that names a provider we cannot run must not
/// pass.
public enum ProviderFactory {
  public static func make(_ spec: ProviderSpec, environment: ProviderEnvironment) throws -> any EvalProvider {
    let id = spec.id.trimmingCharacters(in: .whitespaces)
    if id == "echo" { return EchoProvider() }
    if id.hasPrefix("exec:") {
      return try ExecProvider(spec: spec, command: String(id.dropFirst("exec:".count)), environment: environment)
    }
    if id.hasPrefix("openai:") {
      let rest = id.dropFirst("openai:".count)
      let model: Substring
      if rest.hasPrefix("chat:") {
        model = rest.dropFirst("chat:".count)
      } else if let kind = ["completion", "embedding", "embeddings", "assistant", "responses", "image", "realtime"]
        .first(where: { rest.hasPrefix($0 + ":") })
      {
        throw ProviderError(
          providerID: spec.id,
          message: "OpenAI `\(kind)` models are not supported; use `openai:chat:<model>`")
      } else {
        model = rest
      }
      guard !model.isEmpty else {
        throw ProviderError(providerID: spec.id, message: "no model named; write `openai:chat:<model>`")
      }
      return try OpenAIChatProvider(spec: spec, model: String(model), environment: environment)
    }
    throw ProviderError(
      providerID: spec.id,
      message: "unknown provider (known: echo, exec:<command>, openai:chat:<model>)")
  }
}
