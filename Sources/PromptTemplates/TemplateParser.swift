/// Reads the Nunjucks subset promptops renders; anything else is an error at its line, never
/// passed to the model as text.
///
/// The lexing follows Nunjucks' `lib/lexer.js`: `{{ }}` outputs, `{% %}` tags, `{# #}` comments,
/// a `-` inside a delimiter strips the white space (JavaScript's `\s`, newlines included) on that
/// side, strings may hold the closing delimiter, and `{% raw %}` keeps everything up to
/// `{% endraw %}` as text. The expression grammar and operator precedence are those of Nunjucks'
/// `lib/parser.js` (which differ from Jinja2's: there `~` binds tighter than `+`).
struct TemplateParser {
  enum Token: Equatable {
    case name(String)
    case string(String)
    case number(Double)
    case symbol(String)
  }

  struct Tag {
    var tokens: [(token: Token, line: Int)]
    var line: Int
    var isOutput: Bool
    var source: String
  }

  enum Chunk {
    case text(String)
    case tag(Tag)
  }

  static let supportedTags = "if, elif, else, endif, for, endfor, set, raw"

  // MARK: - Lexing

  static func chunks(_ text: String) throws(TemplateError) -> [Chunk] {
    let scalars = Array(text.unicodeScalars)
    var chunks: [Chunk] = []
    var pending = String.UnicodeScalarView()
    var line = 1
    var stripNextLeading = false
    var i = 0
    let count = scalars.count

    func flushText(stripTrailing: Bool) {
      var text = pending
      if stripNextLeading, let first = text.firstIndex(where: { !JavaScriptText.isSpace($0) }) {
        text = String.UnicodeScalarView(text[first...])
      } else if stripNextLeading {
        text = String.UnicodeScalarView()
      }
      stripNextLeading = false
      if stripTrailing {
        if let last = text.lastIndex(where: { !JavaScriptText.isSpace($0) }) {
          text = String.UnicodeScalarView(text[...last])
        } else {
          text = String.UnicodeScalarView()
        }
      }
      if !text.isEmpty { chunks.append(.text(String(text))) }
      pending = String.UnicodeScalarView()
    }

    func starts(_ literal: String, at index: Int) -> Bool {
      var position = index
      for scalar in literal.unicodeScalars {
        guard position < count, scalars[position] == scalar else { return false }
        position += 1
      }
      return true
    }

    while i < count {
      let scalar = scalars[i]
      guard scalar == "{", i + 1 < count, scalars[i + 1] == "{" || scalars[i + 1] == "%" || scalars[i + 1] == "#" else {
        if scalar == "\n" { line += 1 }
        pending.append(scalar)
        i += 1
        continue
      }
      let startLine = line
      if scalars[i + 1] == "#" {
        if i + 2 < count && scalars[i + 2] == "-" {
          throw TemplateError(
            line: line,
            message:
              "`{#-` (white space control on a comment) is not rendered alike by Nunjucks and Jinja2; write `{#` and trim the text by hand"
          )
        }
        // A comment ends the text before it: white space control next to it strips only the
        // text on its own side, as in Nunjucks and Jinja2.
        flushText(stripTrailing: false)
        var j = i + 2
        while j + 1 < count && !(scalars[j] == "#" && scalars[j + 1] == "}") {
          if scalars[j] == "\n" { line += 1 }
          j += 1
        }
        guard j + 1 < count else {
          throw TemplateError(line: startLine, message: "comment `{#` is never closed with `#}`")
        }
        i = j + 2
        continue
      }
      let isOutput = scalars[i + 1] == "{"
      let close: Unicode.Scalar = isOutput ? "}" : "%"
      var j = i + 2
      let stripBefore = j < count && scalars[j] == "-"
      if stripBefore { j += 1 }
      flushText(stripTrailing: stripBefore)
      // Tokens up to the closing delimiter.
      var tokens: [(token: Token, line: Int)] = []
      let sourceStart = j
      var sourceEnd = j
      var closed = false
      while j < count {
        let c = scalars[j]
        if c == "\n" {
          line += 1
          j += 1
          continue
        }
        if JavaScriptText.isSpace(c) {
          j += 1
          continue
        }
        if c == "\"" || c == "'" {
          let (string, next, newlines) = try readString(scalars, from: j, line: line)
          tokens.append((.string(string), line))
          line += newlines
          j = next
          continue
        }
        if c == "-", j + 2 < count, scalars[j + 1] == close, scalars[j + 2] == "}" {
          sourceEnd = j
          j += 3
          stripNextLeading = true
          closed = true
          break
        }
        if c == close, j + 1 < count, scalars[j + 1] == "}" {
          sourceEnd = j
          j += 2
          closed = true
          break
        }
        if c.properties.isAlphabetic || c == "_" {
          var k = j
          while k < count
            && (scalars[k].properties.isAlphabetic || scalars[k] == "_" || ("0"..."9").contains(scalars[k]))
          { k += 1 }
          tokens.append((.name(String(String.UnicodeScalarView(scalars[j..<k]))), line))
          j = k
          continue
        }
        if ("0"..."9").contains(c) {
          var k = j
          while k < count && ("0"..."9").contains(scalars[k]) { k += 1 }
          if k + 1 < count && scalars[k] == "." && ("0"..."9").contains(scalars[k + 1]) {
            k += 1
            while k < count && ("0"..."9").contains(scalars[k]) { k += 1 }
          }
          let text = String(String.UnicodeScalarView(scalars[j..<k]))
          tokens.append((.number(Double(text) ?? 0), line))
          j = k
          continue
        }
        var matched: String?
        for symbol in [
          "===", "!==", "==", "!=", "<=", ">=", "//", "**", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "~", "+",
          "-", "*", "/", "%", "<", ">", "=",
        ]
        where starts(symbol, at: j) {
          matched = symbol
          break
        }
        guard let symbol = matched else {
          throw TemplateError(
            line: line,
            message:
              "unexpected character `\(Character(c))` in `\(isOutput ? "{{" : "{%")` … `\(isOutput ? "}}" : "%}")`")
        }
        tokens.append((.symbol(symbol), line))
        j += symbol.unicodeScalars.count
      }
      guard closed else {
        throw TemplateError(
          line: startLine, message: "`\(isOutput ? "{{" : "{%")` is never closed with `\(isOutput ? "}}" : "%}")`")
      }
      let source = JavaScriptText.trim(String(String.UnicodeScalarView(scalars[sourceStart..<sourceEnd])))
      i = j
      // `{% raw %}`: everything up to `{% endraw %}` is text.
      if !isOutput, tokens.count == 1, tokens[0].token == .name("raw") {
        var k = i
        var rawText = String.UnicodeScalarView()
        var found = false
        while k < count {
          if scalars[k] == "{", k + 1 < count, scalars[k + 1] == "%" {
            var m = k + 2
            let strip = m < count && scalars[m] == "-"
            if strip { m += 1 }
            while m < count && JavaScriptText.isSpace(scalars[m]) { m += 1 }
            if starts("endraw", at: m) {
              var n = m + 6
              while n < count && JavaScriptText.isSpace(scalars[n]) { n += 1 }
              let stripAfter = n < count && scalars[n] == "-"
              if stripAfter { n += 1 }
              if n + 1 < count && scalars[n] == "%" && scalars[n + 1] == "}" {
                pending = rawText
                // The raw text is never stripped at its start by the `raw` tag's own `-%}` alone
                // in Jinja2; Nunjucks does strip it. Refused rather than guessed.
                if stripNextLeading || strip {
                  throw TemplateError(
                    line: startLine,
                    message:
                      "white space control inside `{% raw %}` … `{% endraw %}` is not rendered alike by Nunjucks and Jinja2"
                  )
                }
                flushText(stripTrailing: false)
                for scalar in scalars[k..<(n + 2)] where scalar == "\n" { line += 1 }
                stripNextLeading = stripAfter
                i = n + 2
                found = true
                break
              }
            }
          }
          if scalars[k] == "\n" { line += 1 }
          rawText.append(scalars[k])
          k += 1
        }
        guard found else {
          throw TemplateError(line: startLine, message: "`{% raw %}` is never closed with `{% endraw %}`")
        }
        continue
      }
      chunks.append(.tag(Tag(tokens: tokens, line: startLine, isOutput: isOutput, source: source)))
    }
    flushText(stripTrailing: false)
    return chunks
  }

