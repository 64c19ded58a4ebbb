import Foundation
import TestSupport
import Testing

@testable import PromptModel

/// A CHANGELOG.md names a version only in a level-2 heading a Markdown reader shows: a
/// `## [1.0.1]` inside an HTML comment or a fenced code block is hidden text, no entry. The
/// headings `Changelog.markdownVersions` reads are held to markdown-it-py (CommonMark) over a
/// corpus and generated changelogs: every heading it reads is one markdown-it-py shows (at any
/// depth), and every heading markdown-it-py shows at the top of the document is read. Inside a
/// list item or a quote a heading is not a section of the changelog, and may be missed.
@Suite("CHANGELOG.md headings as CommonMark reads them")
struct MarkdownHeadingTests {
  static let corpus: [String] = [
    "# Changelog\n\n## [1.0.1] - 2026-01-02\n- Second\n\n## [1.0.0] - 2026-01-01\n- First\n",
    "# Changelog\n<!--\n## [1.0.1]\n-->\n## [1.0.0]\n",
    "<!-- ## [1.0.1] -->\n## [1.0.0]\n",
    "<!-->\n## [1.0.1]\n",
    "```\n## [1.0.1]\n```\n## [1.0.0]\n",
    "~~~markdown\n## [1.0.1]\n~~~\n",
    "````\n```\n## [1.0.1]\n````\n## [1.0.0]\n",
    "```\n## [1.0.1]\n",
    "``` a`b\n## [1.0.1]\n",
    "   ```\n## [1.0.1]\n   ```\n## [1.0.0]\n",
    "    ```\n## [1.0.1]\n",
    "    ## [1.0.1]\n",
    "   ## [1.0.1]\n",
    "\t## [1.0.1]\n",
    "## [1.0.1] ##\n## 1.0.0 #\n##[0.9.0]\n##\n",
    "## [1.0.1]\r\n## [1.0.0]\r\n",
    "<div>\n## [1.0.1]\n</div>\n\n## [1.0.0]\n",
    "<details><summary>old</summary>\n## [1.0.1]\n</details>\n",
    "<span>\n## [1.0.1]\n",
    "text\n<span>\n## [1.0.1]\n",
    "<a href=\"x\" title='y'>\n## [1.0.1]\n",
    "<pre>\n\n## [1.0.1]\n</pre>\n## [1.0.0]\n",
    "<script>\n## [1.0.1]\n</SCRIPT>\n## [1.0.0]\n",
    "<?php\n## [1.0.1]\n?>\n## [1.0.0]\n",
    "<!DOCTYPE html>\n## [1.0.1]\n",
    "<![CDATA[\n## [1.0.1]\n]]>\n## [1.0.0]\n",
    "- item\n  ## [1.0.1]\n## [1.0.0]\n",
    "- ```\n  ## [1.0.1]\n  ```\n## [1.0.0]\n",
    "- item\n  ```\n## [1.0.1]\n",
    "1. item\n\n   <!--\n## [1.0.1]\n",
    "> ## [1.0.1]\n> ```\n## [1.0.0]\n",
    "> ```\n> ## [1.0.1]\n> ```\n",
    "Title\n===\n<span>\n## [1.0.1]\n",
    "Title\n---\n## [1.0.1]\n",
    "* * *\n## [1.0.1]\n",
  ]

  @Test func theCorpusReadsAsMarkdownItReadsIt() throws {
    try compare(Self.corpus)
  }

  /// Changelogs assembled at random from lines that open, close or hide blocks, and headings.
  @Test(arguments: [31, 32, 33] as [UInt64])
  func generatedChangelogsReadAsMarkdownItReadsThem(seed: UInt64) throws {
    var random = SplitMix64(state: seed &* 0x0C4A_4E6E)
    let pieces = [
      "", "", "text", "Title", "===", "---", "***", "<!--", "-->", "<!-- note -->", "```", "```js", "~~~", "````",
      "- item", "  - nested", "1. item", "   text", "    code", "> quote", "> ```", "> <!--", "<div>", "</div>",
      "<span>", "<a href=\"x\">", "</a>", "<details>", "<pre>", "</pre>", "<script>", "</script>", "<?x", "?>",
      "<!X", ">", "[ref]: /url", "| a | b |", "\t- tab item",
    ]
    let headings = [
      "## [%@]", "  ## %@", "    ## [%@]", "\t## [%@]", "## [%@] - 2026-01-01 ##", "- ## [%@]", "> ## %@",
    ]
    var documents: [String] = []
    var counter = 0
    for _ in 0..<400 {
      var lines: [String] = []
      for _ in 0..<Int.random(in: 3...12, using: &random) {
        if Int.random(in: 0..<3, using: &random) == 0 {
          counter += 1
          let template = headings[Int.random(in: 0..<headings.count, using: &random)]
          lines.append(template.replacingOccurrences(of: "%@", with: "\(counter).0.0"))
        } else {
          lines.append(pieces[Int.random(in: 0..<pieces.count, using: &random)])
        }
      }
      documents.append(lines.joined(separator: "\n") + "\n")
    }
    try compare(documents)
  }

  /// For each text: the level-2 ATX headings' texts markdown-it-py shows at the top of the
  /// document, and at any depth.
  static let oracle = """
    import json, sys
    from markdown_it import MarkdownIt
    md = MarkdownIt('commonmark')
    out = []
    for text in json.load(sys.stdin):
        tokens = md.parse(text)
        top, every = [], []
        for index, token in enumerate(tokens):
            if token.type == 'heading_open' and token.tag == 'h2' and token.markup == '##':
                every.append(tokens[index + 1].content)
                if token.level == 0:
                    top.append(tokens[index + 1].content)
        out.append([top, every])
    print(json.dumps(out))
    """

  func compare(_ documents: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let verdicts = try PythonOracle.answers(
      of: Self.oracle, to: .array(documents.map { .string($0) }), package: "markdown-it-py")
    guard verdicts.count == documents.count else {
      Issue.record("markdown-it-py answered \(verdicts.count) of \(documents.count)", sourceLocation: sourceLocation)
      return
    }
    func strings(_ value: JSONValue?) -> Set<String> {
      guard case .array(let items)? = value else { return [] }
      return Set(items.compactMap { if case .string(let text) = $0 { text } else { nil } })
    }
    var mismatches = 0
    var hidden = 0
    var shown = 0
    for (text, verdict) in zip(documents, verdicts) {
      guard case .array(let pair) = verdict, pair.count == 2 else { continue }
      let (top, every) = (strings(pair[0]), strings(pair[1]))
      let mine = MarkdownHeadings.level2(in: text)
      let invented = Set(mine).subtracting(every)
      let missed = top.subtracting(mine)
      shown += top.count
      hidden += text.components(separatedBy: "## ").count - 1 - every.count
      if !invented.isEmpty || !missed.isEmpty {
        mismatches += 1
        if mismatches <= 5 {
          Issue.record(
            "read headings markdown-it-py does not show: \(invented.sorted()); missed: \(missed.sorted())\n\(text)",
            sourceLocation: sourceLocation)
        }
      }
      #expect(
        Changelog.markdownVersions(text) == mine.compactMap(Changelog.version(inHeading:)),
        sourceLocation: sourceLocation)
    }
    #expect(mismatches == 0, sourceLocation: sourceLocation)
    // Both kinds occur: headings shown, and headings a block hides.
    #expect(shown > 5 && hidden > 5, "\(shown) shown, \(hidden) hidden", sourceLocation: sourceLocation)
  }
}
