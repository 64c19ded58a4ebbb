import Foundation
import PromptModel

/// promptfoo's `is-valid-openai-tools-call` and `is-valid-openai-function-call`
/// (`src/assertions/openai.ts`, `validateFunctionCall` in `src/providers/openai/util.ts`): the
/// answer is a tool (or function) call, each call names a function the provider's config
/// declares (`tools`, or `functions`), and its arguments are JSON matching that function's
/// `parameters` schema.
///
/// Only the OpenAI-compatible providers answer with calls (they give them as the JSON promptfoo
/// takes for the output: the `tool_calls` array, or the `function_call` object); any other
/// provider's output is text, which promptfoo fails as "not a valid-looking" call.
struct ToolCallCheck {
  let context: AssertionContext

  private var speaksToolCalls: Bool {
    context.providerID.hasPrefix("openai:") || context.providerID.hasPrefix("azure:")
  }

  func tools(_ output: String) throws -> Verdict {
    var calls = speaksToolCalls ? JSONText.parse(output) : nil
    if let inner = calls?["tool_calls"] { calls = inner }
    guard case .array(let items)? = calls, let first = items.first, case .string? = first["function"]?["name"],
      case .string? = first["function"]?["arguments"]
    else {
      return .binary(false, "OpenAI did not return a valid-looking tools response: \(quoted(output))")
    }
    guard case .array(let tools)? = context.providerConfig["tools"] else {
      throw AssertionError(
        "is-valid-openai-tools-call: the provider's config has no `tools` list to check the calls against")
    }
    let functions = tools.compactMap { $0["function"] }
    for item in items {
      if let problem = try problem(in: item["function"] ?? .null, functions: functions) {
        return .binary(false, problem)
      }
    }
    return .binary(true, "assertion passed")
  }

  func function(_ output: String) throws -> Verdict {
    var call = speaksToolCalls ? JSONText.parse(output) : nil
    if let inner = call?["function_call"] { call = inner }
    guard let call, case .string? = call["name"], case .string? = call["arguments"] else {
      return .binary(false, "OpenAI did not return a valid-looking function call: \(quoted(output))")
    }
    guard case .array(let functions)? = context.providerConfig["functions"] else {
      throw AssertionError(
        "is-valid-openai-function-call: the provider's config has no `functions` list to check the call against")
    }
    if let problem = try problem(in: call, functions: functions) { return .binary(false, problem) }
    return .binary(true, "assertion passed")
  }

  /// Why a call does not fit the declared functions, or nil when it does.
  private func problem(in call: JSONValue, functions: [JSONValue]) throws -> String? {
    guard case .string(let name)? = call["name"], case .string(let arguments)? = call["arguments"] else {
      return "OpenAI did not return a valid-looking function call: \(call.canonicalJSON)"
    }
    guard let parsed = try? JSONValue.parse(Data(arguments.utf8)) else {
      return "arguments of \(name) are not valid JSON: \(quoted(arguments))"
    }
    guard let function = functions.first(where: { $0["name"] == .string(name) }) else {
      return "Called \"\(name)\", but there is no function with that name"
    }
    guard let schema = function["parameters"] else { return nil }
    if schema.canonicalJSON.contains("{{") {
      throw AssertionError(
        "the parameters of function \(name) hold template variables, which promptops does not render")
    }
    let problems = try DeterministicAssertion.schemaProblems(parsed, schema: schema)
    return problems.isEmpty
      ? nil : "Call to \"\(name)\" does not match schema: \(problems.prefix(3).joined(separator: "; "))"
  }
}