  /// A quoted string as Nunjucks' lexer reads it: `\` escapes the next character (`\n` is a
  /// newline, `\t` a tab, `\\` and quotes themselves), everything else is kept.
  private static func readString(_ scalars: [Unicode.Scalar], from start: Int, line: Int) throws(TemplateError) -> (
    String, Int, Int
  ) {
    let quote = scalars[start]
    var out = String.UnicodeScalarView()
    var j = start + 1
    var newlines = 0
    while j < scalars.count {
      let c = scalars[j]
      if c == quote { return (String(out), j + 1, newlines) }
      if c == "\\", j + 1 < scalars.count {
        let next = scalars[j + 1]
        switch next {
        case "n": out.append("\n")
        case "t": out.append("\t")
        case "r": out.append("\r")
        case "\\", "\"", "'": out.append(next)
        default:
          throw TemplateError(
            line: line + newlines,
            message: "escape `\\\(Character(next))` in a string is read differently by Nunjucks and Jinja2")
        }
        j += 2
        continue
      }
      if c == "\n" { newlines += 1 }
      out.append(c)
      j += 1
    }
    throw TemplateError(line: line, message: "string is never closed")
  }

  // MARK: - Statements

  private var chunks: [Chunk]
  private var position = 0

  private init(chunks: [Chunk]) { self.chunks = chunks }

