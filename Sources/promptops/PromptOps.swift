import ArgumentParser
import CBuildInfo
import CLibgit2Startup
import GitKit
import PromptEvals
import PromptModel
import PromptRelease
import Spawn

@main
struct PromptOps: ParsableCommand {
  /// Referenced so the linker keeps the start-up overrides in the executable.
  static let startupOverrides = promptops_libgit2_startup_linked()

  static func main() {
    WithheldEnvironment.concealOriginals()
    promptops_tune_allocator()
    // On Linux the Swift runtime reads the command line from /proc/self/cmdline. Where /proc is
    // not mounted (a bare chroot or build sandbox) it sees no arguments at all, not even the
    // program's name, and `check --staged` would print the help and exit 0: a hook that passes
    // every commit. Refuse instead.
    if CommandLine.arguments.isEmpty {
      printError("promptops: error: cannot read the command line (is /proc mounted?)")
      fail(ReportedFailure.couldNotEvaluate)
    }
    let arguments = Array(CommandLine.arguments.dropFirst())
    // `--version` is the root's alone, so it is read here. Declared as
    // `CommandConfiguration(version:)`, ArgumentParser would give every subcommand a `--version`
    // flag too: `approve --help` and `promote --help` listed two (theirs, the prompt version,
    // and the tool's), and `check --version` printed the version instead of refusing.
    if arguments == ["--version"] {
      print(versionText)
      exit()
    }
    HookInvocation.runIfRecognised(arguments)
    FileMutex.waitNotice = { printError("promptops: \($0)") }
    // Parsing is ArgumentParser's to end (help, usage errors, exit 64), and so is its own `help`
    // command, which runs like ours; every other failure is ours, so that each one reaches
    // `exitStatus(for:)`.
    var command: any ParsableCommand
    do {
      command = try parseAsRoot(nil)
    } catch {
      exit(withError: error)
    }
    do {
      try command.run()
    } catch {
      if isArgumentParsers(error) { exit(withError: error) }
      fail(error)
    }
    exit()
  }

  /// Whether ArgumentParser raised the error (a help request, a completion script, a
  /// `ValidationError`), by the module that declares its type: its help request is of a type it
  /// does not publish.
  static func isArgumentParsers(_ error: any Error) -> Bool {
    String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
  }

  /// Every command names itself (`commandName:`): otherwise ArgumentParser derives each name
  /// with `String(describing:)` on the type, whose protocol-conformance lookups cost more at
  /// start-up than the whole staged check.
  static let configuration = CommandConfiguration(
    commandName: "promptops",
    abstract: "Versioned, reviewed, reversible LLM prompts: a git-native pre-commit hook and CI gate.",
    discussion: """
      Exit codes: 0 passed, 1 the gate found violations (an eval whose provider could not answer \
      is one: eval-error), 2 could not evaluate (configuration, repository or infrastructure \
      error), 64 command-line usage error.

      `promptops --version` prints the version, the libgit2 it runs with and the commit it was \
      built from.
      """,
    subcommands: [
      Check.self, Gate.self, Diff.self, Eval.self, Hooks.self, Init.self, Logs.self, Rules.self, Approve.self,
      Approvals.self, Promote.self, Verify.self, Show.self, Rollback.self, History.self,
    ]
  )

  /// `promptops --version`, one line: the version, the libgit2 it runs with (a shared libgit2 may
  /// be newer than the one it was built against), and the commit it was built from.
  static var versionText: String {
    "\(promptOpsVersion) (libgit2 \(libgit2RuntimeVersion()), commit \(String(cString: promptops_build_commit())))"
  }
}
