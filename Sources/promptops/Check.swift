import ArgumentParser
import PromptOpsCore

extension PromptOps {
  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check prompt versions and changelogs for a change.",
      discussion: """
        With no options (or --staged), checks the index against HEAD: what `git commit` is about \
        to record. --base compares two commits directly; --all checks every prompt in the tree.
        """)

    @Flag(help: "Check the staged changes (index against HEAD). The default.")
    var staged = false

    @Flag(help: "With --staged: the commit replaces HEAD (git commit --amend), so compare with HEAD's parent.")
    var amend = false

    @Option(help: "Compare against this revision (branch, tag, SHA, HEAD~3…).")
    var base: String?

    @Option(help: "The revision to check (default HEAD); with --base or --all.")
    var head: String?

    @Flag(help: "Check every prompt as it stands, not just what changed.")
    var all = false

    @OptionGroup var options: GlobalOptions

    func validate() throws {
      if staged && (base != nil || head != nil) { throw ValidationError("--staged cannot be combined with --base or --head") }
      if amend && (base != nil || all) { throw ValidationError("--amend applies to the staged check only") }
      if all && base != nil { throw ValidationError("--all checks the whole tree; it takes no --base") }
      if head != nil && base == nil && !all { throw ValidationError("--head needs --base (or --all)") }
    }

    var comparison: Comparison {
      if all { return .wholeTree(revision: head, staged: staged) }
      if let base { return .commits(base: base, head: head) }
      return amend ? .stagedAmend : .staged
    }

    func run() throws {
      let report = try evaluating {
        let repository = try options.openRepository()
        return try Analyzer(repository: repository).analyze(comparison)
      }
      try finish(report, options: options)
    }
  }
}