  static func parse(_ text: String) throws(TemplateError) -> [TemplateNode] {
    var parser = TemplateParser(chunks: try chunks(text))
    let (nodes, end) = try parser.parseBody(until: [])
    if let end { throw TemplateError(line: end.line, message: "`{% \(end.keyword) %}` without its opening tag") }
    return nodes
  }

  /// Nodes up to one of the `until` tags (returned with its name), or to the end (nil).
  private mutating func parseBody(until: Set<String>) throws(TemplateError) -> (
    [TemplateNode], (keyword: String, tag: Tag, line: Int)?
  ) {
    var nodes: [TemplateNode] = []
    while position < chunks.count {
      let chunk = chunks[position]
      position += 1
      switch chunk {
      case .text(let text): nodes.append(.text(text))
      case .tag(let tag) where tag.isOutput:
        var cursor = ExpressionCursor(tokens: tag.tokens, line: tag.line)
        guard !tag.tokens.isEmpty else { throw TemplateError(line: tag.line, message: "`{{ }}` holds no expression") }
        let expression = try cursor.parseExpression()
        try cursor.expectEnd()
        nodes.append(.output(expression, source: tag.source, line: tag.line))
      case .tag(let tag):
        guard case .name(let keyword)? = tag.tokens.first?.token else {
          throw TemplateError(line: tag.line, message: "`{% %}` needs a tag name (supported: \(Self.supportedTags))")
        }
        if until.contains(keyword) || ["endif", "endfor", "elif", "elseif", "else", "endraw"].contains(keyword) {
          return (nodes, (keyword, tag, tag.line))
        }
        nodes.append(try parseTag(keyword, tag))
      }
    }
    return (nodes, nil)
  }

