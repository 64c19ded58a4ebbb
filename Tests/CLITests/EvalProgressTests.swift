import Foundation
import TestSupport
import Testing

/// `eval` shows its progress (tests done of all, failures so far, elapsed time) on standard
/// error: by default only on a terminal, where one line is rewritten in place; `--progress`
/// asks for it anywhere (a line per step), `--no-progress` turns it off. Standard output keeps
/// the verdicts alone.
@Suite("eval progress on standard error")
struct EvalProgressTests {
  /// Prompt `b` of `EvalCommandTests.repository` with a third test that fails.
  static func repository(_ name: String) throws -> TempRepo {
    let repo = try EvalCommandTests.repository(name)
    try repo.write(
      "prompts/b/evalsuite.yml",
      """
      providers: [echo]
      tests:
        - vars: {text: cats}
          assert: [{type: contains, value: cats}]
        - vars: {text: dogs}
          assert: [{type: contains, value: birds}]
        - vars: {text: fish}
          assert: [{type: icontains, value: FISH}]

      """)
    try repo.commit("a failing test")
    return repo
  }

  static func progressLines(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init).filter { $0.contains("promptops: eval ") }
  }

  @Test(.timeLimit(.minutes(5))) func progressIsAskedForOnAPipe() throws {
    let repo = try Self.repository("progressOnAPipe")
    let result = try repo.promptops("eval", "b", "--no-note", "--no-cache", "--concurrency", "1", "--progress")
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    let lines = Self.progressLines(result.stderr)
    // One line per finished test, in order, counting the failure once it is known.
    let counts = lines.compactMap { line -> String? in
      guard let range = line.range(of: #"\d+/\d+ tests, \d+ failed"#, options: .regularExpression) else { return nil }
      return String(line[range])
    }
    #expect(counts == ["1/3 tests, 0 failed", "2/3 tests, 1 failed", "3/3 tests, 1 failed"], "\(result.stderr)")
    #expect(lines.allSatisfy { $0.range(of: #", \d+\.\d s$"#, options: .regularExpression) != nil }, "\(lines)")
    // A pipe gets whole lines, never the terminal's carriage returns and escapes.
    #expect(!result.stderr.contains("\r") && !result.stderr.contains("\u{1B}"), "\(result.stderr.debugDescription)")
    #expect(Self.progressLines(result.stdout).isEmpty, "\(result.stdout)")
    #expect(result.stdout.hasPrefix("FAIL b 1.0.0: pass rate 67% (2/3)"), "\(result.stdout)")
  }

  @Test(.timeLimit(.minutes(5))) func noProgressOnAPipeUnlessAskedFor() throws {
    let repo = try Self.repository("noProgressOnAPipe")
    for extra in [[], ["--no-progress"], ["--progress", "--no-progress"]] {
      let result = try runProcess(
        try promptopsBinary(), ["eval", "b", "--no-note", "--no-cache"] + extra, in: repo.path,
        environment: repo.environment)
      #expect(result.status == 1, "\(extra): \(result.stdout)\(result.stderr)")
      #expect(Self.progressLines(result.stderr + result.stdout).isEmpty, "\(extra): \(result.stderr)")
    }
  }

  /// On a terminal (`script` gives the command one), progress is on by default and rewritten
  /// in place: carriage return and erase-line, never a line of its own.
  @Test(.timeLimit(.minutes(5))) func aTerminalGetsOneLineRewrittenInPlace() throws {
    let script = try #require(which("script"), "util-linux's script(1) makes the terminal")
    let repo = try Self.repository("progressOnATerminal")
    let command = "'\(try promptopsBinary())' eval b --no-note --no-cache --concurrency 1"
    let result = try runProcess(script, ["-qec", command, "/dev/null"], in: repo.path, environment: repo.environment)
    // The last step is always drawn; each drawing ends where the next overwrites it.
    #expect(
      result.stdout.contains("\r\u{1B}[Kpromptops: eval 3/3 tests, 1 failed, "), "\(result.stdout.debugDescription)")
    #expect(
      result.stdout.range(of: #"promptops: eval [^\r\n]*\r?\n"#, options: .regularExpression) == nil,
      "\(result.stdout.debugDescription)")
    #expect(result.stdout.contains("FAIL b 1.0.0"), "\(result.stdout.debugDescription)")
    let off = try runProcess(
      script, ["-qec", command + " --no-progress", "/dev/null"], in: repo.path, environment: repo.environment)
    #expect(off.stdout.contains("FAIL b 1.0.0"), "\(off.stdout.debugDescription)")
    #expect(!off.stdout.contains("promptops: eval "), "\(off.stdout.debugDescription)")
  }
}
