import Foundation
import Testing
import TestSupport

/// `promptops --version`: one line with the version, the libgit2 the binary runs with, and the
/// commit it was built from.
@Suite("--version")
struct VersionOutputTests {
  @Test(.timeLimit(.minutes(5)))
  func namesTheRuntimeLibgit2AndTheCommit() throws {
    let result = try runProcess(try promptopsBinary(), ["--version"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let pattern = #"^(\d+\.\d+\.\d+\S*) \(libgit2 (\d+\.\d+\.\d+), commit ([0-9a-f]{40}|unknown)\)\n$"#
    let match = try #require(try Regex(pattern).wholeMatch(in: result.stdout), "\(result.stdout)")
    // The libgit2 a shared build links is the one pkg-config describes (an independent reading).
    if ProcessInfo.processInfo.environment["PROMPTOPS_BIN"] == nil, let pkgConfig = which("pkg-config") {
      let installed = try runProcess(pkgConfig, ["--modversion", "libgit2"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
      if installed.status == 0 {
        #expect(String(match.output[2].substring ?? "") == installed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
  }
}
