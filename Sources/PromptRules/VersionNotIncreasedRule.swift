import PromptChanges
import PromptModel

/// `version-not-increased`: the version was changed, but not upward.
struct VersionNotIncreasedRule: Rule {
  static let id = RuleID.versionNotIncreased

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      guard let cards = change.comparableCards, change.versionChanged else { return nil }
      let (old, new) = (cards.old.version, cards.new.version)
      if new > old { return nil }
      // Equal precedence under different spellings (`v1.0.0`, `1.0.0+build`) is "not bumped",
      // which version-not-bumped reports when the content changed.
      if new == old && (change.contentChanged || new.text == old.text) { return nil }
      let relation = new == old ? "has the same precedence as" : "is lower than"
      return Finding(
        rule: Self.id, prompt: change.id, file: change.location.cardPath, line: cards.new.lines.version,
        message:
          "version \(new) \(relation) the base version \(old); versions only move forward: use \(old.bumped(max(change.requirement.level, .patch))) or higher"
      )
    }
  }
}