  private mutating func parseTag(_ keyword: String, _ tag: Tag) throws(TemplateError) -> TemplateNode {
    var cursor = ExpressionCursor(tokens: Array(tag.tokens.dropFirst()), line: tag.line)
    switch keyword {
    case "if":
      var branches: [(condition: TemplateExpression, body: [TemplateNode])] = []
      var condition = try cursor.parseExpression()
      try cursor.expectEnd()
      var otherwise: [TemplateNode] = []
      while true {
        let (body, end) = try parseBody(until: ["elif", "elseif", "else", "endif"])
        branches.append((condition, body))
        guard let end else {
          throw TemplateError(line: tag.line, message: "`{% if %}` is never closed with `{% endif %}`")
        }
        var endCursor = ExpressionCursor(tokens: Array(end.tag.tokens.dropFirst()), line: end.line)
        switch end.keyword {
        case "elif", "elseif":
          condition = try endCursor.parseExpression()
          try endCursor.expectEnd()
          continue
        case "else":
          try endCursor.expectEnd()
          let (elseBody, elseEnd) = try parseBody(until: ["endif"])
          guard elseEnd?.keyword == "endif" else {
            throw TemplateError(
              line: end.line, message: "`{% else %}` of `{% if %}` is never closed with `{% endif %}`")
          }
          otherwise = elseBody
        case "endif":
          try endCursor.expectEnd()
        default:
          throw TemplateError(line: end.line, message: "`{% \(end.keyword) %}` inside `{% if %}` (line \(tag.line))")
        }
        break
      }
      return .conditional(branches: branches, otherwise: otherwise)
    case "for":
      var names: [String] = []
      repeat {
        guard case .name(let name) = try cursor.next() else {
          throw TemplateError(line: tag.line, message: "`{% for %}` needs a loop variable name")
        }
        names.append(name)
      } while cursor.skip(.symbol(","))
      guard names.count <= 2 else {
        throw TemplateError(line: tag.line, message: "`{% for %}` takes one loop variable, or two for a mapping")
      }
      guard cursor.skip(.name("in")) else { throw TemplateError(line: tag.line, message: "`{% for %}` needs `in`") }
      let source = try cursor.parseExpression()
      if cursor.peek == .name("recursive") {
        throw TemplateError(line: tag.line, message: "recursive loops are not supported")
      }
      try cursor.expectEnd()
      let (body, end) = try parseBody(until: ["else", "endfor"])
      var otherwise: [TemplateNode] = []
      switch end?.keyword {
      case "endfor": break
      case "else":
        let (elseBody, elseEnd) = try parseBody(until: ["endfor"])
        guard elseEnd?.keyword == "endfor" else {
          throw TemplateError(line: tag.line, message: "`{% for %}` is never closed with `{% endfor %}`")
        }
        otherwise = elseBody
      default:
        throw TemplateError(
          line: end?.line ?? tag.line, message: "`{% for %}` (line \(tag.line)) is never closed with `{% endfor %}`")
      }
      return .loop(names: names, source: source, body: body, otherwise: otherwise, line: tag.line)
    case "set":
      guard case .name(let name) = try cursor.next() else {
        throw TemplateError(line: tag.line, message: "`{% set %}` needs a variable name")
      }
      guard cursor.skip(.symbol("=")) else {
        throw TemplateError(
          line: tag.line,
          message:
            "`{% set \(name) %}` … `{% endset %}` blocks and `set a, b = …` are not supported; write `{% set \(name) = value %}`"
        )
      }
      let value = try cursor.parseExpression()
      try cursor.expectEnd()
      return .assignment(name: name, value: value, line: tag.line)
    default:
      throw TemplateError(
        line: tag.line, message: "`{% \(keyword) %}` is not rendered by promptops (supported: \(Self.supportedTags))")
    }
  }
}

/// Reads one expression from a tag's tokens, with Nunjucks' precedence (lowest first): inline
/// `if`, `or`, `and`, `not`, `in`, `is`, comparisons, `~`, `+`, `-`, `*`, `/`, `//`, `%`, `**`,
/// unary minus, then primaries with their lookups, then filters (which apply to the unary).
struct ExpressionCursor {
  let tokens: [(token: TemplateParser.Token, line: Int)]
  let line: Int
  var index = 0

  init(tokens: [(token: TemplateParser.Token, line: Int)], line: Int) {
    self.tokens = tokens
    self.line = line
  }

  var peek: TemplateParser.Token? { index < tokens.count ? tokens[index].token : nil }
  var currentLine: Int { index < tokens.count ? tokens[index].line : (tokens.last?.line ?? line) }

  mutating func next() throws(TemplateError) -> TemplateParser.Token {
    guard index < tokens.count else { throw TemplateError(line: currentLine, message: "the expression ends too early") }
    defer { index += 1 }
    return tokens[index].token
  }

  mutating func skip(_ token: TemplateParser.Token) -> Bool {
    guard peek == token else { return false }
    index += 1
    return true
  }

  func expectEnd() throws(TemplateError) {
    guard index < tokens.count else { return }
    throw TemplateError(line: currentLine, message: "unexpected \(describe(tokens[index].token)) in the expression")
  }

  func describe(_ token: TemplateParser.Token) -> String {
    switch token {
    case .name(let name): return "`\(name)`"
    case .string(let text): return "string '\(text)'"
    case .number(let number): return "number \(JavaScriptText.number(number))"
    case .symbol(let symbol): return "`\(symbol)`"
    }
  }

  mutating func parseExpression() throws(TemplateError) -> TemplateExpression {
    let body = try parseOr()
    guard skip(.name("if")) else { return body }
    let condition = try parseOr()
    let otherwise: TemplateExpression? = skip(.name("else")) ? try parseOr() : nil
    return .inlineIf(condition: condition, then: body, otherwise: otherwise)
  }

  private mutating func parseOr() throws(TemplateError) -> TemplateExpression {
    var left = try parseAnd()
    while skip(.name("or")) { left = .or(left, try parseAnd()) }
    return left
  }

