import Foundation
import TestSupport
import Testing

@testable import PromptModel

/// `.gitattributes` patterns and lines, with `git check-attr` as the oracle: every pattern of the
/// table is written to a `.gitattributes` file (each with an attribute of its own), and git's
/// answer for every path of the table must be the matcher's.
@Suite("gitattributes patterns agree with git check-attr")
struct AttributePatternTests {
  /// (folder of the .gitattributes file, pattern)
  static let patterns: [(String, String)] = [
    ("", "*.txt"), ("", "prompt.txt"), ("", "*"), ("", "**"), ("", "prompts/*.txt"), ("", "/prompts/*.txt"),
    ("", "prompts/**/prompt.txt"), ("", "**/prompt-card.yml"), ("", "prompts/*/prompt.txt"), ("", "*.prompt.md"),
    ("", "a?c.txt"), ("", "[ab]*.md"), ("", "[!a]*.md"), ("", "[^a]*.md"), ("", "*.[ty]xt"), ("", "prompts/"),
    ("", "prompts/**"), ("", "prompts"), ("", "*txt"), ("", "\\[a].txt"), ("", "[[:upper:]]*.txt"),
    ("", "[[:digit:]]*"),
    ("", "**/*.yml"), ("", "prompts/**/*"), ("", "*/prompt.txt"), ("", "/prompt.txt"), ("", "deep/**/x.txt"),
    ("", "a/**/b/*.txt"), ("", "**/b/**"), ("", "*.TXT"), ("", "prompts/a/prompt.txt"), ("", "prompts/a*/prompt.txt"),
    ("", "p*/a/*"), ("", "[a-c]*.txt"), ("", "[]a]*"), ("", "[!]]*.md"), ("", "!*.md"), ("", "a/b"), ("", "/a/b/*"),
    ("", "**/a"), ("", "a/**"), ("", "*/*/*.txt"), ("", "prompts/*"), ("", "x[[:alpha:]-]y"),
    ("", "\"quoted name.txt\""), ("", "a?c/a"), ("", "a[/]c/a"), ("", "a*c/a"),
    ("", "a/*/a"), ("", "a/**/a"), ("", "**/c/**"), ("", "a**c/a"),
    ("prompts", "*.txt"), ("prompts", "a/*.txt"), ("prompts", "/a/prompt.txt"), ("prompts", "prompt.txt"),
    ("prompts", "**/*.yml"),
    ("prompts", "*/"), ("prompts", "a/**"), ("prompts", "b*"), ("prompts", "/b*"), ("prompts", "*/prompt.txt"),
    ("prompts/a", "*"), ("prompts/a", "prompt.*"), ("prompts/a", "/prompt.txt"), ("prompts/a", "sub/*.txt"),
    ("prompts/a", "**/y.txt"),
  ]

  static let paths = [
    "prompt.txt", "README.txt", "prompts/a/prompt.txt", "prompts/a/prompt-card.yml", "prompts/a/CHANGELOG.md",
    "prompts/b/prompt.txt", "prompts/b.prompt.md", "prompts/abc.txt", "prompts/a/sub/x.txt", "prompts/a/sub/deep/y.txt",
    "deep/x.txt", "deep/q/r/x.txt", "a/b/c.txt", "a/x/b/c.txt", "a/b/d/e.txt", "a/b", "a/c/a", "Upper.txt", "9lives",
    "[a].txt",
    "abc.txt", "adc.txt", "a/c.txt", "x.TXT", "prompts", "prompts/x", "src/app/main.py", "]x.md", "bx.md", "ax.md",
    "xay", "x-y",
    "quoted name.txt", "prompts/b/deep/prompt-card.yml", "prompts/bee", "prompts/c/b.txt", "a/q/b/r/s",
  ]

