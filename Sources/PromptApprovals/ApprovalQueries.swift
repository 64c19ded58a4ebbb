import Foundation
import GitKit
import PromptChanges
import PromptModel

/// The approval checks outside the merge gate: `promptops approvals verify`, and promotion,
/// which must require approvals "verified as the gate does" and name the approvers.
extension ApprovalVerifier {
  /// Verifies the approvals of one prompt's exact content (`version` + `sha256`) for
  /// `environment`: policy and allowed signers from `context`, records from `snapshot`.
  ///
  /// The prompt's card tags (which policies may select on) and its files come from the snapshot
  /// too; a prompt not found there is checked by id alone. `authors` are emails whose approvals
  /// do not count (who changed the prompt, when the caller knows the range).
  public static func verify(
    repository: Repository, context: GateContext, snapshot: Snapshot, promptID: String, version: String, sha256: String,
    environment: String, authors: Set<String> = [], now: Date = Date()
  ) throws -> ApprovalVerdict {
    let configuration = context.configuration
    let trust = try context.approvalTrust(in: repository)
    let prompt = try PromptLookup(repository: repository).prompt(
      withID: promptID, in: snapshot, configuration: configuration)
    let location = prompt?.location ?? PromptLayout(configuration).canonicalLocations(for: promptID)[0]
    let subject = ApprovalSubject(
      promptID: promptID, version: version, sha256: sha256, tags: prompt?.card?.tags ?? [], location: location,
      cardLine: prompt?.card?.lines.version ?? 1)
    return try ApprovalVerifier(repository: repository, trust: trust, records: snapshot, now: now)
      .verify(subject, environment: environment, authors: Set(authors.map { $0.lowercased() }))
  }
}

/// `promptops approvals verify`: the records at a snapshot against its own policy.
public struct ApprovalAudit {
  /// One prompt checked, and what came of it.
  public struct Entry: Sendable {
    public let promptID: String
    public let version: String
    public let sha256: String
    public let verdict: ApprovalVerdict
  }

  public let entries: [Entry]
  public let report: GateReport

  /// The audit `approvals verify` asks for: the records at `revision` (HEAD when nil), read
  /// against that commit's own policy and keys. A repository with no commit yet has no records
  /// to verify, which is a usage error, not an empty pass.
  public static func run(
    repository: Repository, revision: String?, environment: String, ids: [String], now: Date = Date()
  ) throws -> ApprovalAudit {
    let commit = try revision.map { try repository.resolveCommit($0) } ?? repository.headCommit()
    guard let commit else { throw PromptOpsError.usage("there is no commit yet to verify approvals in") }
    return try run(repository: repository, snapshot: .commit(commit), environment: environment, ids: ids, now: now)
  }

  /// Checks `ids` (or, when empty, every prompt whose policy requires approval for
  /// `environment`) as they stand in `snapshot`.
  /// An audit of one snapshot reads the policy and keys of that snapshot.
  public static func run(
    repository: Repository, snapshot: Snapshot, environment: String, ids: [String], now: Date = Date()
  ) throws -> ApprovalAudit {
    var timer = PhaseTimer()
    let lookup = PromptLookup(repository: repository)
    let context = try GateContext.load(from: snapshot, in: repository)
    let configuration = context.configuration
    let trust = try context.approvalTrust(in: repository)
    let verifier = ApprovalVerifier(repository: repository, trust: trust, records: snapshot, now: now)
    var prompts: [Prompt] = []
    if ids.isEmpty {
      prompts = try ChangeSetBuilder(repository: repository, configuration: configuration).wholeTree(snapshot).changes
        .compactMap(\.new)
        .filter { trust.policy.requirement(for: $0.id, tags: $0.card?.tags ?? [], environment: environment) != nil }
    } else {
      for id in ids {
        guard let prompt = try lookup.prompt(withID: id, in: snapshot, configuration: configuration) else {
          throw PromptOpsError.promptNotFound(id: id, detail: "in \(snapshot.reportName ?? "the empty tree")")
        }
        prompts.append(prompt)
      }
    }
    timer.mark("read prompts")
    var entries: [Entry] = []
    var findings: [Finding] = []
    var summaries: [PromptSummary] = []
    for prompt in prompts {
      guard let subject = ApprovalSubject(prompt) else {
        findings.append(
          Finding(
            rule: .cardInvalid, prompt: prompt.id, file: prompt.location.cardPath, line: 1,
            message:
              "the prompt's card or text cannot be read, so its approvals cannot be checked; run `promptops check --all`"
          ))
        continue
      }
      let verdict = try verifier.verify(subject, environment: environment)
      entries.append(
        Entry(promptID: subject.promptID, version: subject.version, sha256: subject.sha256, verdict: verdict))
      findings += verdict.findings
      summaries.append(
        PromptSummary(
          id: subject.promptID, path: prompt.location.path, oldPath: nil, status: .unchanged, oldVersion: nil,
          newVersion: subject.version,
          requiredBump: .none, digest: prompt.textDigest, oldDigest: nil))
    }
    timer.mark("verify approvals")
    findings.sort { ($0.file, $0.line, $0.rule) < ($1.file, $1.line, $1.rule) }
    let report = GateReport(
      base: nil, head: snapshot.reportName ?? "empty", prompts: summaries, findings: findings,
      statistics: .init(
        changedPaths: 0, promptsRead: prompts.count, blobsRead: repository.blobsRead,
        treesRead: repository.treesCompared + repository.treesListed, phases: timer.phases))
    return ApprovalAudit(entries: entries, report: report)
  }
}
