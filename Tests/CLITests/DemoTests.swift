import Foundation
import TestSupport
import Testing

/// `make demo`: examples/demo.sh drives the whole lifecycle against the built binary, offline, on
/// the stand-in model and grader, and must end in success with each step's expected outcome.
@Suite("make demo")
struct DemoTests {
  /// The environment the demo runs in: this process's, without what a test run from inside a git
  /// hook or with a real model configured would hand down.
  func environment() -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    for key in env.keys
    where key.hasPrefix("GIT_") || key.hasPrefix("OPENAI_") || key == "PROMPTOPS_SKIP" || key == "PROMPTOPS_BIN" {
      env[key] = nil
    }
    return env
  }

  func runDemo(binary: String) throws -> ProcessResult {
    try runProcess(
      which("bash") ?? "/bin/bash", [packageRoot + "/examples/demo.sh", binary], in: packageRoot,
      environment: environment())
  }

  /// The lines of the output after the step header that contains `header`, up to the next one.
  func section(_ output: String, _ header: String) -> [Substring] {
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(where: { $0.hasPrefix("==> ") && $0.contains(header) }) else { return [] }
    return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("==> ") })
  }

  /// The demo makes its reviewer's key with ssh-keygen (openssh-client, which
  /// `ci/install-deps.sh --python` installs); without it the demo stops at once, so say why.
  func requireSSHKeygen() -> Bool {
    guard which("ssh-keygen") != nil else {
      Issue.record("ssh-keygen is not on PATH: install openssh-client (sh ci/install-deps.sh --python)")
      return false
    }
    return true
  }

  @Test(.timeLimit(.minutes(5))) func theDemoRunsTheWholeLifecycleAndPasses() throws {
    guard requireSSHKeygen() else { return }
    let result = try runDemo(binary: try promptopsBinary())
    let output = result.stdout
    #expect(result.status == 0, "demo exited \(result.status)\nstdout:\n\(output)\nstderr:\n\(result.stderr)")
    #expect(output.contains("\ndemo passed: every step behaved as expected"))

    // The unbumped edit was refused by the hook, for the missing bump.
    let refusal = section(output, "without a version bump")
    #expect(refusal.contains { $0.contains("error[version-not-bumped]") && $0.contains("support-agent") }, "\(refusal)")
    #expect(refusal.contains("(refused: the commit was not made)"))

    // The gate ran the six tests of the suite on the stand-ins and passed.
    let gate = section(output, "The merge gate")
    #expect(gate.contains { $0.contains("6/6") && $0.contains("support-agent") }, "\(gate)")
    #expect(gate.contains { $0.hasPrefix("passed:") }, "\(gate)")

    // After the rollback prod pins 1.2.1 again, and the final verify passed.
    let rollback = section(output, "roll prod back")
    #expect(rollback.contains("prod now pins support-agent 1.2.1"), "\(rollback)")
    let verify = section(output, "verify again")
    #expect(verify.first == "$ promptops verify", "\(verify)")
    #expect(verify.contains { $0.hasPrefix("verified:") }, "\(verify)")
    #expect(!verify.contains { $0.contains("pin-mismatch") || $0.contains("tag-mismatch") }, "\(verify)")
  }

  /// The demo checks outcomes rather than printing them: a `promptops` that accepts everything
  /// (a stub exiting 0) lets the unbumped commit through, and the demo fails on it.
  @Test(.timeLimit(.minutes(5))) func theDemoFailsWhenAStepDoesNotBehaveAsExpected() throws {
    guard requireSSHKeygen() else { return }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "promptops-demo-stub-\(UUID().uuidString)"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let stub = folder + "/promptops"
    try "#!/bin/sh\nexit 0\n".write(toFile: stub, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: stub)

    let result = try runDemo(binary: stub)
    #expect(result.status != 0)
    #expect(
      result.stderr.contains(
        "demo: FAILED at step 4: the pre-commit hook accepted a prompt edit without a version bump"), "\(result.stderr)"
    )
    #expect(!result.stdout.contains("demo passed"))
  }
}
