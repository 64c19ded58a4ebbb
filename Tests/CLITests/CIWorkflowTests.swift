import Foundation
import TestSupport
import Testing

/// The CI files: the project's own workflows, the Action, and the templates users copy. Each is
/// validated against its published schema (check-jsonschema's vendored copies of SchemaStore's
/// GitHub workflow, GitHub action and GitLab CI schemas, offline), its structure is checked where
/// the gate depends on it (actionlint has no installable build here), and every shell step is
/// parsed by the shell that runs it.
@Suite("CI workflows, the Action and the templates")
struct CIWorkflowTests {
  static let githubWorkflows = [
    ".github/workflows/ci.yml", ".github/workflows/release.yml", "ci/github/prompt-gate.yml",
    "ci/github/prompt-gate-from-source.yml", "ci/github/eval-shards.yml",
  ]
  static let gitlabTemplates = [
    "ci/gitlab/prompt-gate.yml", "ci/gitlab/prompt-gate-from-source.yml", "ci/gitlab/eval-shards.yml",
  ]

  func tool(_ name: String) throws -> String {
    let venv = packageRoot + "/.build-tools/venv/bin/" + name
    if FileManager.default.isExecutableFile(atPath: venv) { return venv }
    return try #require(which(name), "\(name) not installed: run `sh ci/install-deps.sh --python`")
  }

  func checkSchema(_ schema: String, _ files: [String]) throws -> ProcessResult {
    try runProcess(
      try tool("check-jsonschema"), ["--builtin-schema", schema] + files, in: packageRoot,
      environment: ProcessInfo.processInfo.environment)
  }

  /// Runs a Python check over the YAML files (PyYAML from the venv); it prints "ok" when every
  /// assertion held.
  func python(_ script: String, _ files: [String]) throws -> ProcessResult {
    try runProcess(
      try tool("python3"), ["-c", script] + files.map { packageRoot + "/" + $0 }, in: packageRoot,
      environment: ProcessInfo.processInfo.environment)
  }

  @Test(.timeLimit(.minutes(5)))
  func everyFileValidatesAgainstItsPublishedSchema() throws {
    let workflows = try checkSchema("vendor.github-workflows", Self.githubWorkflows)
    #expect(workflows.status == 0, "\(workflows.stdout)\(workflows.stderr)")
    let action = try checkSchema("vendor.github-actions", ["action.yml"])
    #expect(action.status == 0, "\(action.stdout)\(action.stderr)")
    let gitlab = try checkSchema("vendor.gitlab-ci", Self.gitlabTemplates)
    #expect(gitlab.status == 0, "\(gitlab.stdout)\(gitlab.stderr)")
  }