  private mutating func parseAnd() throws(TemplateError) -> TemplateExpression {
    var left = try parseNot()
    while skip(.name("and")) { left = .and(left, try parseNot()) }
    return left
  }

  private mutating func parseNot() throws(TemplateError) -> TemplateExpression {
    if skip(.name("not")) { return .not(try parseNot()) }
    return try parseIn()
  }

  private mutating func parseIn() throws(TemplateError) -> TemplateExpression {
    var left = try parseIs()
    while true {
      let lineHere = currentLine
      if peek == .name("not"), index + 1 < tokens.count, tokens[index + 1].token == .name("in") {
        index += 2
        left = .not(.binary("in", left, try parseIs(), line: lineHere))
      } else if skip(.name("in")) {
        left = .binary("in", left, try parseIs(), line: lineHere)
      } else {
        return left
      }
    }
  }

  static let supportedTests: Set<String> = ["defined", "undefined", "none", "null"]

  private mutating func parseIs() throws(TemplateError) -> TemplateExpression {
    let left = try parseCompare()
    let lineHere = currentLine
    guard skip(.name("is")) else { return left }
    let negated = skip(.name("not"))
    guard case .name(let test) = try next() else {
      throw TemplateError(line: lineHere, message: "`is` needs a test name")
    }
    guard Self.supportedTests.contains(test) else {
      throw TemplateError(
        line: lineHere, message: "test `is \(test)` is not supported (supported: defined, undefined, none, null)")
    }
    if peek == .symbol("(") { throw TemplateError(line: lineHere, message: "tests with arguments are not supported") }
    return .test(left, name: test, negated: negated, line: lineHere)
  }

  private mutating func parseCompare() throws(TemplateError) -> TemplateExpression {
    var left = try parseConcat()
    while case .symbol(let op)? = peek, ["==", "===", "!=", "!==", "<", ">", "<=", ">="].contains(op) {
      let lineHere = currentLine
      index += 1
      left = .binary(op, left, try parseConcat(), line: lineHere)
    }
    return left
  }

  private mutating func parseConcat() throws(TemplateError) -> TemplateExpression {
    var left = try parseAdd()
    while peek == .symbol("~") {
      let lineHere = currentLine
      index += 1
      left = .binary("~", left, try parseAdd(), line: lineHere)
    }
    return left
  }

  /// Nunjucks parses `+` above `-` (`parseAdd` calls `parseSub`): `a - b + c` is `(a - b) + c` and
  /// `a + b - c` is `a + (b - c)`.
  private mutating func parseAdd() throws(TemplateError) -> TemplateExpression {
    var left = try parseSub()
    while peek == .symbol("+") {
      let lineHere = currentLine
      index += 1
      left = .binary("+", left, try parseSub(), line: lineHere)
    }
    return left
  }

  private mutating func parseSub() throws(TemplateError) -> TemplateExpression {
    var left = try parseMul()
    while peek == .symbol("-") {
      let lineHere = currentLine
      index += 1
      left = .binary("-", left, try parseMul(), line: lineHere)
    }
    return left
  }

  private mutating func parseMul() throws(TemplateError) -> TemplateExpression {
    var left = try parseUnary()
    while case .symbol(let op)? = peek, ["*", "/", "//", "%"].contains(op) {
      let lineHere = currentLine
      index += 1
      left = .binary(op, left, try parseUnary(), line: lineHere)
    }
    return left
  }

  private mutating func parseUnary() throws(TemplateError) -> TemplateExpression {
    let lineHere = currentLine
    var node: TemplateExpression
    if skip(.symbol("-")) {
      node = .negate(try parseUnaryWithoutFilters(), line: lineHere)
    } else if skip(.symbol("+")) {
      node = .binary("+", .literal(.number(0)), try parseUnaryWithoutFilters(), line: lineHere)
    } else {
      node = try parsePrimary()
    }
    if peek == .symbol("**") {
      throw TemplateError(line: currentLine, message: "`**` is not supported")
    }
    return try parseFilters(node)
  }

  private mutating func parseUnaryWithoutFilters() throws(TemplateError) -> TemplateExpression {
    let lineHere = currentLine
    if skip(.symbol("-")) { return .negate(try parseUnaryWithoutFilters(), line: lineHere) }
    return try parsePrimary()
  }