  @Test(.timeLimit(.minutes(5))) func patternsMatchWhatGitMatches() throws {
    let repo = try TempRepo("attributePatterns")
    var files: [String: String] = [:]
    for (index, (folder, pattern)) in Self.patterns.enumerated() {
      files[folder, default: ""] += "\(pattern) case\(index)\n"
    }
    for (folder, text) in files { try repo.write((folder.isEmpty ? "" : folder + "/") + ".gitattributes", text) }
    let set = try gitSetAttributes(repo, Self.paths)

    let layout = PromptLayout(Configuration())
    for (index, (folder, written)) in Self.patterns.enumerated() {
      let file = GitAttributesFile(
        path: (folder.isEmpty ? "" : folder + "/") + ".gitattributes", bytes: Array("\(written) case\(index)\n".utf8),
        isTopLevel: folder.isEmpty)
      let pattern = file.lines.first?.pattern
      for path in Self.paths {
        let git = set[path]?.contains("case\(index)") ?? false
        #expect(
          (pattern?.matches(file: path) ?? false) == git,
          "pattern \(written.debugDescription) in '\(folder)', path \(path): git says \(git)")
        // The cheap "may match a prompt file" must never say no where git matches a prompt file.
        if git, let location = layout.location(containing: path),
          [location.textPath, location.cardPath, location.changelogPath].contains(path)
        {
          #expect(
            pattern?.mayMatchPromptFiles(of: layout) == true, "pattern \(written) matches the prompt file \(path)")
        }
      }
    }
    // The table exercises both answers.
    #expect(set.values.reduce(0) { $0 + $1.count } > 150)
  }

  /// Which patterns can be ruled out without listing any prompt.
  @Test func patternsThatCannotMatchPromptFiles() {
    let layout = PromptLayout(Configuration())
    func may(_ pattern: String, in folder: String = "") -> Bool {
      AttributePattern(pattern, folder: folder)!.mayMatchPromptFiles(of: layout)
    }
    #expect(may("*.txt") && may("*.md") && may("*.yml") && may("*") && may("prompts/**") && may("**/prompt.txt"))
    #expect(may("*.prompty") && may("x.prompt") && may("*.txt", in: "prompts/a") && may("[pq]rompt.txt"))
    #expect(!may("*.png") && !may("*.py") && !may("src/*.txt") && !may("prompts/") && !may("*.txt", in: "src"))
    #expect(!may("prompt") && !may(".prompt") && !may("/prompt.txt") && may("prompts/*.md") && !may("prompts/*.png"))
  }

  /// Lines as git reads them: states, macros (only in the top file), the built-in `binary`, and
  /// lines git drops whole.
  @Test(.timeLimit(.minutes(5))) func linesReadAsGitReadsThem() throws {
    let repo = try TempRepo("attributeLines")
    let top = """
      [attr]crlfy eol=crlf -ident
      [attr]nested crlfy text=auto
      # a comment
      *.txt text eol=lf
      *.txt -eol
      *.yml crlfy ident
      *.md binary text
      *.md !diff
      *.csv -text=x filter=lfs
      *.json bad/name eol=crlf
      \t  *.ini   nested   \r
      """
    let nested = "[attr]late eol=crlf\n*.yml late working-tree-encoding=UTF-16\n"
    try repo.write(".gitattributes", top + "\n")
    try repo.write("prompts/.gitattributes", nested)
    let paths = ["a.txt", "prompts/p.yml", "b.md", "c.csv", "d.json", "e.ini"]
    let attributes = [
      "eol", "text", "ident", "diff", "merge", "filter", "crlfy", "nested", "late", "working-tree-encoding",
    ]
    let result = try runProcess(
      which("git")!, ["check-attr", "-z", "--stdin"] + attributes, in: repo.path, environment: repo.environment,
      input: paths.joined(separator: "\0") + "\0")
    let fields = result.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    var git: [String: [String: String]] = [:]
    for index in stride(from: 0, to: fields.count - 2, by: 3) where fields[index + 2] != "unspecified" {
      git[fields[index], default: [:]][fields[index + 1]] = fields[index + 2]
    }

    // Ours: every matching line of every file above the path, top first, later lines winning.
    let files = [
      GitAttributesFile(path: ".gitattributes", bytes: Array((top + "\n").utf8), isTopLevel: true),
      GitAttributesFile(path: "prompts/.gitattributes", bytes: Array(nested.utf8), isTopLevel: false),
    ]
    var macros: [String: GitAttributesFile.States] = [
      "binary": [("diff", .unset), ("merge", .unset), ("text", .unset)]
    ]
    for line in files[0].lines { if let macro = line.macro { macros[macro] = line.states } }
    for path in paths {
      var states: [String: GitAttributesFile.State] = [:]
      for file in files {
        for line in file.lines {
          guard let pattern = line.pattern, pattern.matches(file: path) else { continue }
          for (name, state) in GitAttributesFile.expand(line.states, macros: macros) { states[name] = state }
        }
      }
      var ours: [String: String] = [:]
      for name in attributes {
        switch states[name] {
        case .set?: ours[name] = "set"
        case .unset?: ours[name] = "unset"
        case .value(let value)?: ours[name] = value
        case .unspecified?, nil: break
        }
      }
      #expect(ours == (git[path] ?? [:]), "\(path)")
    }
    #expect(git["prompts/p.yml"]?["eol"] == "crlf" && git["b.md"]?["text"] == "set", "\(git)")
  }

  /// The attributes git sets on each path (`git check-attr -a`), by path.
  private func gitSetAttributes(_ repo: TempRepo, _ paths: [String]) throws -> [String: Set<String>] {
    let result = try runProcess(
      which("git")!, ["check-attr", "-z", "--stdin", "-a"], in: repo.path, environment: repo.environment,
      input: paths.joined(separator: "\0") + "\0")
    try #require(result.status == 0, "\(result.stderr)")
    let fields = result.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    var set: [String: Set<String>] = [:]
    for index in stride(from: 0, to: fields.count - 2, by: 3) where fields[index + 2] == "set" {
      set[fields[index], default: []].insert(fields[index + 1])
    }
    return set
  }
}
