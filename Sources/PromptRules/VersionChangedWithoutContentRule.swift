import PromptChanges
import PromptModel

/// `version-changed-without-content`: a new version whose content is identical to the old.
struct VersionChangedWithoutContentRule: Rule {
  static let id = RuleID.versionChangedWithoutContent

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      guard let cards = change.comparableCards, cards.new.version > cards.old.version, !change.contentChanged else {
        return nil
      }
      return Finding(
        rule: Self.id, prompt: change.id, file: change.location.cardPath, line: cards.new.lines.version,
        message:
          "version went from \(cards.old.version) to \(cards.new.version) but the prompt text and model are unchanged")
    }
  }
}
