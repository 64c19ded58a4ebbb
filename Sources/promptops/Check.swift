import ArgumentParser
import Foundation
import PromptChanges
import PromptGate

extension PromptOps {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Check prompt versions and changelogs for a change.",
      discussion: """
        With no options (or --staged), checks the index against HEAD: what `git commit` is about \
        to record. Run under `git commit` (its pre-commit hook), git's command line decides: \
        HEAD's parent for a commit git amends, HEAD otherwise. --base compares two commits \
        directly; --all checks every prompt in the tree.
        """)

    @Flag(
      help: "Check the staged changes (index against HEAD, or HEAD's parent under git commit --amend). The default.")
    var staged = false

    @Flag(help: "With --staged, outside git commit: the commit replaces HEAD, so compare with HEAD's parent.")
    var amend = false

    @Option(help: "Compare against this revision (branch, tag, SHA, HEAD~3…).")
    var base: String?

    @Option(help: "The revision to check (default HEAD); with --base or --all.")
    var head: String?

    @Flag(help: "Check every prompt as it stands, not just what changed.")
    var all = false

    @Flag(
      help:
        "Take the range from the pre-commit framework's PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF (its pre-push stage)."
    )
    var preCommitRefs = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
      if staged && (base != nil || head != nil) {
        throw ValidationError("--staged cannot be combined with --base or --head")
      }
      if preCommitRefs && (staged || amend || all || base != nil || head != nil) {
        throw ValidationError(
          "--pre-commit-refs takes its range from the environment; it combines with no other range option")
      }
      if amend && (base != nil || all) { throw ValidationError("--amend applies to the staged check only") }
      if all && base != nil { throw ValidationError("--all checks the whole tree; it takes no --base") }
      if head != nil && base == nil && !all { throw ValidationError("--head needs --base (or --all)") }
    }

    var comparison: Comparison {
      get throws {
        if preCommitRefs { return try Self.preCommitComparison(ProcessInfo.processInfo.environment) }
        return plainComparison
      }
    }

    /// The pre-commit framework's pre-push range. With no base (a new branch) the framework
    /// checks all files, and so does this: every prompt at the pushed commit (HEAD when the
    /// framework names none).
    static func preCommitComparison(_ environment: [String: String]) throws -> Comparison {
      let to = environment["PRE_COMMIT_TO_REF"].flatMap { $0.isEmpty ? nil : $0 } ?? "HEAD"
      let from = environment["PRE_COMMIT_FROM_REF"] ?? ""
      if from.isEmpty || from.allSatisfy({ $0 == "0" }) { return .wholeTree(revision: to, staged: false) }
      return .commits(base: from, head: to)
    }

    var plainComparison: Comparison {
      if all { return .wholeTree(revision: head, staged: staged) }
      if let base { return .commits(base: base, head: head) }
      return amend ? .stagedAmend : .staged
    }

    func run() throws {
      try Self.run(try comparison, directory: options.directory, settings: options.report)
    }

    /// The check itself, shared with the hook's fixed command lines (`HookInvocation`). A staged
    /// check made under `git commit` is measured as git's own command line says (`--amend` or not).
    static func run(_ comparison: Comparison, directory: String?, settings: ReportSettings) throws {
      let comparison = CommitInProgress.comparison(for: comparison)
      let report = try Analyzer(repository: try openRepository(directory)).analyze(comparison)
      try finish(report, settings: settings)
    }
  }
}
