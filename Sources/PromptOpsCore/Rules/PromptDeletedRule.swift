/// `prompt-deleted`: a prompt disappeared.
struct PromptDeletedRule: Rule {
  static let id = RuleID.promptDeleted

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      guard change.status == .deleted, let old = change.old else { return nil }
      return Finding(
        rule: Self.id, prompt: change.id, file: old.location.cardPath, line: 1,
        message: "prompt '\(change.id)' (version \(old.card?.version.text ?? "unknown")) was deleted; make sure nothing loads it any more")
    }
  }
}