  /// The same validators refuse a broken copy of each kind: the schemas are really applied.
  @Test(.timeLimit(.minutes(5)))
  func theSchemasRefuseBrokenFiles() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "promptops-ci-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let action = try String(contentsOfFile: packageRoot + "/action.yml", encoding: .utf8)
    try action.replacingOccurrences(of: "using: composite", with: "using: compost").write(
      toFile: folder + "/action.yml", atomically: true, encoding: .utf8)
    let workflow = try String(contentsOfFile: packageRoot + "/ci/github/prompt-gate.yml", encoding: .utf8)
    try workflow.replacingOccurrences(of: "runs-on:", with: "runs-at:").write(
      toFile: folder + "/workflow.yml", atomically: true, encoding: .utf8)
    let gitlab = try String(contentsOfFile: packageRoot + "/ci/gitlab/eval-shards.yml", encoding: .utf8)
    try gitlab.replacingOccurrences(of: "parallel: 4", with: "parallel: many").write(
      toFile: folder + "/gitlab.yml", atomically: true, encoding: .utf8)
    #expect(try checkSchema("vendor.github-actions", [folder + "/action.yml"]).status == 1)
    #expect(try checkSchema("vendor.github-workflows", [folder + "/workflow.yml"]).status == 1)
    #expect(try checkSchema("vendor.gitlab-ci", [folder + "/gitlab.yml"]).status == 1)
  }

  /// The Action: a verified download, a SARIF upload that cannot fail the job, the model key
  /// passed on (and masked), and the gate's verdict as the job's.
  @Test(.timeLimit(.minutes(5)))
  func theActionVerifiesWhatItRunsAndFailsOnTheGatesVerdict() throws {
    let script = """
      import subprocess, sys, yaml
      action = yaml.safe_load(open(sys.argv[1]))
      assert action["runs"]["using"] == "composite"
      inputs = action["inputs"]
      for name in ["base", "format", "reports", "upload-sarif", "model-api-key", "install-only", "version"]:
          assert name in inputs, name
      assert inputs["base"]["default"] == "${{ github.event.pull_request.base.sha }}"
      assert inputs["format"]["default"] == "github"
      steps = action["runs"]["steps"]
      download = next(s for s in steps if "Download" in s["name"])
      assert "sha256sum --check --strict" in download["run"] and "shasum -a 256 --check" in download["run"]
      assert download["run"].index("--check") < download["run"].index("tar -xzf")
      cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
      assert download["if"] == "steps.cache.outputs.cache-hit != 'true'"
      gate = next(s for s in steps if s.get("id") == "gate")
      assert 'promptops "${args[@]}"' in gate["run"] and "args=(gate --base" in gate["run"]
      assert gate["env"]["MODEL_API_KEY"] == "${{ inputs.model-api-key }}"
      assert "::add-mask::$MODEL_API_KEY" in gate["run"]
      upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
      assert upload["continue-on-error"] is True and "always()" in upload["if"]
      verdict = steps[-1]
      assert verdict["if"] == "inputs.install-only != 'true' && steps.gate.outputs.exit-code != '0'"
      assert "exit 1" in verdict["run"]
      for step in steps:
          if "run" in step:
              assert step["shell"] == "bash"
              subprocess.run(["bash", "-n", "-c", step["run"]], check=True)
      print("ok")
      """
    let result = try python(script, ["action.yml"])
    #expect(result.stdout == "ok\n", "\(result.stderr)")
  }

  /// The Action's resolve and download steps, run by bash as the runner would: the asset they
  /// ask for is the one `ci/dist.sh` names, and a download whose checksum does not match is
  /// refused before anything is unpacked.
  @Test(.timeLimit(.minutes(5)))
  func theActionDownloadsTheDistArchiveAndRefusesABadChecksum() throws {
    let version = try runProcess(
      try promptopsBinary(), ["--version"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
    let expected = String(version.stdout.prefix { $0 != " " })
    let script = """
      import hashlib, io, os, subprocess, sys, tarfile, tempfile, yaml
      root, version = sys.argv[1], sys.argv[2]
      steps = yaml.safe_load(open(root + "/action.yml"))["runs"]["steps"]
      resolve = next(s for s in steps if s.get("id") == "resolve")
      download = next(s for s in steps if "Download" in s["name"])
      work = tempfile.mkdtemp()

      def run(step, env):
          output = os.path.join(work, "output")
          open(output, "w").close()
          full = dict(os.environ, GITHUB_OUTPUT=output, **env)
          result = subprocess.run(["bash", "-e", "-c", step["run"]], env=full, capture_output=True, text=True)
          values = dict(line.split("=", 1) for line in open(output).read().splitlines())
          return result, values

      base = {"INPUT_VERSION": "", "INPUT_REPOSITORY": "", "ACTION_REPOSITORY": "org/promptops",
              "ACTION_PATH": root, "RUNNER_TOOL_CACHE": work + "/cache"}
      result, out = run(resolve, dict(base, RUNNER_OS="Linux", RUNNER_ARCH="X64"))
      assert result.returncode == 0, result.stdout + result.stderr
      assert out["version"] == version, (out, version)
      assert out["asset"] == f"promptops-{version}-linux-x86_64.tar.gz", out
      assert out["repository"] == "org/promptops"
      result, arm = run(resolve, dict(base, RUNNER_OS="macOS", RUNNER_ARCH="ARM64", INPUT_VERSION="v9.9.9"))
      assert arm["asset"] == "promptops-9.9.9-macos-arm64.tar.gz", arm
      result, _ = run(resolve, dict(base, RUNNER_OS="Windows", RUNNER_ARCH="X64"))
      assert result.returncode == 2 and "no promptops release binary" in result.stdout, result.stdout

      # A release folder served over file://, as GITHUB_SERVER_URL/REPO/releases/download/vX/.
      release = os.path.join(work, "server", "org/promptops", "releases", "download", "v" + version)
      os.makedirs(release)
      binary = b"#!/bin/sh\\necho fake promptops\\n"
      data = io.BytesIO()
      with tarfile.open(fileobj=data, mode="w:gz") as archive:
          info = tarfile.TarInfo("promptops"); info.size = len(binary); info.mode = 0o755
          archive.addfile(info, io.BytesIO(binary))
      asset = out["asset"]
      open(os.path.join(release, asset), "wb").write(data.getvalue())
      def publish(digest):
          open(os.path.join(release, asset + ".sha256"), "w").write(f"{digest}  {asset}\\n")
      env = {"GH_TOKEN": "", "VERSION": version, "REPOSITORY": "org/promptops", "ASSET": asset,
             "DIR": out["dir"], "GITHUB_SERVER_URL": "file://" + os.path.join(work, "server"),
             "PATH": "/nonexistent-gh:" + os.environ["PATH"]}
      publish("0" * 64)
      result, _ = run(download, env)
      assert result.returncode != 0, "a wrong checksum was accepted"
      assert not os.path.exists(os.path.join(out["dir"], "promptops")), "unpacked despite a wrong checksum"
      publish(hashlib.sha256(data.getvalue()).hexdigest())
      result, _ = run(download, env)
      assert result.returncode == 0, result.stdout + result.stderr
      assert open(os.path.join(out["dir"], "promptops"), "rb").read() == binary
      print("ok")
      """
    let run = try runProcess(
      try tool("python3"), ["-c", script, packageRoot, expected], in: packageRoot,
      environment: ProcessInfo.processInfo.environment)
    #expect(run.stdout == "ok\n", "\(run.stdout)\(run.stderr)")
  }

  @Test(.timeLimit(.minutes(5)))
  func theGateTemplatesHaveWhatTheGateNeeds() throws {
    let script = """
      import subprocess, sys, yaml
      def on(workflow):
          return workflow.get("on", workflow.get(True))
      action = yaml.safe_load(open(sys.argv[1]))
      assert "pull_request" in on(action) and action["permissions"]["security-events"] == "write"
      steps = action["jobs"]["prompt-gate"]["steps"]
      assert steps[0]["uses"].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
      gate = next(s for s in steps if s.get("uses", "").startswith("your-org/promptops@"))
      assert gate["with"]["model-api-key"] == "${{ secrets.OPENAI_API_KEY }}"
      assert gate["env"]["PROMPTOPS_CACHE_KEY"] == "${{ secrets.PROMPTOPS_CACHE_KEY }}"

      source = yaml.safe_load(open(sys.argv[2]))
      assert "pull_request" in on(source) and source["permissions"]["security-events"] == "write"
      steps = source["jobs"]["prompt-gate"]["steps"]
      checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
      assert checkout["with"]["fetch-depth"] == 0
      gate = next(s for s in steps if s.get("id") == "gate")
      assert gate["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
      assert gate["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
      assert gate["env"]["PROMPTOPS_CACHE_KEY"] == "${{ secrets.PROMPTOPS_CACHE_KEY }}"
      assert "promptops gate --base \\"$BASE_SHA\\" --format github" in gate["run"]
      assert "--output promptops.sarif" in gate["run"]
      upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
      assert upload["with"]["sarif_file"] == "promptops.sarif" and "always()" in upload["if"]
      assert upload["continue-on-error"] is True
      assert any(s.get("if") == "steps.gate.outputs.status != '0'" and "exit 1" in s["run"] for s in steps)
      for step in steps:
          if "run" in step:
              subprocess.run(["bash", "-n", "-c", step["run"]], check=True)

      for path in sys.argv[3:5]:
          gitlab = yaml.safe_load(open(path))
          job = gitlab["prompt-gate"]
          assert job["variables"]["GIT_DEPTH"] == "0"
          # The target branch as it stands, fetched, not the fork point.
          assert any(line.startswith("git fetch") and "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in line for line in job["script"])
          assert any("origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in line and "promptops-junit.xml" in line for line in job["script"])
          assert job["artifacts"]["reports"]["junit"] == "promptops-junit.xml"
          assert job["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
          before = job.get("before_script") or gitlab[job["extends"]]["before_script"]
          for line in before + job["script"]:
              subprocess.run(["sh", "-n", "-c", line], check=True)
      install = yaml.safe_load(open(sys.argv[3]))[".promptops-install"]["before_script"]
      assert any("sha256sum --check --strict" in line for line in install)
      assert [i for i, l in enumerate(install) if "--check" in l][0] < [i for i, l in enumerate(install) if "tar -xzf" in l][0]
      print("ok")
      """
    let result = try python(
      script,
      [
        "ci/github/prompt-gate.yml", "ci/github/prompt-gate-from-source.yml", "ci/gitlab/prompt-gate.yml",
        "ci/gitlab/prompt-gate-from-source.yml",
      ])
    #expect(result.stdout == "ok\n", "\(result.stderr)")
  }

  /// The sharded eval templates: one job per slice, K/N from the matrix (GitHub) or `parallel:`
  /// (GitLab), and a merge over exactly that many outputs after all of them.
  @Test(.timeLimit(.minutes(5)))
  func theShardTemplatesRunEverySliceAndMergeThem() throws {
    let script = """
      import subprocess, sys, yaml
      github = yaml.safe_load(open(sys.argv[1]))
      shards = int(github["env"]["SHARDS"])
      shard = github["jobs"]["eval-shard"]
      assert shard["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
      assert shard["strategy"]["fail-fast"] is False
      run = next(s for s in shard["steps"] if "--shard" in s.get("run", ""))
      assert '--shard "$SHARD/$SHARDS"' in run["run"] and run["env"]["SHARD"] == "${{ matrix.shard }}"
      assert run["env"]["OPENAI_API_KEY"] == "${{ secrets.OPENAI_API_KEY }}"
      merge = github["jobs"]["eval-merge"]
      assert merge["needs"] == "eval-shard"
      combine = next(s for s in merge["steps"] if "eval merge" in s.get("run", ""))
      assert 'test "$(ls shards/shard-*.json | wc -l)" -eq "$SHARDS"' in combine["run"]
      for job in github["jobs"].values():
          for step in job["steps"]:
              if "run" in step:
                  subprocess.run(["bash", "-n", "-c", step["run"]], check=True)

      gitlab = yaml.safe_load(open(sys.argv[2]))
      shard = gitlab["eval-shard"]
      assert any('--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"' in line for line in shard["script"])
      merge = gitlab["eval-merge"]
      assert merge["needs"] == ["eval-shard"]
      assert any(f'-eq {shard["parallel"]}' in line for line in merge["script"])
      assert any("promptops eval merge shard-*.json" in line for line in merge["script"])
      for job in (shard, merge):
          for line in job["script"]:
              subprocess.run(["sh", "-n", "-c", line], check=True)
      print("ok")
      """
    let result = try python(script, ["ci/github/eval-shards.yml", "ci/gitlab/eval-shards.yml"])
    #expect(result.stdout == "ok\n", "\(result.stderr)")
  }

  /// A shard's command line is one `promptops eval` accepts (the real binary parses it).
  @Test(.timeLimit(.minutes(5)))
  func theShardCommandLinesParse() throws {
    let repo = try TempRepo.withPrompt()
    let base = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    let shard = try repo.promptops(
      "eval", "--changed", "--base", base, "--shard", "2/4", "--no-note", "--output", "shard-2.json")
    #expect(shard.status == 0, "\(shard.stdout)\(shard.stderr)")
    let merged = try repo.promptops("eval", "merge", "--help")
    #expect(merged.status == 0 && merged.stdout.contains("--no-note") && merged.stdout.contains("--junit"))
  }
}
