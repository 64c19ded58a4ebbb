import FuzzSupport

@testable import PromptChanges
@testable import PromptModel

/// Prompt cards and front matter: the input is a single-file prompt (`*.prompt.md`: front
/// matter, then the text) and, read whole, a `prompt-card.yml`. The body goes through what every
/// check reads from prompt text (template variables, constraint lines), and the text as a
/// `CHANGELOG.md` through its version headings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
  let input = FuzzInput(start, count)
  if let front = FrontMatter(input.bytes) {
    _ = PromptCard.parse(front.yaml, file: "a.prompt.md", lineOffset: front.yamlLineOffset)
    let body = String(decoding: front.body, as: UTF8.self)
    _ = variables.variables(in: body)
    for line in body.split(separator: "\n") { _ = constraints.keywords(in: String(line)) }
  }
  let text = input.text
  let parsed = PromptCard.parse(text, file: "prompt-card.yml")
  if let card = parsed.card { _ = card.version < card.version }
  _ = Changelog.markdownVersions(text)
  return 0
}

private let variables = VariableScanner(pattern: Configuration.defaultVariablePattern)
private let constraints = ConstraintScanner(keywords: Configuration().constraintKeywords)

runLibFuzzer { data, size in fuzz(data, size) }
