import Foundation
import TestSupport
import Testing

/// `promptops --version`: one line with the version, the libgit2 the binary runs with, and the
/// commit it was built from.
@Suite("--version")
struct VersionOutputTests {
  @Test(.timeLimit(.minutes(5)))
  func namesTheRuntimeLibgit2AndTheCommit() throws {
    let result = try runProcess(
      try promptopsBinary(), ["--version"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
    #expect(result.status == 0, "\(result.stderr)")
    let pattern = #"^(\d+\.\d+\.\d+\S*) \(libgit2 (\d+\.\d+\.\d+), commit ([0-9a-f]{40}|unknown)\)\n$"#
    let match = try #require(try Regex(pattern).wholeMatch(in: result.stdout), "\(result.stdout)")
    // The libgit2 a shared build links is the one pkg-config describes (an independent reading).
    if ProcessInfo.processInfo.environment["PROMPTOPS_BIN"] == nil, let pkgConfig = which("pkg-config") {
      let installed = try runProcess(
        pkgConfig, ["--modversion", "libgit2"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
      if installed.status == 0 {
        #expect(
          String(match.output[2].substring ?? "") == installed.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
      }
    }
  }
}

/// `--version` is the root's alone: a subcommand with a `--version` option of its own (the
/// prompt version) lists it once, and a subcommand without one refuses the flag instead of
/// printing the tool's version in place of doing its work.
@Suite("--version belongs to the root")
struct VersionFlagTests {
  @Test(.timeLimit(.minutes(5)), arguments: ["approve", "promote"])
  func aSubcommandListsItsOwnVersionOptionOnce(_ command: String) throws {
    let help = try runProcess(
      try promptopsBinary(), [command, "--help"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
    #expect(help.status == 0, "\(help.stderr)")
    let options = help.stdout.split(separator: "\n").filter {
      $0.trimmingCharacters(in: .whitespaces).hasPrefix("--version")
    }
    #expect(options.count == 1, "\(help.stdout)")
    #expect(options.first?.contains("--version <version>") == true, "\(help.stdout)")
    #expect(!help.stdout.contains("Show the version."), "\(help.stdout)")
  }

  @Test(.timeLimit(.minutes(5)), arguments: ["check", "gate --base HEAD", "eval", "logs report log.jsonl", "verify"])
  func aSubcommandRefusesTheRootsFlag(_ command: String) throws {
    let repo = try TempRepo.withPrompt("versionFlag-\(command.split(separator: " ")[0])")
    try repo.write("log.jsonl", "")
    let arguments = command.split(separator: " ").map(String.init) + ["--version"]
    let result = try runProcess(try promptopsBinary(), arguments, in: repo.path, environment: repo.environment)
    #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("--version"), "\(result.stderr)")
    #expect(!result.stdout.contains("libgit2"), "\(result.stdout)")
  }

  @Test(.timeLimit(.minutes(5))) func theRootHelpSaysHowToAskForTheVersion() throws {
    let help = try runProcess(
      try promptopsBinary(), ["--help"], in: packageRoot, environment: ProcessInfo.processInfo.environment)
    #expect(help.status == 0)
    #expect(help.stdout.contains("promptops --version"), "\(help.stdout)")
  }
}
