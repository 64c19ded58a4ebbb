/// The level-2 ATX headings (`## …`) of a Markdown text that a CommonMark reader shows as headings
/// of the document itself, each as its text (the markers, the spaces around it and a closing run
/// of `#` removed).
///
/// A `## [1.0.1]` inside an HTML comment, an HTML block, a fenced or indented code block, a block
/// quote or a list item is no section of a Keep-a-Changelog file, so it names no version. Only the
/// block structure that can hide a line is followed: fences, the seven kinds of HTML block, list
/// items (by indentation) and quotes. Where it is unsure it leans to hiding: a heading it misses is
/// a changelog entry the author is asked to write again, one it invents lets a version through.
/// `MarkdownHeadingTests` holds it to markdown-it-py.
enum MarkdownHeadings {
  static func level2(in text: String) -> [String] {
    // Most changelogs are prose: no `#` at all means no heading, and the scan costs nothing more.
    guard text.utf8.contains(UInt8(ascii: "#")) else { return [] }
    var scanner = Scanner()
    var headings: [String] = []
    let bytes = Array(text.utf8)
    for var line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      if line.last == 0x0D { line = line.dropLast() }
      if let heading = scanner.next(line) { headings.append(heading) }
    }
    return headings
  }

  private struct Fence {
    let marker: UInt8
    let length: Int
  }

  private enum HTMLEnd {
    /// Ends on a line that contains one of these (compared without case).
    case text([[UInt8]])
    case blankLine
  }

  private enum Open {
    case fence(Fence)
    case html(HTMLEnd)
  }

  private struct Scanner {
    /// A fence or HTML block not yet closed.
    var open: Open?
    /// The list item lines belong to: the column its content starts at, and a scanner of the
    /// content (an array, as a struct cannot hold itself).
    var list: (column: Int, content: [Scanner])?
    /// The block quote lines belong to, and a scanner of its content.
    var quote: [Scanner] = []
    /// Whether the last line was paragraph text, which a kind-7 HTML block cannot interrupt and
    /// a later line may continue (unsure cases say no, so that the block hides what follows).
    var inParagraph = false

    /// Reads one line; a level-2 heading of this scanner's own level is returned as its text.
    mutating func next(_ line: ArraySlice<UInt8>) -> String? {
      let (column, start) = Self.indentation(line)
      let blank = start == line.endIndex
      var wasParagraph = inParagraph
      // A list item holds its blank lines and the lines indented to its content; any other line
      // ends it, and whatever it opened (a lazy continuation of its paragraph is read as text).
      if let (contentColumn, content) = list {
        if blank || column >= contentColumn {
          var inner = content[0]
          _ = inner.next(Self.dropColumns(contentColumn, of: line))
          list = (contentColumn, [inner])
          inParagraph = inner.inParagraph
          return nil
        }
        // Text that starts no block continues the item's paragraph lazily, and the item goes on.
        if content[0].inParagraph, !Self.interruptsParagraph(line[start...], column: column) { return nil }
        list = nil
      }
      let rest = line[start...]
      // A quote holds the lines that start with `>`, and lazily continues its paragraph with
      // text that starts no block; any other line ends it.
      if let inner = quote.first {
        if column < 4, rest.first == UInt8(ascii: ">") { return readQuote(rest) }
        if inner.inParagraph, !blank, !Self.interruptsParagraph(rest, column: column) { return nil }
        quote = []
      }
      if let block = open {
        switch block {
        case .fence(let fence):
          if column < 4, Self.closes(fence, rest) { open = nil }
        case .html(.blankLine):
          if blank { open = nil }
        case .html(.text(let ends)):
          if ends.contains(where: { Self.contains(rest, $0) }) { open = nil }
        }
        inParagraph = false
        return nil
      }
      inParagraph = false
      if blank { return nil }
      // Indented code, or a paragraph's continuation: neither a heading nor an opener.
      if column >= 4 {
        inParagraph = wasParagraph
        return nil
      }
      if let fence = Self.fenceOpening(rest) {
        open = .fence(fence)
        return nil
      }
      if let end = Self.htmlBlockStart(rest, interruptsParagraph: wasParagraph) {
        // Kinds 1 to 5 may end on the line they start on (`<!-- a -->`, and `<!-->` too).
        if case .text(let ends) = end, ends.contains(where: { Self.contains(rest, $0) }) { return nil }
        open = .html(end)
        return nil
      }
      switch rest.first {
      case UInt8(ascii: "#"):
        return Self.level2Heading(rest)
      case UInt8(ascii: ">"):
        quote = [Scanner()]
        wasParagraph = false
        return readQuote(rest)
      default:
        break
      }
      if Self.isThematicBreak(rest) { return nil }
      if let (width, contentStart) = Self.listMarker(rest),
        !wasParagraph || Self.listItemInterruptsParagraph(rest, contentStart: contentStart)
      {
        var inner = Scanner()
        _ = inner.next(rest.dropFirst(contentStart))
        list = (column + width, [inner])
        inParagraph = inner.inParagraph
        return nil
      }
      // A run of `=` or `-` underlines a paragraph (and ends it), or is text itself; a link
      // reference definition is no paragraph.
      if rest.allSatisfy({ $0 == UInt8(ascii: "=") || Self.isSpaceOrTab($0) })
        || rest.allSatisfy({ $0 == UInt8(ascii: "-") || Self.isSpaceOrTab($0) })
      {
        inParagraph = !wasParagraph
      } else {
        inParagraph = wasParagraph || !(rest.first == UInt8(ascii: "[") && Self.contains(rest, Array("]:".utf8)))
      }
      return nil
    }

    /// Whether a line starts a block that ends a paragraph, rather than continuing it.
    static func interruptsParagraph(_ rest: ArraySlice<UInt8>, column: Int) -> Bool {
      guard column < 4, let first = rest.first else { return false }
      if first == UInt8(ascii: ">") || fenceOpening(rest) != nil || isThematicBreak(rest) { return true }
      if htmlBlockStart(rest, interruptsParagraph: true) != nil { return true }
      if first == UInt8(ascii: "#") {
        let level = run(of: first, in: rest)
        if level <= 6, rest.dropFirst(level).first.map(isSpaceOrTab) ?? true { return true }
      }
      if let (_, contentStart) = listMarker(rest) {
        return listItemInterruptsParagraph(rest, contentStart: contentStart)
      }
      return false
    }

    /// A list item interrupts a paragraph only when it has content and, if ordered, starts at 1.
    static func listItemInterruptsParagraph(_ rest: ArraySlice<UInt8>, contentStart: Int) -> Bool {
      guard rest.dropFirst(contentStart).contains(where: { !isSpaceOrTab($0) }) else { return false }
      guard let first = rest.first, (0x30...0x39).contains(first) else { return true }
      let digits = rest.prefix { (0x30...0x39).contains($0) }
      return digits.drop { $0 == 0x30 }.elementsEqual([0x31])
    }

    /// Feeds a `>` line's content to the quote's scanner.
    private mutating func readQuote(_ rest: ArraySlice<UInt8>) -> String? {
      var content = rest.dropFirst()
      if content.first == 0x20 { content = content.dropFirst() }
      var inner = quote[0]
      _ = inner.next(content)
      quote = [inner]
      inParagraph = inner.inParagraph
      return nil
    }

    /// The line without its first `columns` columns of indentation (a tab that straddles the
    /// boundary leaves its remaining columns as spaces).
    static func dropColumns(_ columns: Int, of line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
      var column = 0
      var index = line.startIndex
      while index < line.endIndex, column < columns {
        switch line[index] {
        case 0x20: column += 1
        case 0x09: column += 4 - column % 4
        default: return line[index...]
        }
        index += 1
      }
      return column > columns ? ArraySlice(repeating: 0x20, count: column - columns) + line[index...] : line[index...]
    }

    /// The column of the first character that is not a space or tab, and its index.
    static func indentation(_ line: ArraySlice<UInt8>) -> (column: Int, index: Int) {
      var column = 0
      var index = line.startIndex
      while index < line.endIndex {
        switch line[index] {
        case 0x20: column += 1
        case 0x09: column += 4 - column % 4
        default: return (column, index)
        }
        index += 1
      }
      return (column, index)
    }

    static func run(of byte: UInt8, in bytes: ArraySlice<UInt8>) -> Int {
      bytes.prefix { $0 == byte }.count
    }

    static func isSpaceOrTab(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func fenceOpening(_ rest: ArraySlice<UInt8>) -> Fence? {
      guard let marker = rest.first, marker == UInt8(ascii: "`") || marker == UInt8(ascii: "~") else { return nil }
      let length = run(of: marker, in: rest)
      guard length >= 3 else { return nil }
      // A backtick fence's info string holds no backtick (else the line is inline code).
      if marker == UInt8(ascii: "`"), rest.dropFirst(length).contains(marker) { return nil }
      return Fence(marker: marker, length: length)
    }

    static func closes(_ fence: Fence, _ rest: ArraySlice<UInt8>) -> Bool {
      let length = run(of: fence.marker, in: rest)
      return length >= fence.length && rest.dropFirst(length).allSatisfy(isSpaceOrTab)
    }

    /// `## text`, `##` alone, or `## text ##`: its text, or nil for any other line.
    static func level2Heading(_ rest: ArraySlice<UInt8>) -> String? {
      guard run(of: UInt8(ascii: "#"), in: rest) == 2 else { return nil }
      var content = rest.dropFirst(2)
      guard content.first.map(isSpaceOrTab) ?? true else { return nil }
      while let last = content.last, isSpaceOrTab(last) { content = content.dropLast() }
      // A closing run of `#` counts only after a space or tab (or as the whole content).
      let closing = content.reversed().prefix { $0 == UInt8(ascii: "#") }.count
      if closing > 0 {
        let before = content.dropLast(closing)
        if before.isEmpty || before.last.map(isSpaceOrTab) == true { content = before }
      }
      while let first = content.first, isSpaceOrTab(first) { content = content.dropFirst() }
      while let last = content.last, isSpaceOrTab(last) { content = content.dropLast() }
      return String(decoding: content, as: UTF8.self)
    }

    static func isThematicBreak(_ rest: ArraySlice<UInt8>) -> Bool {
      guard let marker = rest.first, [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_")].contains(marker)
      else { return false }
      var count = 0
      for byte in rest {
        if byte == marker {
          count += 1
        } else if !isSpaceOrTab(byte) {
          return false
        }
      }
      return count >= 3
    }

    /// A list item's marker (`- `, `12. `, `3) `): the width from the marker to the item's content
    /// column, and where its content starts in `rest`; nil for any other line.
    static func listMarker(_ rest: ArraySlice<UInt8>) -> (width: Int, contentStart: Int)? {
      guard let first = rest.first else { return nil }
      let marker: Int
      if first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: "*") {
        marker = 1
      } else {
        let digits = rest.prefix { (0x30...0x39).contains($0) }.count
        guard (1...9).contains(digits), let after = rest.dropFirst(digits).first,
          after == UInt8(ascii: ".") || after == UInt8(ascii: ")")
        else { return nil }
        marker = digits + 1
      }
      let afterMarker = rest.dropFirst(marker)
      guard let next = afterMarker.first else { return (marker + 1, marker) }
      guard isSpaceOrTab(next) else { return nil }
      let (column, index) = indentation(afterMarker)
      // Past four columns of space the content is indented code, one column in.
      if index == afterMarker.endIndex || column > 4 { return (marker + 1, marker + 1) }
      return (marker + column, marker + index - afterMarker.startIndex)
    }

    /// Whether `bytes` holds `needle` (which is lowercase), compared without ASCII case.
    static func contains(_ bytes: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
      guard bytes.count >= needle.count, let head = needle.first else { return false }
      var index = bytes.startIndex
      while index <= bytes.endIndex - needle.count {
        if lower(bytes[index]) == head,
          zip(bytes[index..<(index + needle.count)], needle).allSatisfy({ lower($0) == $1 })
        {
          return true
        }
        index += 1
      }
      return false
    }

    static func lower(_ byte: UInt8) -> UInt8 {
      (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }
    static let rawTextTags = ["pre", "script", "style", "textarea"]
    static let blockTags: Set<String> = [
      "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
      "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
      "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html",
      "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup",
      "option", "p", "param", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
      "title", "tr", "track", "ul",
    ]

    /// How an HTML block starting on this line ends, or nil when none starts (CommonMark's seven
    /// start conditions).
    static func htmlBlockStart(_ rest: ArraySlice<UInt8>, interruptsParagraph: Bool) -> HTMLEnd? {
      guard rest.first == UInt8(ascii: "<") else { return nil }
      let after = rest.dropFirst()
      func starts(_ prefix: String) -> Bool {
        after.count >= prefix.utf8.count && zip(after, prefix.utf8).allSatisfy { lower($0) == $1 }
      }
      if starts("!--") { return .text([Array("-->".utf8)]) }
      if starts("?") { return .text([Array("?>".utf8)]) }
      if after.starts(with: "![CDATA[".utf8) {
        return .text([Array("]]>".utf8)])
      }
      if starts("!"), let letter = after.dropFirst().first, isLetter(letter) {
        return .text([Array(">".utf8)])
      }
      let closing = after.first == UInt8(ascii: "/")
      let nameStart = closing ? after.dropFirst() : after
      let nameBytes = nameStart.prefix { isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
      guard let firstByte = nameBytes.first, isLetter(firstByte) else { return nil }
      let name = String(decoding: nameBytes.map { lower($0) }, as: UTF8.self)
      let next = nameStart.dropFirst(nameBytes.count)
      let nextByte = next.first
      let ends = nextByte == nil || isSpaceOrTab(nextByte ?? 0) || nextByte == UInt8(ascii: ">")
      if !closing, rawTextTags.contains(name), ends {
        // Any of the four closing tags ends it, not only its own.
        return .text(rawTextTags.map { Array("</\($0)>".utf8) })
      }
      if blockTags.contains(name), ends || next.starts(with: "/>".utf8) { return .blankLine }
      // CommonMark leaves `<pre>` and its kin to kind 1; markdown-it lets `</pre>` start a kind-7 block,
      // which hides more.
      guard !interruptsParagraph, closing || !rawTextTags.contains(name) else { return nil }
      return isCompleteTag(next, closing: closing) ? .blankLine : nil
    }

    static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }

    /// Whether what follows a tag's name completes an open tag (attributes, `>` or `/>`) or a
    /// closing tag (`>`), with only spaces or tabs after it.
    static func isCompleteTag(_ bytes: ArraySlice<UInt8>, closing: Bool) -> Bool {
      var rest = bytes
      func skipSpace() -> Bool {
        let count = rest.prefix(while: isSpaceOrTab).count
        rest = rest.dropFirst(count)
        return count > 0
      }
      if closing {
        _ = skipSpace()
      } else {
        while true {
          let spaced = skipSpace()
          guard let byte = rest.first, spaced, isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
          else { break }
          rest = rest.drop {
            isLetter($0) || (0x30...0x39).contains($0)
              || [
                UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"),
                UInt8(ascii: "-"),
              ].contains($0)
          }
          let beforeValue = rest
          _ = skipSpace()
          guard rest.first == UInt8(ascii: "=") else {
            rest = beforeValue
            continue
          }
          rest = rest.dropFirst()
          _ = skipSpace()
          guard let quote = rest.first else { return false }
          if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            guard let close = rest.dropFirst().firstIndex(of: quote) else { return false }
            rest = rest[(close + 1)...]
          } else {
            let value = rest.prefix { !isSpaceOrTab($0) && !"\"'=<>`".utf8.contains($0) }
            guard !value.isEmpty else { return false }
            rest = rest.dropFirst(value.count)
          }
        }
        _ = skipSpace()
        if rest.first == UInt8(ascii: "/") { rest = rest.dropFirst() }
      }
      guard rest.first == UInt8(ascii: ">") else { return false }
      return rest.dropFirst().allSatisfy(isSpaceOrTab)
    }
  }
}