  private mutating func parseFilters(_ input: TemplateExpression) throws(TemplateError) -> TemplateExpression {
    var node = input
    while skip(.symbol("|")) {
      let lineHere = currentLine
      guard case .name(var name) = try next() else {
        throw TemplateError(line: lineHere, message: "`|` needs a filter name")
      }
      while skip(.symbol(".")) {
        guard case .name(let part) = try next() else {
          throw TemplateError(line: lineHere, message: "`|` needs a filter name")
        }
        name += "." + part
      }
      guard TemplateFilters.names.contains(name) else {
        throw TemplateError(
          line: lineHere,
          message:
            "filter `\(name)` is not rendered by promptops (supported: \(TemplateFilters.names.sorted().joined(separator: ", ")))"
        )
      }
      var arguments: [TemplateExpression] = []
      if skip(.symbol("(")) {
        if !skip(.symbol(")")) {
          repeat {
            if case .name = peek, index + 1 < tokens.count, tokens[index + 1].token == .symbol("=") {
              throw TemplateError(line: lineHere, message: "keyword arguments to filters are not supported")
            }
            arguments.append(try parseExpression())
          } while skip(.symbol(","))
          guard skip(.symbol(")")) else {
            throw TemplateError(line: lineHere, message: "filter `\(name)(` is never closed with `)`")
          }
        }
      }
      node = .filter(name: name, input: node, arguments: arguments, line: lineHere)
    }
    return node
  }

  private mutating func parsePrimary() throws(TemplateError) -> TemplateExpression {
    let lineHere = currentLine
    var node: TemplateExpression
    switch try next() {
    case .string(let text): node = .literal(.string(text))
    case .number(let number): node = .literal(.number(number))
    case .name(let name):
      switch name {
      case "true", "True": node = .literal(.bool(true))
      case "false", "False": node = .literal(.bool(false))
      case "none", "None", "null": node = .literal(.null)
      default: node = .name(name)
      }
    case .symbol("("):
      node = try parseExpression()
      guard skip(.symbol(")")) else { throw TemplateError(line: lineHere, message: "`(` is never closed with `)`") }
    case .symbol("["):
      var items: [TemplateExpression] = []
      if !skip(.symbol("]")) {
        repeat {
          if peek == .symbol("]") { break }
          items.append(try parseExpression())
        } while skip(.symbol(","))
        guard skip(.symbol("]")) else { throw TemplateError(line: lineHere, message: "`[` is never closed with `]`") }
      }
      node = .list(items)
    case .symbol("{"):
      var members: [(key: String, value: TemplateExpression)] = []
      if !skip(.symbol("}")) {
        repeat {
          if peek == .symbol("}") { break }
          let key: String
          switch try next() {
          case .string(let text): key = text
          case .name(let name): key = name
          default: throw TemplateError(line: lineHere, message: "a mapping key must be a name or a string")
          }
          guard skip(.symbol(":")) else {
            throw TemplateError(line: lineHere, message: "a mapping needs `:` after its key")
          }
          members.append((key, try parseExpression()))
        } while skip(.symbol(","))
        guard skip(.symbol("}")) else { throw TemplateError(line: lineHere, message: "`{` is never closed with `}`") }
      }
      node = .mapping(members)
    case let token:
      throw TemplateError(line: lineHere, message: "unexpected \(describe(token)) where a value was expected")
    }
    // Lookups: `.name`, `[expression]`; calls are refused.
    while true {
      if skip(.symbol(".")) {
        switch try next() {
        case .name(let key): node = .attribute(node, key)
        case .number(let number) where number == number.rounded() && number >= 0:
          node = .index(node, .literal(.number(number)))
        case let token: throw TemplateError(line: lineHere, message: "unexpected \(describe(token)) after `.`")
        }
      } else if skip(.symbol("[")) {
        if peek == .symbol(":") { throw TemplateError(line: lineHere, message: "slices are not supported") }
        let key = try parseExpression()
        if peek == .symbol(":") { throw TemplateError(line: lineHere, message: "slices are not supported") }
        guard skip(.symbol("]")) else { throw TemplateError(line: lineHere, message: "`[` is never closed with `]`") }
        node = .index(node, key)
      } else if peek == .symbol("(") {
        let what = node.dottedName.map { "`\($0)(…)`" } ?? "a call"
        throw TemplateError(line: lineHere, message: "\(what): calling functions and methods is not supported")
      } else {
        return node
      }
    }
  }
}
