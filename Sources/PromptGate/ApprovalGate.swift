import GitKit
import PromptApprovals
import PromptChanges
import PromptModel

extension Analyzer {
  /// The environment the merge gate checks approvals for.
  public static let mergeEnvironment = "merge"

  /// The approval findings of a pull request: every added, modified or renamed prompt whose
  /// policy requires approval for `merge` must carry valid approvals at the head.
  ///
  /// Trust comes from the base: the policy and the allowed signers are read from the merge
  /// base's `.promptops.yml` (no approvals required when it has none), whatever the change's
  /// own configuration says, so a pull request can neither add its own key nor loosen its own
  /// policy, nor drop the card tag a policy selects it by (the tags of both sides count). The
  /// records come from the head, and for rejections also from the base and every commit of the
  /// range, so deleting a reviewer's rejection does not lift it. Who may not approve a prompt is
  /// everyone who authored, committed or co-authored a commit in the range that changed it.
  func approvalFindings(for comparison: Comparison, sides: ComparisonSides, changeSet: ChangeSet) throws -> [Finding] {
    guard case .pullRequest = comparison, case .commit(let head) = sides.head else { return [] }
    guard !sides.context.configuration.approvals.policies.isEmpty else { return [] }
    let trust = try sides.context.approvalTrust(in: repository)
    let base: ObjectID?
    if case .commit(let id) = sides.base { base = id } else { base = nil }

    // A prompt the change deletes may live on under another id (a rename of its folder and
    // card): each prompt the change adds is held to the deleted prompts' policies too, by id and
    // by tag, so a rename cannot leave the policy that selected the old id.
    let deleted = changeSet.changes.filter { $0.status == .deleted }.compactMap(\.old)
    var subjects: [(change: PromptChange, subject: ApprovalSubject)] = []
    for change in changeSet.changes where [.added, .modified, .renamed].contains(change.status) {
      // A policy that selects by tag applies when the base card or the head card carries it.
      var baseTags = change.old?.card?.tags ?? []
      if change.status == .added { baseTags += deleted.flatMap { $0.card?.tags ?? [] } }
      guard let prompt = change.new, var subject = ApprovalSubject(prompt, baseTags: baseTags) else { continue }
      if change.status == .added { subject.formerIDs = deleted.map(\.id).filter { $0 != subject.promptID } }
      guard subject.requirement(under: trust.policy, environment: Self.mergeEnvironment) != nil else { continue }
      subjects.append((change, subject))
    }
    guard !subjects.isEmpty else { return [] }
    // The pull request's commits, walked once for every prompt that needs approval: who changed
    // it, and the records the base and each commit held (a rejection deleted since still stands).
    let range = try repository.commits(reachableFrom: head, notFrom: base)
    var earlier = (base.map { [Snapshot.commit($0)] } ?? []) + range.filter { $0 != head }.map { Snapshot.commit($0) }
    // The target as it stands, when the change forked from it earlier: a rejection recorded there
    // since stands too.
    if case .commit(let target) = sides.context.source, target != base { earlier.append(.commit(target)) }
    let verifier = ApprovalVerifier(repository: repository, trust: trust, records: sides.head, earlierRecords: earlier)
    var findings: [Finding] = []
    for (change, subject) in subjects {
      var paths = [subject.location.textPath, subject.location.cardPath]
      if let old = change.old?.location { paths += [old.textPath, old.cardPath] }
      // Who changed a prompt this one replaces changed this content too.
      for former in deleted where subject.formerIDs.contains(former.id) {
        paths += [former.location.textPath, former.location.cardPath]
      }
      let authors = try repository.changeIdentities(of: range, touching: Array(Set(paths)).sorted())
      findings += try verifier.verify(subject, environment: Self.mergeEnvironment, authors: authors).findings
    }
    return findings
  }
}
