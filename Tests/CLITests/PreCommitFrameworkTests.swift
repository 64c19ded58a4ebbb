import Foundation
import TestSupport
import Testing

/// This repository's `.pre-commit-hooks.yaml`, driven by the real pre-commit framework (from
/// PyPI, installed by ci/install-deps.sh), blocks and passes the same commits as the plain hook.
@Suite("the pre-commit framework with .pre-commit-hooks.yaml")
struct PreCommitFrameworkTests {
  func preCommit() throws -> String {
    let venv = packageRoot + "/.build-tools/venv/bin/pre-commit"
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    return try #require(which("pre-commit"), "pre-commit not installed: run `sh ci/install-deps.sh --python`")
  }

  /// The environment of a developer with promptops on PATH (the `-system` hook ids).
  func environment(_ repo: TempRepo) throws -> [String: String] {
    var env = repo.environment
    let binDir = URL(fileURLWithPath: try promptopsBinary()).deletingLastPathComponent().path
    env["PATH"] = binDir + ":" + (env["PATH"] ?? "/usr/bin:/bin")
    env["PRE_COMMIT_HOME"] = repo.root + "/pre-commit-cache"
    return env
  }

  /// Commits a `.pre-commit-config.yaml` naming this repository's hooks, at the commit under
  /// test (pre-commit clones it), and installs the framework's git hooks.
  func useTheFramework(in repo: TempRepo, hooks: [String]) throws {
    let rev = try runProcess(which("git")!, ["rev-parse", "HEAD"], in: packageRoot, environment: repo.environment)
      .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.write(
      ".pre-commit-config.yaml",
      """
      repos:
        - repo: \(packageRoot)
          rev: \(rev)
          hooks:
      \(hooks.map { "      - id: \($0)\n" }.joined())
      """)
    try repo.commit("add pre-commit config")
    let install = try runProcess(
      try preCommit(), ["install", "--hook-type", "pre-commit", "--hook-type", "pre-push"], in: repo.path,
      environment: try environment(repo))
    try #require(install.status == 0, "\(install.stdout)\(install.stderr)")
  }

  @Test func theFrameworkBlocksAndPassesCommits() throws {
    let repo = try TempRepo.withPrompt()
    try useTheFramework(in: repo, hooks: ["promptops-system", "promptops-pre-push-system"])
    let env = try environment(repo)

    let edited = "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n"
    try repo.write("prompts/a/prompt.txt", edited)
    try repo.stage()
    let refused = try runProcess(which("git")!, ["commit", "-q", "-m", "unbumped"], in: repo.path, environment: env)
    #expect(refused.status != 0)
    #expect((refused.stdout + refused.stderr).contains("version-not-bumped"), "\(refused.stdout)\(refused.stderr)")

    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    try repo.stage()
    let accepted = try runProcess(which("git")!, ["commit", "-q", "-m", "bumped"], in: repo.path, environment: env)
    #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")

    // A commit that touches no prompt runs the check too (`always_run`), and passes.
    try repo.write("README.md", "docs\n")
    try repo.stage()
    let unrelated = try runProcess(which("git")!, ["commit", "-m", "docs"], in: repo.path, environment: env)
    #expect(unrelated.status == 0, "\(unrelated.stdout)\(unrelated.stderr)")
    #expect(
      !(unrelated.stdout + unrelated.stderr).contains("no files to check"), "\(unrelated.stdout)\(unrelated.stderr)")

