import Foundation
import PromptModel
import PromptTemplates

/// Fills a prompt or an expected value with a test's variables.
///
/// With the default variable pattern the text is a Nunjucks template, rendered as promptfoo
/// renders it (see `NunjucksTemplate` and `renderPrompt`); a configured `variables.pattern` means
/// the team's prompts are not Nunjucks templates, and its placeholders are replaced by name.
/// A placeholder the test gives no value for is an error naming the test: rendering it as an
/// empty string would evaluate a prompt nobody will ever send.
public struct PromptTemplate: Sendable {
  let text: String
  let pattern: String

  public init(text: String, variablePattern: String) {
    self.text = text
    self.pattern = variablePattern
  }

  /// The text rendered once with `vars` (an expected value, a chat message's content).
  public func render(_ vars: [String: JSONValue]) throws(TemplateError) -> String {
    guard pattern == Configuration.defaultVariablePattern else { return try renderByPattern(vars) }
    // Text with no template syntax renders as itself.
    guard text.utf8.contains(0x7B) else { return text }
    return try NunjucksTemplate(text).render(vars)
  }

  /// promptfoo's `renderPrompt` (`src/evaluatorHelpers.ts`) for a prompt whose variables have
  /// been prepared (`PromptVariables.prepare`): a prompt that is JSON has each string inside it
  /// rendered and is printed again as `JSON.stringify(…, null, 2)`; any other prompt is rendered
  /// whole, after the variables' own values are rendered as templates, and a prompt with an
  /// unclosed `{{`, `{%` or `{#` on a line is sent as it is written (`autoWrapRawIfPartialNunjucks`).
  public func renderPrompt(_ vars: [String: JSONValue]) throws(TemplateError) -> String {
    guard pattern == Configuration.defaultVariablePattern else { return try renderByPattern(vars) }
    if let json = OrderedJSON.parse(text) {
      let rendered = try json.mapStrings { (string: String) throws(TemplateError) -> String in
        try PromptTemplate(text: string, variablePattern: pattern).render(vars)
      }
      return rendered.stringify(indent: 2)
    }
    var renderedVars = vars
    for (name, value) in vars {
      guard case .string(let text) = value, text.utf8.contains(0x7B), !Self.hasPartialTag(text) else { continue }
      let template: NunjucksTemplate
      do {
        template = try NunjucksTemplate(text)
      } catch {
        guard case .invalid(let problem) = error else { throw error }
        throw TemplateError(
          line: problem.line,
          message: "the value of `\(name)` (a template, as promptfoo renders it): \(problem.message)")
      }
      // A value that names variables the test does not give stays as it is (promptfoo's
      // `referencesUndefinedVariables`).
      let roots = template.variables.map { String($0.prefix { $0 != "." }) }
      if roots.contains(where: { $0 != "env" && vars[$0] == nil }) { continue }
      renderedVars[name] = .string(try template.render(vars))
    }
    if Self.hasPartialTag(text) { return text }
    return try PromptTemplate(text: text, variablePattern: pattern).render(renderedVars)
  }

  /// promptfoo's `/({%[^%]*$|{{[^}]*$|{#[^#]*$)/m` without `{% raw %}` … `{% endraw %}` in the
  /// text: a `{%`, `{{` or `{#` whose line ends before its closing character.
  static func hasPartialTag(_ text: String) -> Bool {
    let scalars = Array(text.unicodeScalars)
    var partial = false
    var i = 0
    scan: while i + 1 < scalars.count {
      if scalars[i] == "{" {
        let next = scalars[i + 1]
        let closing: Unicode.Scalar? = next == "%" ? "%" : next == "{" ? "}" : next == "#" ? "#" : nil
        if let closing {
          var j = i + 2
          while j < scalars.count {
            let c = scalars[j]
            if c == closing { break }
            if c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}" {
              partial = true
              break scan
            }
            j += 1
          }
          if j == scalars.count {
            partial = true
            break
          }
        }
      }
      i += 1
    }
    guard partial else { return false }
    // `{\%\s*raw\s*\%}` and `{\%\s*endraw\s*\%}` anywhere: promptfoo leaves the text to Nunjucks.
    func contains(_ word: String) -> Bool {
      text.range(of: #"\{%\s*"# + word + #"\s*%\}"#, options: .regularExpression) != nil
    }
    return !(contains("raw") && contains("endraw"))
  }

  /// A configured pattern: each match's capture group 1 names a variable.
  private func renderByPattern(_ vars: [String: JSONValue]) throws(TemplateError) -> String {
    guard let regex = try? NSRegularExpression(pattern: pattern), regex.numberOfCaptureGroups >= 1 else { return text }
    let source = text as NSString
    var out = ""
    var cursor = 0
    var missing: [String] = []
    for match in regex.matches(in: text, range: NSRange(location: 0, length: source.length)) {
      let name = source.substring(with: match.range(at: 1))
      out += source.substring(with: NSRange(location: cursor, length: match.range.location - cursor))
      if let value = lookup(name, in: vars) {
        out += value.templateText
      } else {
        if !missing.contains(name) { missing.append(name) }
        out += source.substring(with: match.range)
      }
      cursor = match.range.location + match.range.length
    }
    out += source.substring(from: cursor)
    if !missing.isEmpty { throw .missing(missing) }
    return out
  }

  /// `a.b` reads a nested value when there is no variable literally named `a.b`.
  private func lookup(_ name: String, in vars: [String: JSONValue]) -> JSONValue? {
    if let value = vars[name] { return value }
    let parts = name.split(separator: ".").map(String.init)
    guard parts.count > 1, var value = vars[parts[0]] else { return nil }
    for part in parts.dropFirst() {
      guard let next = value[part] else { return nil }
      value = next
    }
    return value
  }
}

