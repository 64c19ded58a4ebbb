import Foundation
import TestSupport
import Testing

/// The README and the pages under docs/: links that resolve, a README short enough to be a front
/// door, and a quick start that works as written.
@Suite("README and docs")
struct ReadmeTests {
  // MARK: - Reading the Markdown files

  /// README.md, every page under docs/ and the benchmark history, as paths below the package.
  static func markdownFiles() throws -> [String] {
    let docs = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/docs")
      .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
    return ["README.md", "Benchmarks/HISTORY.md"] + docs
  }

  static func read(_ path: String) throws -> String {
    try String(contentsOfFile: packageRoot + "/" + path, encoding: .utf8)
  }

  /// The lines of a Markdown text that are outside fenced code blocks, with their line numbers.
  static func proseLines(_ text: String) -> [(number: Int, text: String)] {
    var result: [(Int, String)] = []
    var fence: String?
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if let open = fence {
        if trimmed.hasPrefix(open) && trimmed.allSatisfy({ $0 == open.first }) { fence = nil }
        continue
      }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        fence = String(trimmed.prefix { $0 == trimmed.first })
        continue
      }
      result.append((index + 1, line))
    }
    return result
  }

  /// GitHub's anchor for a heading: the rendered text lower-cased, every character that is not
  /// a letter, a mark, a digit, `_`, `-` or a space removed, spaces turned into hyphens; a
  /// repeated anchor gets `-1`, `-2`, … in order.
  static func anchors(_ text: String) -> Set<String> {
    var seen: [String: Int] = [:]
    var result: Set<String> = []
    for (_, line) in proseLines(text) {
      guard let match = line.firstMatch(of: /^#{1,6}\s+(.*?)\s*#*\s*$/) else { continue }
      var heading = String(match.1)
      heading = heading.replacing(/\[([^\]]*)\]\([^)]*\)/) { String($0.1) }  // a link: its text
      heading = heading.replacing(/<[^>]+>/, with: "")  // inline HTML
      var slug = ""
      for character in heading.lowercased() {
        if character == " " {
          slug.append("-")
        } else if character == "-" || character == "_" {
          slug.append(character)
        } else if character.unicodeScalars.allSatisfy({
          $0.properties.isAlphabetic || $0.properties.numericType != nil
            || [.nonspacingMark, .spacingMark, .enclosingMark].contains($0.properties.generalCategory)
        }) {
          slug.append(character)
        }
      }
      let count = seen[slug, default: 0]
      seen[slug] = count + 1
      result.insert(count == 0 ? slug : "\(slug)-\(count)")
    }
    return result
  }

  /// Every inline link target of a Markdown text outside code, with its line.
  static func links(_ text: String) -> [(line: Int, target: String)] {
    var result: [(Int, String)] = []
    for (number, line) in proseLines(text) {
      let prose = line.replacing(/`[^`]*`/, with: "")
      for match in prose.matches(of: /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/) {
        result.append((number, String(match.1)))
      }
    }
    return result
  }

  // MARK: - Links and size

  @Test func everyRelativeLinkAndAnchorResolves() throws {
    var checked = 0
    for file in try Self.markdownFiles() {
      let text = try Self.read(file)
      let folder = (file as NSString).deletingLastPathComponent
      for (line, target) in Self.links(text) {
        if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") { continue }
        checked += 1
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let pathPart = String(parts[0])
        let resolved =
          pathPart.isEmpty
          ? file : (((folder.isEmpty ? pathPart : folder + "/" + pathPart) as NSString).standardizingPath)
        #expect(!resolved.hasPrefix(".."), "\(file):\(line): \(target) leaves the repository")
        let exists = FileManager.default.fileExists(atPath: packageRoot + "/" + resolved)
        #expect(exists, "\(file):\(line): \(target) names \(resolved), which does not exist")
        guard exists, parts.count == 2 else { continue }
        let anchor = String(parts[1])
        #expect(resolved.hasSuffix(".md"), "\(file):\(line): \(target): an anchor into a file that is not Markdown")
        guard resolved.hasSuffix(".md") else { continue }
        let headings = Self.anchors(try Self.read(resolved))
        #expect(
          headings.contains(anchor),
          "\(file):\(line): \(target): no heading of \(resolved) has the anchor #\(anchor) (it has \(headings.sorted()))"
        )
      }
    }
    #expect(checked > 50, "only \(checked) relative links found: is the link reader broken?")
  }

  @Test func anchorsFollowGitHubsRules() {
    let text =
      "# In CI: the merge gate\n## `promptops eval`, `--shard` & merge\n## Notes\n## Notes\n```\n# not a heading\n```\n"
    #expect(Self.anchors(text) == ["in-ci-the-merge-gate", "promptops-eval---shard--merge", "notes", "notes-1"])
  }

  @Test func theReadmeIsAFrontDoor() throws {
    let size = try FileManager.default.attributesOfItem(atPath: packageRoot + "/README.md")[.size] as? Int ?? .max
    #expect(size < 20_000, "README.md is \(size) bytes: move reference material to docs/")
    let headings = try Self.anchors(Self.read("README.md"))
    for section in ["install", "quick-start", "try-it", "develop", "trust-model", "documentation"] {
      #expect(headings.contains(section), "README.md has no \(section) section")
    }
    let readme = try Self.read("README.md")
    for page in try Self.markdownFiles() where page.hasPrefix("docs/") {
      #expect(readme.contains("](\(page))"), "README.md does not link \(page)")
    }
  }

  // MARK: - The quick start

  /// A fenced block of the README's quick start, found by the `<!-- quickstart: … -->` comment
  /// right before it.
  struct Block {
    enum Kind: Equatable {
      /// Shell commands, run one by one in the repository.
      case commands
      /// A file's whole content, written to the path.
      case file(String)
      /// What the last refused command printed (each line must appear in its output).
      case output
      /// Not run, for the reason given (it needs the network or GitHub).
      case skip(String)
    }
    let step: Int
    let kind: Kind
    let line: Int
    let body: String
  }

  static func quickStart() throws -> [Block] {
    let lines = try read("README.md").components(separatedBy: "\n")
    var blocks: [Block] = []
    var index = 0
    while index < lines.count {
      defer { index += 1 }
      guard let marker = lines[index].firstMatch(of: /^<!-- quickstart: (\d+)(?: (.*?))? -->$/) else {
        #expect(
          !lines[index].contains("quickstart:"), "README.md:\(index + 1): a quickstart marker this test cannot read")
        continue
      }
      let step = Int(marker.1)!
      let rest = marker.2.map(String.init) ?? ""
      let kind: Block.Kind
      if rest.isEmpty {
        kind = .commands
      } else if rest.hasPrefix("file ") {
        kind = .file(String(rest.dropFirst(5)))
      } else if rest == "output" {
        kind = .output
      } else if rest.hasPrefix("skip ") {
        kind = .skip(String(rest.dropFirst(5)))
      } else {
        Issue.record("README.md:\(index + 1): unknown quickstart marker '\(rest)'")
        continue
      }
      let fence = index + 1
      guard fence < lines.count, lines[fence].hasPrefix("```") else {
        Issue.record("README.md:\(index + 1): a quickstart marker not followed by a fenced block")
        continue
      }
      guard let end = lines[(fence + 1)...].firstIndex(where: { $0.hasPrefix("```") }) else {
        Issue.record("README.md:\(fence + 1): an unclosed fenced block")
        continue
      }
      let body = lines[(fence + 1)..<end].joined(separator: "\n")
      blocks.append(Block(step: step, kind: kind, line: fence + 1, body: body.isEmpty ? "" : body + "\n"))
      index = end
    }
    return blocks
  }

  /// The commands of a block: continuation lines joined, blank and comment lines dropped; a
  /// command whose trailing comment says `# refused: RULE` must fail and name the rule.
  static func commands(of block: Block) -> [(text: String, line: Int, refusedBy: String?)] {
    var result: [(String, Int, String?)] = []
    var pending = ""
    var start = 0
    for (offset, raw) in block.body.components(separatedBy: "\n").enumerated() {
      if pending.isEmpty { start = block.line + 1 + offset }
      if raw.hasSuffix("\\") {
        pending += raw.dropLast() + " "
        continue
      }
      let text = pending + raw
      pending = ""
      let trimmed = text.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let refusal = text.firstMatch(of: /\s#\s*refused:\s*([a-z-]+)\s*$/).map { String($0.1) }
      result.append((text, start, refusal))
    }
    return result
  }

  @Test func theQuickStartIsMarkedStepByStepAndOnlyNetworkStepsAreSkipped() throws {
    let blocks = try Self.quickStart()
    #expect(Set(blocks.map(\.step)) == Set(1...7), "the quick start has seven steps, each with a marked block")
    #expect(blocks.map(\.step) == blocks.map(\.step).sorted(), "the quick start's blocks are in step order")
    let skipped = blocks.filter { if case .skip = $0.kind { return true } else { return false } }
    #expect(skipped.map(\.step) == [1, 6], "only installing (a download) and CI (GitHub) may be skipped")
    #expect(
      skipped.first?.body.contains("/releases/download/") == true, "the skipped step 1 block is the install block")
    #expect(skipped.last?.body.contains("promptops@v1") == true, "the skipped step 6 block is the workflow")
    #expect(blocks.contains { $0.step == 1 && $0.kind == .commands }, "step 1 still runs promptops once installed")
    // Every shell block of the quick start is marked, so none escapes the test.
    let readme = try Self.read("README.md")
    let start = try #require(readme.range(of: "\n## Quick start\n"))
    let rest = readme[start.upperBound...]
    let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
    let shellFences = section.components(separatedBy: "\n").filter {
      ["```sh", "```bash", "```shell", "```console"].contains($0)
    }
    #expect(
      shellFences.count == blocks.filter { $0.kind == .commands }.count, "an unmarked shell block in the quick start")
  }

  /// The quick start, followed command by command in a new repository with the real binary; the
  /// model and the grader of step 5 are served on loopback (OPENAI_BASE_URL).
  @Test(.timeLimit(.minutes(5))) func theQuickStartWorksAsWritten() async throws {
    let blocks = try Self.quickStart()
    try #require(!blocks.isEmpty, "no quickstart blocks found in README.md")
    let repo = try TempRepo("readmeQuickStart")
    // The grader is asked with promptfoo's llm-rubric prompt (it holds `<Rubric>`): it passes; the
    // model echoes the prompt it is sent.
    let rules = repo.root + "/grader-rules.json"
    let verdict = #"{"reason": "answers the question from the policy", "pass": true, "score": 1}"#
    let rulesJSON = try JSONSerialization.data(withJSONObject: [["<Rubric>", verdict]])
    try rulesJSON.write(to: URL(fileURLWithPath: rules))
    let server = try LoopbackOpenAIServer(["--script", "rules", "--rules", rules])

    var environment = repo.environment
    for key in ["GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "OPENAI_API_KEY", "OPENAI_BASE_URL"] {
      environment.removeValue(forKey: key)
    }
    let binaryFolder = (try promptopsBinary() as NSString).deletingLastPathComponent
    environment["PATH"] = binaryFolder + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    environment["OPENAI_BASE_URL"] = server.baseURL

    var lastRefusal: (command: String, output: String)?
    var ran = 0
    for block in blocks {
      switch block.kind {
      case .skip:
        continue
      case .file(let path):
        #expect(
          !path.hasPrefix("/") && !path.contains(".."), "README.md:\(block.line): \(path) is not inside the repository")
        try repo.write(path, block.body)
      case .output:
        let refusal = try #require(
          lastRefusal, "README.md:\(block.line): an output block with no refused command before it")
        for line in block.body.split(separator: "\n") where !line.isEmpty {
          #expect(
            refusal.output.contains(line),
            "README.md:\(block.line): `\(refusal.command)` did not print \(line); it printed:\n\(refusal.output)")
        }
      case .commands:
        for command in Self.commands(of: block) {
          ran += 1
          if let assignment = command.text.firstMatch(of: /^export ([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/) {
            environment[String(assignment.1)] = String(assignment.2)
            continue
          }
          #expect(
            !command.text.hasPrefix("export "), "README.md:\(command.line): only `export NAME=VALUE` is understood")
          let result = try await runProcessAsync(
            "/bin/sh", ["-c", command.text], in: repo.path, environment: environment)
          let output = result.stdout + result.stderr
          if let rule = command.refusedBy {
            #expect(
              result.status != 0,
              "README.md:\(command.line): `\(command.text)` should be refused and exited 0:\n\(output)")
            #expect(
              output.contains("[\(rule)]"),
              "README.md:\(command.line): `\(command.text)` did not report \(rule):\n\(output)")
            lastRefusal = (command.text, output)
          } else {
            #expect(
              result.status == 0, "README.md:\(command.line): `\(command.text)` exited \(result.status):\n\(output)")
          }
          if result.status != 0 && command.refusedBy == nil { return }  // later steps build on this one
        }
      }
    }
    #expect(ran >= 15, "only \(ran) quick start commands ran")
    // What the steps claim happened did happen.
    #expect(try repo.git("status", "--porcelain").isEmpty, "the quick start leaves uncommitted changes")
    #expect(try server.requestCount() >= 2, "step 5 asked no model or no grader")
    let log = try repo.git("log", "--format=%s")
    #expect(log.contains("Shorter answers"), "the fixed commit of step 4 is missing:\n\(log)")
    #expect(try !repo.git("tag", "--list", "prompt/*").isEmpty, "step 7 created no release tag")
    let verify = try repo.promptops("verify", environment: ["PATH": environment["PATH"]!])
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
  }
}
