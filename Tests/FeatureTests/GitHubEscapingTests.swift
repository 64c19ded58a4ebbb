import Testing

@testable import PromptReporting

/// The escaping of the Actions toolkit (`@actions/core` command.ts): data escapes `%`, CR, LF;
/// properties escape those and `:` and `,`.
@Suite("GitHub workflow command escaping")
struct GitHubEscapingTests {
  @Test func escapesDataAndProperties() {
    #expect(GitHubReporter.escapeData("50% done\r\n::error::x, y") == "50%25 done%0D%0A::error::x, y")
    #expect(GitHubReporter.escapeProperty("prompts/a,b:c%\nd") == "prompts/a%2Cb%3Ac%25%0Ad")
    // Escaping `%` first keeps an already-escaped-looking value literal.
    #expect(GitHubReporter.escapeData("%0A") == "%250A")
  }
}