/// What promptfoo does to a test's variables before rendering (`renderPrompt` in
/// `src/evaluatorHelpers.ts`): one trailing newline of each text is removed, and a text holding
/// `{{ other }}` gets the other variable's value (`resolveVariables`, up to five rounds, the
/// first placeholder of each text per round, replaced as `String.prototype.replace` does).
public enum PromptVariables {
  public static func prepare(_ vars: [String: JSONValue]) throws(TemplateError) -> [String: JSONValue] {
    var vars = vars
    for (name, value) in vars {
      if case .string(let text) = value, text.hasSuffix("\n") { vars[name] = .string(String(text.dropLast())) }
    }
    // `\{\{\s*(\w+)\s*\}\}`, the first match.
    func firstPlaceholder(_ text: String) -> (range: Range<String.Index>, name: String)? {
      let scalars = text.unicodeScalars
      func isWord(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c == "_" || c.properties.isAlphabetic || ("0"..."9").contains(c))
      }
      var search = scalars.startIndex
      while let open = text.range(of: "{{", range: search..<text.endIndex) {
        var index = open.upperBound
        while index < scalars.endIndex, JavaScriptText.isSpace(scalars[index]) { index = scalars.index(after: index) }
        let nameStart = index
        while index < scalars.endIndex, isWord(scalars[index]) { index = scalars.index(after: index) }
        let name = String(scalars[nameStart..<index])
        while index < scalars.endIndex, JavaScriptText.isSpace(scalars[index]) { index = scalars.index(after: index) }
        if !name.isEmpty, String(scalars[index...]).hasPrefix("}}") {
          return (open.lowerBound..<scalars.index(index, offsetBy: 2), name)
        }
        search = scalars.index(after: open.lowerBound)
      }
      return nil
    }
    // Object key order decides nothing here but which round a chain resolves in; names are
    // taken in sorted order so the result never depends on a dictionary's order.
    let names = vars.keys.sorted()
    for _ in 0..<5 {
      var changed = false
      for name in names {
        guard case .string(let text) = vars[name], let (range, other) = firstPlaceholder(text), let value = vars[other]
        else { continue }
        guard let replacement = JavaScriptText.string(TemplateValue(value)) else {
          throw TemplateError(
            line: 1,
            message:
              "variable `\(name)` names `{{\(other)}}`, a mapping, which promptfoo would insert as [object Object]")
        }
        vars[name] = .string(
          text[..<range.lowerBound]
            + expandReplacement(
              replacement, matched: String(text[range]), before: String(text[..<range.lowerBound]),
              after: String(text[range.upperBound...])) + text[range.upperBound...])
        changed = true
      }
      if !changed { break }
    }
    return vars
  }

  /// The `$` patterns of `String.prototype.replace`'s replacement text (no capture groups).
  static func expandReplacement(_ replacement: String, matched: String, before: String, after: String) -> String {
    guard replacement.contains("$") else { return replacement }
    var out = ""
    var iterator = Array(replacement).makeIterator()
    var pending: Character?
    while let c = pending ?? iterator.next() {
      pending = nil
      guard c == "$", let next = iterator.next() else {
        out.append(c)
        continue
      }
      switch next {
      case "$": out += "$"
      case "&": out += matched
      case "`": out += before
      case "'": out += after
      default:
        out.append(c)
        pending = next
      }
    }
    return out
  }
}
