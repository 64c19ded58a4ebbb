import Foundation
import Testing
import TestSupport

/// The CI templates: their structure (actionlint has no installable build here), and every shell
/// step parsed by the shell that runs it.
@Suite("CI workflow templates")
struct CIWorkflowTests {
  @Test func theWorkflowsHaveWhatTheGateNeeds() throws {
    let script = """
      import subprocess, sys, yaml
      gh = yaml.safe_load(open(sys.argv[1]))
      on = gh.get("on", gh.get(True))
      assert "pull_request" in on, on
      assert gh["permissions"]["security-events"] == "write"
      steps = gh["jobs"]["prompt-gate"]["steps"]
      checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
      assert checkout["with"]["fetch-depth"] == 0
      gate = next(s for s in steps if s.get("id") == "gate")
      assert gate["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
      assert gate["env"]["PROMPTOPS_CACHE_KEY"] == "${{ secrets.PROMPTOPS_CACHE_KEY }}"
      assert "promptops gate --base \\"$BASE_SHA\\" --format github" in gate["run"]
      assert "--output promptops.sarif" in gate["run"]
      upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
      assert upload["with"]["sarif_file"] == "promptops.sarif" and "always()" in upload["if"]
      assert any(s.get("if") == "steps.gate.outputs.status != '0'" and "exit 1" in s["run"] for s in steps)
      for step in steps:
          if "run" in step:
              subprocess.run(["bash", "-n", "-c", step["run"]], check=True)
      gl = yaml.safe_load(open(sys.argv[2]))["prompt-gate"]
      assert gl["variables"]["GIT_DEPTH"] == "0"
      assert any("$CI_MERGE_REQUEST_DIFF_BASE_SHA" in line and "promptops-junit.xml" in line for line in gl["script"])
      assert gl["artifacts"]["reports"]["junit"] == "promptops-junit.xml"
      assert gl["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
      for line in gl["before_script"] + gl["script"]:
          subprocess.run(["sh", "-n", "-c", line], check=True)
      print("ok")
      """
    let python = packageRoot + "/.build-tools/venv/bin/python3"
    let result = try runProcess(
      FileManager.default.isExecutableFile(atPath: python) ? python : try #require(which("python3")),
      ["-c", script, packageRoot + "/ci/github/prompt-gate.yml", packageRoot + "/ci/gitlab/prompt-gate.yml"],
      in: packageRoot, environment: ProcessInfo.processInfo.environment)
    #expect(result.stdout == "ok\n", "\(result.stderr)")
  }
}
