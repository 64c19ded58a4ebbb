import Foundation
import GitKit
import PromptChanges
import PromptEvals
import PromptModel
import PromptRules

/// Runs the version and changelog gate over a comparison.
///
/// The change-based comparisons read only what the change touched: one diff restricted to the
/// prompt folders, then the blobs of the changed prompts' text, card and changelog on both
/// sides. Unchanged prompts are never opened.
public final class Analyzer {
  public let repository: Repository

  /// Threads that may read changed prompts at once; by default one per core, up to four.
  public var readingThreads = min(ProcessInfo.processInfo.activeProcessorCount, 4)

  public init(repository: Repository) {
    self.repository = repository
  }

  /// The two sides of `comparison` and the configuration they are judged by.
  public func sides(of comparison: Comparison) throws -> ComparisonSides {
    try ComparisonSides(comparison, in: repository)
  }

  /// Every enabled version rule's findings, at its configured severity, in rule order.
  ///
  /// The rules are independent of each other, so over a large change set they run side by side
  /// (the constraint rule alone re-reads every changed text, a quarter of a 100-commit check's
  /// rules); a small one is not worth a thread.
  private func runRules(over changeSet: ChangeSet, context: RuleContext, configuration: Configuration) throws
    -> [Finding]
  {
    let enabled = versionRules.compactMap { rule in configuration.severity(of: type(of: rule).id).map { (rule, $0) } }
    func findings(_ index: Int) -> [Finding] {
      let (rule, severity) = enabled[index]
      return rule.check(changeSet, context).map { finding in
        var finding = finding
        finding.severity = severity
        return finding
      }
    }
    guard readingThreads > 1, changeSet.changes.count >= 2 * ChangeSetBuilder.promptsPerWorker else {
      return enabled.indices.flatMap(findings)
    }
    let results = ParallelResults<[Finding]>(count: enabled.count)
    let job = UncheckedSendable(findings)
    DispatchQueue.concurrentPerform(iterations: enabled.count) { index in
      results.store(index, .success(job.value(index)))
    }
    return try results.collect().flatMap { $0 }
  }

  /// A change that edits `.promptops.yml` is still judged by the base's: said once, so nobody
  /// wonders why a setting the change adds did not apply to it.
  /// The new file must still parse: the next change will be judged by it.
  private func configurationChange(_ sides: ComparisonSides) throws -> Finding? {
    let before = try repository.blobID(at: Configuration.fileName, in: sides.base)
    let after = try repository.blobID(at: Configuration.fileName, in: sides.head)
    guard before != after else { return nil }
    if after != nil { _ = try GateContext.load(from: sides.head, in: repository) }
    guard let severity = sides.context.configuration.severity(of: .configurationChanged) else { return nil }
    let base = sides.base.reportName.map { "the base (\($0.prefix(12)))" } ?? "the base"
    let what = after == nil ? "deletes" : (before == nil ? "adds" : "edits")
    let judged =
      sides.context.configured
      ? "is judged by the configuration of \(base)"
      : "is judged by the default configuration, since \(base) has none"
    return Finding(
      rule: .configurationChanged, severity: severity, prompt: "", file: Configuration.fileName, line: 1,
      message:
        "this change \(what) \(Configuration.fileName); it \(judged), and the new configuration applies to the changes after it"
    )
  }

  /// Runs every rule over a comparison; with `evals`, the eval rules too, over the prompts the
  /// version rules already read.
  public func analyze(_ comparison: Comparison, evals: EvalOptions? = nil) throws -> GateReport {
    var timer = PhaseTimer()
    let sides = try sides(of: comparison)
    let configuration = sides.context.configuration
    timer.mark("resolve and configure")
    let wholeTree: Bool
    if case .wholeTree = comparison { wholeTree = true } else { wholeTree = false }
    let builder = ChangeSetBuilder(repository: repository, configuration: configuration, readingThreads: readingThreads)
    let (changeSet, changedPaths): (ChangeSet, Int)
    if wholeTree {
      (changeSet, changedPaths) = (try builder.wholeTree(sides.head), 0)
      timer.mark("read prompts")
    } else {
      (changeSet, changedPaths) = try builder.changes(from: sides.base, to: sides.head, timer: &timer)
    }
    let context = RuleContext(constraints: ConstraintScanner(keywords: configuration.constraintKeywords))

    var findings = try runRules(over: changeSet, context: context, configuration: configuration)
    if !wholeTree, let finding = try configurationChange(sides) { findings.append(finding) }
    findings += try approvalFindings(for: comparison, sides: sides, changeSet: changeSet)
    timer.mark("rules")
    var evaluated: [EvalSummary] = []
    var notices: [String] = []
    if let evals {
      let known = changeSet.changes.compactMap(\.new)
      let (evalFindings, run) = try EvalGate(repository: repository).evaluate(
        sides: sides, options: evals, known: known, timer: &timer)
      findings += evalFindings
      evaluated =
        run.map { run in
          run.prompts.map { result in EvalSummary(result, plan: run.plans.first { $0.promptID == result.id }) }
        } ?? []
      notices += run?.notices ?? []
    }
    findings.sort { ($0.file, $0.line, $0.rule) < ($1.file, $1.line, $1.rule) }

    let prompts = changeSet.changes.map { change in
      PromptSummary(
        id: change.id, path: change.location.path,
        oldPath: change.status == .renamed ? change.old?.location.path : nil, status: change.status,
        oldVersion: change.old?.card?.version.text, newVersion: change.new?.card?.version.text,
        requiredBump: change.requirement.level, digest: change.new?.textDigest,
        oldDigest: change.status == .modified || change.status == .renamed ? change.old?.textDigest : nil)
    }
    return GateReport(
      base: sides.base.reportName, head: sides.head.reportName ?? "empty", prompts: prompts, findings: findings,
      statistics: .init(
        changedPaths: changedPaths, promptsRead: changeSet.changes.count, blobsRead: repository.blobsRead,
        treesRead: repository.treesCompared + repository.treesListed, phases: timer.phases),
      evals: evaluated, notices: notices)
  }
}
