import Foundation
import TestSupport
import Testing

@Suite("promptops hooks install, and the pre-push hook")
struct HooksInstallTests {
  let edited = "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n"

  /// git run without PROMPTOPS_BIN and without promptops on PATH: the installed hook must find
  /// the binary that installed it.
  func git(_ repo: TempRepo, _ arguments: [String], in directory: String? = nil) throws -> ProcessResult {
    var env = repo.environment
    env.removeValue(forKey: "PROMPTOPS_BIN")
    return try runProcess(which("git")!, arguments, in: directory ?? repo.path, environment: env)
  }

  @Test func theRepositoryHookFilesAreTheInstalledScripts() throws {
    let repo = try TempRepo("hookFiles")
    for kind in ["pre-commit", "pre-push"] {
      let printed = try repo.promptops("hooks", "print", kind)
      #expect(printed.status == 0)
      #expect(
        try String(contentsOfFile: packageRoot + "/hooks/" + kind, encoding: .utf8) == printed.stdout,
        "hooks/\(kind) is stale: regenerate with promptops hooks print \(kind)")
      #expect(FileManager.default.isExecutableFile(atPath: packageRoot + "/hooks/" + kind))
    }
  }

  @Test func installThenARealCommitIsGated() throws {
    let repo = try TempRepo.withPrompt()
    let install = try repo.promptops("hooks", "install")
    #expect(install.status == 0, "\(install.stderr)")
    let hook = repo.path + "/.git/hooks/pre-commit"
    #expect(FileManager.default.isExecutableFile(atPath: hook))
    #expect(try String(contentsOfFile: hook, encoding: .utf8).contains("promptops-hook"))
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let refused = try git(repo, ["commit", "-q", "-m", "unbumped"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("error[version-not-bumped]"))
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    #expect(try git(repo, ["commit", "-q", "-m", "bumped"]).status == 0)
    // Installing again updates our own hook in place.
    #expect(try repo.promptops("hooks", "install").stdout.contains("updated"))
  }

  /// Installed by a promptops found on PATH (started as plain `promptops`), the hook remembers
  /// where that program is, not a `promptops` in the repository's folder.
  @Test func aHookInstalledFromPATHRemembersTheRealBinary() throws {
    let repo = try TempRepo.withPrompt()
    let folder = URL(fileURLWithPath: try promptopsBinary()).deletingLastPathComponent().path
    var environment = repo.environment
    environment["PATH"] = folder + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    let install = try runProcess("/bin/sh", ["-c", "promptops hooks install"], in: repo.path, environment: environment)
    #expect(install.status == 0, "\(install.stderr)")
    let hook = try String(contentsOfFile: repo.path + "/.git/hooks/pre-commit", encoding: .utf8)
    #expect(!hook.contains(repo.path + "/promptops"), "the hook falls back to a promptops in the repository")
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    // A commit from an environment without promptops on PATH still runs the check.
    let refused = try git(repo, ["commit", "-q", "-m", "unbumped"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("error[version-not-bumped]"), "\(refused.stderr)")
  }

  /// A commit that touches no prompt is not told about prompts: the hook says nothing.
  @Test func aCommitWithoutPromptsIsQuiet() throws {
    let repo = try TempRepo.withPrompt()
    #expect(try repo.promptops("hooks", "install").status == 0)
    try repo.write("README.md", "docs\n")
    try repo.stage()
    let commit = try git(repo, ["commit", "-q", "-m", "docs only"])
    #expect(commit.status == 0, "\(commit.stderr)")
    #expect(commit.stdout.isEmpty && commit.stderr.isEmpty, "\(commit.stdout)\(commit.stderr)")
    // A prompt change is still reported.
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let refused = try git(repo, ["commit", "-q", "-m", "unbumped"])
    #expect(refused.stderr.contains("error[version-not-bumped]"))
  }

  @Test func coreHooksPathIsRespected() throws {
    let repo = try TempRepo.withPrompt()
    try repo.git("config", "core.hooksPath", ".githooks")
    let install = try repo.promptops("hooks", "install", in: "prompts")
    #expect(install.status == 0, "\(install.stderr)")
    #expect(FileManager.default.isExecutableFile(atPath: repo.path + "/.githooks/pre-commit"))
    #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    #expect(try git(repo, ["commit", "-q", "-m", "unbumped"]).status != 0)
  }

  @Test func aForeignHookIsKeptUnlessChainedOrForced() throws {
    let repo = try TempRepo.withPrompt()
    let hook = repo.path + "/.git/hooks/pre-commit"
    let foreign = "#!/bin/sh\necho foreign-ran >> \"$(git rev-parse --git-dir)/foreign.log\"\nexit 0\n"
    try FileManager.default.createDirectory(atPath: repo.path + "/.git/hooks", withIntermediateDirectories: true)
    try ScriptFile.write(foreign, to: hook)

    let refused = try repo.promptops("hooks", "install")
    #expect(refused.status == 2)
    #expect(refused.stderr.contains("--chain"))
    #expect(try String(contentsOfFile: hook, encoding: .utf8) == foreign)

    let chained = try repo.promptops("hooks", "install", "--chain")
    #expect(chained.status == 0, "\(chained.stderr)")
    #expect(try String(contentsOfFile: hook + ".promptops-chained", encoding: .utf8) == foreign)
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    #expect(try git(repo, ["commit", "-q", "-m", "unbumped"]).status != 0)
    #expect(try String(contentsOfFile: repo.path + "/.git/foreign.log", encoding: .utf8) == "foreign-ran\n")

    // A failing chained hook blocks the commit before promptops runs.
    try ScriptFile.write("#!/bin/sh\necho chained-says-no >&2\nexit 3\n", to: hook + ".promptops-chained")
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let blocked = try git(repo, ["commit", "-q", "-m", "bumped"])
    #expect(blocked.status != 0)
    #expect(blocked.stderr.contains("chained-says-no"))

    let forced = try repo.promptops("hooks", "install", "--force")
    #expect(forced.status == 0)
    #expect(try String(contentsOfFile: hook, encoding: .utf8).contains("promptops-hook"))
  }

  @Test func prePushChecksWhatIsPushed() throws {
    let repo = try TempRepo.withPrompt()
    let remote = repo.root + "/remote.git"
    try repo.git(["init", "-q", "--bare", remote], in: repo.root)
    try repo.git("remote", "add", "origin", remote)
    #expect(try repo.promptops("hooks", "install", "--pre-push").status == 0)
    // A new branch: its prompts are checked as they stand.
    #expect(try git(repo, ["push", "-q", "origin", "main"]).status == 0)

    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.commit("bumped")
    #expect(try git(repo, ["push", "-q", "origin", "main"]).status == 0)

    try repo.write("prompts/a/prompt.txt", edited + "Sign off.\n")
    try repo.commit("unbumped, committed with --no-verify")
    let refused = try git(repo, ["push", "-q", "origin", "main"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("version-not-bumped"))
    let remoteHead = try repo.git(["--git-dir", remote, "rev-parse", "main"], in: repo.root)
    #expect(remoteHead != (try repo.git("rev-parse", "HEAD")))
  }

  /// A new branch is measured from where it left what the remote has, not checked in isolation.
  @Test func prePushMeasuresANewBranchFromTheRemote() throws {
    let repo = try TempRepo.withPrompt()
    let remote = repo.root + "/remote.git"
    try repo.git(["init", "-q", "--bare", remote], in: repo.root)
    try repo.git("remote", "add", "origin", remote)
    #expect(try repo.promptops("hooks", "install", "--pre-push").status == 0)
    #expect(try git(repo, ["push", "-q", "origin", "main"]).status == 0)
    try repo.git("checkout", "-q", "-b", "feature")
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.commit("unbumped on a new branch")
    let refused = try git(repo, ["push", "-q", "origin", "feature"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("version-not-bumped"))
    // Under another name (hook managers copy scripts around), it reads the refs all the same.
    let copy = repo.root + "/promptops-pre-push"
    try FileManager.default.copyItem(atPath: repo.path + "/.git/hooks/pre-push", toPath: copy)
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    let base = try repo.git("rev-parse", "main").trimmingCharacters(in: .whitespacesAndNewlines)
    var env = repo.environment
    env["PROMPTOPS_BIN"] = try promptopsBinary()
    let direct = try runProcess(
      "/bin/sh", [copy, "origin", remote], in: repo.path, environment: env,
      input: "refs/heads/feature \(head) refs/heads/feature \(base)\n")
    #expect(direct.status == 1, "\(direct.stderr)")
  }
}
