import TestSupport
import Testing

@testable import PromptEvals
@testable import PromptModel

/// The prompt-id globs of `.promptops.yml`: approvals policies and eval suites select prompts
/// with one matcher, which agrees with the suite path glob on every id (ids hold no `/`).
@Suite("prompt id globs")
struct PromptIDGlobTests {
  @Test func agreesWithThePathGlobOnSlashFreeIDs() {
    var generator = SplitMix64(state: 0x5EED_1D)
    let idAlphabet: [String] = ["a", "b", "-", "_", "1", "é", "ü", "😀"]
    let patternAlphabet = idAlphabet + ["*", "?", "**"]
    var disagreements: [String] = []
    for _ in 0..<5000 {
      let id = (0..<Int(generator.next() % 7)).map { _ in idAlphabet[Int(generator.next() % UInt64(idAlphabet.count))] }
        .joined()
      let pattern = (0..<Int(generator.next() % 6)).map { _ in
        patternAlphabet[Int(generator.next() % UInt64(patternAlphabet.count))]
      }.joined()
      if PromptIDGlob.matches(id, pattern) != Glob(pattern).matches(id) { disagreements.append("\(id) ~ \(pattern)") }
    }
    #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
  }

  /// `?` is one character, not one byte: an approvals policy for `caf?` covers `café`, as the
  /// suite that names the same pattern evaluates it.
  @Test func questionMarkIsOneCharacter() {
    #expect(PromptIDGlob.matches("café", "caf?"))
    #expect(PromptIDGlob.matches("bot-😀", "bot-?"))
    #expect(!PromptIDGlob.matches("café", "caf??"))
    #expect(PromptIDGlob.matches("support-billing", "support-*"))
    #expect(!PromptIDGlob.matches("Support-billing", "support-*"))
  }
}
