import ArgumentParser
import PromptModel
import Testing

@testable import promptops

/// The hooks' fixed command lines are read by `HookInvocation` before ArgumentParser runs. These
/// tests hold the shortcut to ArgumentParser's own reading of the same lines (the end-to-end test
/// in `PreCommitHookTests` compares the two paths' output, but would also pass with the shortcut
/// gone), and keep every other line on ArgumentParser's path.
@Suite("hook command lines: recognised before ArgumentParser, read as it reads them")
struct HookInvocationTests {
  static let hookLines: [[String]] = [
    ["check"],
    ["check", "--staged"],
    ["check", "--staged", "--amend"],
    ["check", "--base", "origin/main"],
    ["check", "--base", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"],
    ["check", "--base", "HEAD~3", "--head", "feature"],
    ["check", "--base", "main", "--head", "refs/heads/topic"],
    ["check", "--all", "--head", "0123abc"],
    ["check", "--staged", "--quiet"],
    ["check", "--quiet"],
    ["check", "--base", "origin/main", "--quiet"],
  ]

  @Test(arguments: hookLines)
  func aHookLineMeansWhatCheckParsesItTo(_ line: [String]) throws {
    let shortcut = try #require(HookInvocation.invocation(for: line), "\(line) should be recognised")
    let parsed = try PromptOps.Check.parse(Array(line.dropFirst()))
    #expect(shortcut.comparison == (try parsed.comparison))
    // The shortcut's report settings are the ones ArgumentParser reads from the same line.
    #expect(parsed.options.directory == nil)
    #expect(shortcut.settings == parsed.options.report)
  }

  static let otherLines: [[String]] = [
    [],
    ["--help"],
    ["check", "--help"],
    ["check", "--verbose"],
    ["check", "--staged", "--verbose"],
    ["check", "--format", "json"],
    ["check", "--staged", "-C", "/tmp"],
    ["check", "--amend", "--staged"],
    ["check", "--base=main"],
    ["check", "--base", ""],
    ["check", "--base", "-C"],
    ["check", "--base", "main", "--head", "--verbose"],
    ["check", "--head", "topic", "--base", "main"],
    ["check", "--all"],
    ["check", "--all", "--head", "-x"],
    ["check", "--pre-commit-refs"],
    ["check", "--staged", "--base", "main"],
    ["gate", "--base", "main"],
    ["eval"],
    ["check", "--quiet", "--staged"],
    ["--quiet"],
  ]

  @Test(arguments: otherLines)
  func everyOtherLineIsLeftToArgumentParser(_ line: [String]) {
    #expect(HookInvocation.invocation(for: line) == nil)
  }
}
