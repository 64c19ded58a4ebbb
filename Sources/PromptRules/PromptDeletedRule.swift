import PromptChanges
import PromptModel

/// `prompt-deleted`: a prompt disappeared.
///
/// A prompt folder (or a root above it) replaced by a link or a submodule is not reported here:
/// to git its files are gone, but a checkout still loads something at that place, and
/// `prompt-not-regular-file` says so.
struct PromptDeletedRule: Rule {
  static let id = RuleID.promptDeleted

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    let replaced = changeSet.nonRegularFolders.map { Array($0.path.utf8) }
    return changeSet.changes.compactMap { change in
      guard change.status == .deleted, let old = change.old else { return nil }
      let path = Array(old.location.path.utf8)
      if replaced.contains(where: { $0 == path || path.starts(with: $0 + [0x2F]) }) { return nil }
      return Finding(
        rule: Self.id, prompt: change.id, file: old.location.cardPath, line: 1,
        message:
          "prompt '\(change.id)' (version \(old.card?.version.text ?? "unknown")) was deleted; make sure nothing loads it any more"
      )
    }
  }
}