    // The pre-push stage gets the pushed range from PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF.
    let remote = repo.root + "/remote.git"
    try repo.git(["init", "-q", "--bare", remote], in: repo.root)
    try repo.git("remote", "add", "origin", remote)
    let firstPush = try runProcess(which("git")!, ["push", "-q", "origin", "main"], in: repo.path, environment: env)
    #expect(firstPush.status == 0, "\(firstPush.stdout)\(firstPush.stderr)")
    try repo.write("prompts/a/prompt.txt", edited + "Sign off.\n")
    try repo.commit("unbumped, committed with --no-verify")
    let push = try runProcess(which("git")!, ["push", "-q", "origin", "main"], in: repo.path, environment: env)
    #expect(push.status != 0)
    #expect((push.stdout + push.stderr).contains("version-not-bumped"), "\(push.stdout)\(push.stderr)")
  }

  /// The framework runs promptops from its own process, so git is its grandparent: an amend is
  /// still measured from HEAD's parent, and `-m --amend` (a message) still from HEAD.
  @Test(.timeLimit(.minutes(5))) func anAmendThroughTheFrameworkIsMeasuredAsGitMakesIt() throws {
    let repo = try TempRepo.withPrompt()
    try useTheFramework(in: repo, hooks: ["promptops-system"])
    let env = try environment(repo)
    let edited = "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n"
    let base = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.writePrompt("a", text: edited, version: "1.0.1", changelog: ["1.0.0", "1.0.1"])
    let bump = try repo.commit("bump a")
    try repo.write("prompts/a/prompt.txt", edited + "Sign off politely.\n")
    try repo.stage()

    let message = try runProcess(which("git")!, ["commit", "-q", "-m", "--amend"], in: repo.path, environment: env)
    #expect(message.status != 0, "a new commit with an unbumped edit: \(message.stdout)\(message.stderr)")
    #expect((message.stdout + message.stderr).contains("version-not-bumped"), "\(message.stdout)\(message.stderr)")
    #expect(try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines) == bump)

    let amended = try runProcess(
      which("git")!, ["commit", "-q", "--amend", "-m", "bump a, polished"], in: repo.path, environment: env)
    #expect(amended.status == 0, "the amended commit carries the bump: \(amended.stdout)\(amended.stderr)")
    #expect(try repo.git("rev-parse", "HEAD^").trimmingCharacters(in: .whitespacesAndNewlines) == base)
  }

  /// The hook runs whatever the layout: file names in `files:` would be the default layout's,
  /// and a prompt kept elsewhere (here `llm/<id>/template.md` and `meta.yml`) would be committed
  /// unbumped with "(no files to check) Skipped". (The `language: swift` id has the same
  /// definition, which the test below holds; building it here would take minutes.)
  @Test(.timeLimit(.minutes(5))) func aCustomLayoutIsCheckedToo() throws {
    let repo = try TempRepo()
    try repo.write(".promptops.yml", "prompts:\n  roots: [llm]\n  text_file: template.md\n  card_file: meta.yml\n")
    try repo.writePrompt(
      "a", text: "Hello {{name}}.\nYou must be polite.\n", version: "1.0.0", changelog: ["1.0.0"], folder: "llm/a")
    try FileManager.default.moveItem(atPath: repo.path + "/llm/a/prompt.txt", toPath: repo.path + "/llm/a/template.md")
    try FileManager.default.moveItem(
      atPath: repo.path + "/llm/a/prompt-card.yml", toPath: repo.path + "/llm/a/meta.yml")
    try repo.commit("a prompt in a layout of our own")
    try useTheFramework(in: repo, hooks: ["promptops-system"])
    let env = try environment(repo)

    try repo.write("llm/a/template.md", "Hello {{name}}.\nYou must be polite.\nAnswer with care.\n")
    try repo.stage()
    let refused = try runProcess(which("git")!, ["commit", "-q", "-m", "unbumped"], in: repo.path, environment: env)
    let output = refused.stdout + refused.stderr
    #expect(refused.status != 0, "an unbumped edit in the custom layout: \(output)")
    #expect(output.contains("version-not-bumped"), "\(output)")
    #expect(!output.contains("no files to check"), "\(output)")
  }

  @Test func theHookDefinitionsAreWhatTheFrameworkExpects() throws {
    let script = """
      import sys, yaml
      hooks = yaml.safe_load(open(sys.argv[1]))
      ids = {h["id"]: h for h in hooks}
      assert set(ids) == {"promptops", "promptops-system", "promptops-pre-push", "promptops-pre-push-system"}, ids
      assert all(h["pass_filenames"] is False for h in hooks)
      assert ids["promptops"]["language"] == "swift" and ids["promptops-system"]["language"] == "system"
      assert ids["promptops-pre-push"]["stages"] == ["pre-push"]
      # Every hook runs on every commit or push: which files hold prompts is the layout's to say.
      for h in hooks:
          assert h.get("always_run") is True, h["id"]
          assert "files" not in h and "types" not in h and "types_or" not in h and "exclude" not in h, h["id"]
      assert ids["promptops"]["entry"] == ids["promptops-system"]["entry"] == "promptops check --staged"
      print("ok")
      """
    let python = packageRoot + "/.build-tools/venv/bin/python3"
    let result = try runProcess(
      FileManager.default.isExecutableFile(atPath: python) ? python : try #require(which("python3")),
      ["-c", script, packageRoot + "/.pre-commit-hooks.yaml"], in: packageRoot,
      environment: ProcessInfo.processInfo.environment)
    #expect(result.stdout == "ok\n", "\(result.stderr)")
  }
}
