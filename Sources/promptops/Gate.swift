import ArgumentParser
import PromptEvals
import PromptGate

extension PromptOps {
  struct Gate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "gate",
      abstract: "The merge gate: check a pull request's prompt changes against its merge base.",
      discussion: """
        Compares --head (default HEAD) with its merge base with --base, as a pull request does \
        (git diff base...head). The rules come from the base's .promptops.yml (the defaults when the \
        base has none), so a change cannot loosen the rules it is judged by. A shallow clone exits \
        2: fetch full history.
        """)

    @Option(help: "The target branch or commit (e.g. origin/main, the pull request's base SHA).")
    var base: String

    @Option(help: "The revision to gate (default HEAD).")
    var head: String?

    @OptionGroup var options: GlobalOptions

    func run() throws {
      let repository = try options.openRepository()
      let report = try Analyzer(repository: repository).analyze(
        .pullRequest(base: base, head: head), evals: EvalOptions())
      try finish(report, options: options)
    }
  }
}
