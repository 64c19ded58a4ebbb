import Foundation
import Testing
import Yams

@testable import PromptModel
@testable import PromptRelease

/// `rollback` writes the restored version, date, author and changelog line into the card as YAML
/// double-quoted scalars. What it writes must read back as the same text, by libyaml through Yams
/// (an independent reader) and by the composer the gate reads cards with.
@Suite("the card editor's YAML quoting")
struct CardEditorQuotingTests {
  static let awkward: [String] = [
    "plain", "", "a: b # not a comment", "quote \" and \\ backslash", "tab\tnew\nline\rreturn",
    "bell \u{07} escape \u{1B} delete \u{7F}", "next line \u{85} C1 \u{90}\u{9F}", "bom \u{FEFF} here",
    "separators \u{2028} and \u{2029}", "noncharacters \u{FFFE}\u{FFFF}", "emoji 🙂 and ünïcödé", "{{ vars.x }}",
    "- list", "&anchor *alias !tag", "'single'", "/slashes/ and http://x.y/z",
  ]

  @Test(arguments: awkward)
  func quotedTextReadsBackAsTheSameText(_ text: String) throws {
    let yaml = "changes: \(CardEditor.quoted(text))\n"
    let loaded = try #require(try Yams.load(yaml: yaml) as? [String: Any], "\(yaml.debugDescription)")
    #expect(loaded["changes"] as? String == text, "Yams read \(String(describing: loaded["changes"]))")
    let composed = try #require(try YAMLValue.parse(yaml))
    #expect(composed["changes"]?.scalarString == text)
  }
}
