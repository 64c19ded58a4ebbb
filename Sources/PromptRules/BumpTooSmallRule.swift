import PromptChanges
import PromptModel

/// `bump-too-small`: the version went up, but by less than the change needs.
struct BumpTooSmallRule: Rule {
  static let id = RuleID.bumpTooSmall

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      guard let cards = change.comparableCards, cards.new.version > cards.old.version else { return nil }
      let requirement = change.requirement
      let actual = BumpLevel.between(cards.old.version, cards.new.version)
      guard actual < requirement.level else { return nil }
      return Finding(
        rule: Self.id, prompt: change.id, file: change.location.cardPath, line: cards.new.lines.version,
        message: "\(cards.old.version) → \(cards.new.version) is a \(actual.rawValue) bump, but the change needs "
          + "\(requirement.level.rawValue): \(requirement.reasons.joined(separator: "; ")); use \(cards.old.version.bumped(requirement.level))"
      )
    }
  }
}
