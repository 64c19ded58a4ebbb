import Foundation
import TestSupport
import Testing

/// Prompt texts, cards and folders that git stores as symbolic links or submodules: promptops
/// hashes what git stores (a link's target name, a submodule's commit), so the content behind
/// them could change unchecked. Each is an error naming the path, in the staged check, in
/// commit ranges and in `check --all`.
@Suite("check: links and submodules where prompts belong")
struct NonRegularPromptFileTests {
  func findings(_ report: JSONReport) -> [String] {
    report.findings("prompt-not-regular-file").compactMap { $0["file"] as? String }.sorted()
  }

  func link(_ repo: TempRepo, _ path: String, to target: String) throws {
    let full = repo.path + "/" + path
    try? FileManager.default.removeItem(atPath: full)
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: full, withDestinationPath: target)
  }

  /// The bypass: a prompt text that links outside the root, whose target is then edited with no
  /// bump. The link is refused when it enters, and `check --all` finds one already there.
  @Test(.timeLimit(.minutes(5))) func aLinkedPromptTextIsAnError() throws {
    let repo = try TempRepo.withPrompt()
    let text = try repo.read("prompts/a/prompt.txt")
    try repo.write("shared/a.txt", text)
    try repo.commit("shared copy")
    // The text becomes a link to the shared copy, with a bump that fits the text git stores (the
    // target's name, which drops {{name}}): read as a file, a new major version.
    try repo.writePrompt("a", text: text, version: "2.0.0", changelog: ["1.0.0", "2.0.0"])
    try link(repo, "prompts/a/prompt.txt", to: "../../shared/a.txt")
    try repo.stage()
    #expect(try repo.git("ls-files", "-s", "prompts/a/prompt.txt").hasPrefix("120000 "))
    let (staged, stagedReport) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(findings(stagedReport) == ["prompts/a/prompt.txt"])
    let message = try #require(stagedReport.findings("prompt-not-regular-file").first?["message"] as? String)
    #expect(message.contains("symbolic link (to '../../shared/a.txt')"), "\(message)")
    #expect(message.contains("replace it with a regular file"))
    try repo.commit("link a")

    // The target is edited: nothing under the root changes.
    try repo.write("shared/a.txt", "Hello {{name}}.\nYou may be rude.\n")
    try repo.commit("edit the target")
    let (range, rangeReport) = try repo.check("--base", "HEAD~2", "--head", "HEAD")
    #expect(range.status == 1)
    #expect(findings(rangeReport) == ["prompts/a/prompt.txt"])
    let (all, allReport) = try repo.check("--all")
    #expect(all.status == 1)
    #expect(findings(allReport) == ["prompts/a/prompt.txt"])

    // The executable bit is a regular file: a mode change alone is no finding.
    try repo.writePrompt("b", text: "B\n", version: "1.0.0", changelog: ["1.0.0"])
    try repo.commit("add b")
    try repo.git("update-index", "--chmod=+x", "prompts/b/prompt.txt")
    let (executable, executableReport) = try repo.check("--staged")
    #expect(executable.status == 0, "\(executable.stdout)")
    #expect(executableReport.findings.isEmpty)
  }

  /// The gap a link that predates the rule leaves: its target, outside the roots, is edited with
  /// no bump and nothing under the roots changes. The staged check (and its amend), a commit
  /// range and the gate each follow the base's links and report the one whose target changed;
  /// a change that leaves the targets alone passes.
  @Test(.timeLimit(.minutes(5))) func aLinkInTheBaseIsReportedWhenTheChangeEditsItsTarget() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("shared/a.txt", try repo.read("prompts/a/prompt.txt"))
    try link(repo, "prompts/a/prompt.txt", to: "../../shared/a.txt")
    try repo.write("docs/readme.md", "one\n")
    try repo.commit("link a, with --no-verify")
    try repo.git("checkout", "-q", "-b", "edit")

    // A change that leaves every link's target alone passes, as before.
    try repo.write("docs/readme.md", "two\n")
    try repo.stage()
    let (unrelated, unrelatedReport) = try repo.check("--staged")
    #expect(unrelated.status == 0, "\(unrelated.stdout)")
    #expect(unrelatedReport.findings.isEmpty)
    try repo.commit("docs")

    try repo.write("shared/a.txt", "Hello {{name}}.\nYou may be rude.\n")
    try repo.stage()
    func expectReported(_ result: ProcessResult, _ report: JSONReport, _ what: String) throws {
      #expect(result.status == 1, "\(what): \(result.stdout)\(result.stderr)")
      #expect(findings(report) == ["prompts/a/prompt.txt"], "\(what)")
      let message = try #require(report.findings("prompt-not-regular-file").first?["message"] as? String, "\(what)")
      #expect(message.contains("symbolic link (to '../../shared/a.txt')"), "\(what): \(message)")
      #expect(message.contains("alters what it leads to (shared/a.txt)"), "\(what): \(message)")
      #expect(message.contains("replace it with a regular file holding the prompt text"), "\(what): \(message)")
    }
    let (staged, stagedReport) = try repo.check("--staged")
    try expectReported(staged, stagedReport, "check --staged")
    try repo.commit("edit the target, with --no-verify")
    let (range, rangeReport) = try repo.check("--base", "HEAD~1")
    try expectReported(range, rangeReport, "check --base HEAD~1")
    let (gate, gateReport) = try repo.gate("--base", "main")
    try expectReported(gate, gateReport, "gate --base main")
    let (amend, amendReport) = try repo.check("--staged", "--amend")
    try expectReported(amend, amendReport, "check --staged --amend")

    // The next change, that leaves the target alone, passes again: the link is not reported on
    // every commit (`check --all` does that).
    try repo.write("docs/readme.md", "three\n")
    try repo.commit("docs again")
    let (after, afterReport) = try repo.check("--base", "HEAD~1")
    #expect(after.status == 0, "\(after.stdout)")
    #expect(afterReport.findings.isEmpty)
    #expect(findings(try repo.check("--all").1) == ["prompts/a/prompt.txt"])
  }

  /// Links are followed as a checkout follows them: through a folder that is itself a link, into
  /// a linked prompt folder (and the links inside it), to a card, a single-file prompt or a
  /// submodule's commit. A link in a root to a plain file (a README) stays no prompt's business.
  @Test(.timeLimit(.minutes(5))) func linksInTheBaseAreFollowedWhereverTheyLead() throws {
    let repo = try TempRepo.withPrompt()
    let other = try TempRepo("otherRepository")
    try other.write("s.txt", "one\n")
    let first = try other.commit("one")
    try other.write("s.txt", "two\n")
    let second = try other.commit("two")

    try repo.write("vendor/texts/b.txt", "B\n")
    try link(repo, "shared", to: "vendor/texts")
    try repo.writePrompt("b", text: "B\n", version: "1.0.0", changelog: ["1.0.0"])
    try link(repo, "prompts/b/prompt.txt", to: "../../shared/b.txt")
    try repo.writePrompt("c", text: "C\n", version: "1.0.0", changelog: ["1.0.0"], folder: "elsewhere/c")
    try repo.write("vendor/c-card.yml", try repo.read("elsewhere/c/prompt-card.yml"))
    try link(repo, "elsewhere/c/prompt-card.yml", to: "../../vendor/c-card.yml")
    try link(repo, "prompts/c", to: "../elsewhere/c")
    try repo.write(
      "vendor/d.prompt.md",
      "---\nid: d\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n---\nD\n")
    try link(repo, "prompts/d.prompt.md", to: "../vendor/d.prompt.md")
    try repo.writePrompt("e", text: "E\n", version: "1.0.0", changelog: ["1.0.0"])
    try link(repo, "prompts/e/prompt.txt", to: "../../sub/s.txt")
    try repo.write("docs/prompts.md", "How we write prompts\n")
    try link(repo, "prompts/README.md", to: "../docs/prompts.md")
    try repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", other.path, "sub")
    try repo.git(["checkout", "-q", first], in: repo.path + "/sub")
    try repo.commit("links, with --no-verify")

    func reported(_ edit: () throws -> Void) throws -> [String] {
      try edit()
      try repo.stage()
      let staged = try repo.check("--staged")
      try repo.commit("edit")
      let range = try repo.check("--base", "HEAD~1")
      #expect(findings(staged.1) == findings(range.1), "the staged check and the range differ")
      #expect(staged.0.status == (findings(staged.1).isEmpty ? 0 : 1), "\(staged.0.stdout)")
      return findings(range.1)
    }
    #expect(try reported { try repo.write("vendor/texts/b.txt", "B changed\n") } == ["prompts/b/prompt.txt"])
    #expect(try reported { try repo.write("elsewhere/c/prompt.txt", "C changed\n") } == ["prompts/c"])
    #expect(
      try reported { try repo.write("vendor/c-card.yml", try repo.read("vendor/c-card.yml") + "tags: [x]\n") } == [
        "prompts/c"
      ])
    #expect(
      try reported { try repo.write("vendor/d.prompt.md", try repo.read("vendor/d.prompt.md") + "more\n") } == [
        "prompts/d.prompt.md"
      ])
    #expect(
      try reported { try repo.git(["checkout", "-q", second], in: repo.path + "/sub") } == ["prompts/e/prompt.txt"])
    #expect(try reported { try repo.write("docs/prompts.md", "How we write prompts, again\n") } == [])
    // The folder a link passes through now leads elsewhere.
    try repo.write("vendor/other/b.txt", "B elsewhere\n")
    #expect(try reported { try link(repo, "shared", to: "vendor/other") } == ["prompts/b/prompt.txt"])
  }

  /// A linked card is reported once, as a link (it is not parsed as YAML), and a linked single
  /// file prompt likewise.
  @Test(.timeLimit(.minutes(5))) func aLinkedCardOrSingleFileIsAnError() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("shared/card.yml", try repo.read("prompts/a/prompt-card.yml"))
    try repo.write(
      "shared/s.prompt.md",
      "---\nid: s\ndescription: d\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: x\n---\nHi\n")
    try repo.commit("shared files")
    try link(repo, "prompts/a/prompt-card.yml", to: "../../shared/card.yml")
    try link(repo, "prompts/s.prompt.md", to: "../shared/s.prompt.md")
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 1)
    #expect(findings(report) == ["prompts/a/prompt-card.yml", "prompts/s.prompt.md"])
    #expect(Set(report.rules) == ["prompt-not-regular-file"], "\(report.rules)")
    try repo.commit("link")
    #expect(
      findings(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == [
        "prompts/a/prompt-card.yml", "prompts/s.prompt.md",
      ])
    #expect(findings(try repo.check("--all").1) == ["prompts/a/prompt-card.yml", "prompts/s.prompt.md"])
  }

  /// A prompt folder replaced by a link to a copy elsewhere read as a deletion (an info note).
  @Test(.timeLimit(.minutes(5))) func aPromptFolderReplacedByALinkIsAnError() throws {
    let repo = try TempRepo.withPrompt()
    try repo.write("elsewhere/a/prompt.txt", try repo.read("prompts/a/prompt.txt"))
    try repo.write("elsewhere/a/prompt-card.yml", try repo.read("prompts/a/prompt-card.yml"))
    // A link to a regular file in a root is no prompt's business.
    try repo.write("docs/prompts.md", "How we write prompts\n")
    try link(repo, "prompts/README.md", to: "../docs/prompts.md")
    try repo.commit("copy elsewhere")
    try repo.remove("prompts/a")
    try link(repo, "prompts/a", to: "../elsewhere/a")
    try repo.stage()
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(findings(report) == ["prompts/a"])
    #expect(report.findings("prompt-deleted").isEmpty)
    let message = try #require(report.findings("prompt-not-regular-file").first?["message"] as? String)
    #expect(message.contains("symbolic link (to '../elsewhere/a')") && message.contains("regular folder"), "\(message)")
    try repo.commit("replace with a link")
    #expect(findings(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == ["prompts/a"])
    #expect(findings(try repo.check("--all").1) == ["prompts/a"])

    // A new link to a folder, and a root that is itself a link, are folders of prompts too.
    try repo.write(".promptops.yml", "prompts:\n  roots: [prompts, more]\n")
    try repo.commit("a second root")
    try link(repo, "prompts/b", to: "../elsewhere/a")
    try link(repo, "more", to: "elsewhere")
    try repo.stage()
    #expect(findings(try repo.check("--staged").1) == ["more", "prompts/b"])
  }

  /// A prompt folder replaced by a gitlink (as `git submodule add` records it) read as a deletion.
  @Test(.timeLimit(.minutes(5))) func aPromptFolderReplacedByASubmoduleIsAnError() throws {
    let repo = try TempRepo.withPrompt()
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.remove("prompts/a")
    try repo.git("update-index", "--add", "--cacheinfo", "160000,\(head),prompts/a")
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(findings(report) == ["prompts/a"])
    #expect(report.findings("prompt-deleted").isEmpty)
    let message = try #require(report.findings("prompt-not-regular-file").first?["message"] as? String)
    #expect(message.contains("submodule (commit \(head.prefix(12)))"), "\(message)")
    try repo.commit("submodule", stageAll: false)
    #expect(findings(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == ["prompts/a"])
    #expect(findings(try repo.check("--all").1) == ["prompts/a"])
  }

  /// A real submodule, added where no prompt was, is a folder promptops cannot see into.
  @Test(.timeLimit(.minutes(5))) func aNewSubmoduleInARootIsAnError() throws {
    let other = try TempRepo("otherPrompts")
    try other.writePrompt("b", text: "B\n", version: "1.0.0", changelog: ["1.0.0"])
    try other.commit("b")
    let repo = try TempRepo.withPrompt()
    try repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", other.path, "prompts/b")
    #expect(try repo.git("ls-files", "-s", "prompts/b").hasPrefix("160000 "))
    let (staged, report) = try repo.check("--staged")
    #expect(staged.status == 1, "\(staged.stdout)")
    #expect(findings(report) == ["prompts/b"])
    try repo.commit("add the submodule", stageAll: false)
    #expect(findings(try repo.check("--base", "HEAD~1", "--head", "HEAD").1) == ["prompts/b"])
    #expect(findings(try repo.check("--all").1) == ["prompts/b"])
  }
}
