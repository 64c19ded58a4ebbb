import PromptChanges
import PromptModel

/// `version-not-bumped`: the content changed and the version stayed.
struct VersionNotBumpedRule: Rule {
  static let id = RuleID.versionNotBumped

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      guard let cards = change.comparableCards, change.contentChanged, cards.new.version == cards.old.version else {
        return nil
      }
      let requirement = change.requirement
      let level = max(requirement.level, .patch)
      let why = requirement.reasons.joined(separator: "; ")
      return Finding(
        rule: Self.id, prompt: change.id, file: change.location.cardPath, line: cards.new.lines.version,
        message: "prompt content changed (\(why)) but version is still \(cards.new.version); "
          + "bump it to \(cards.old.version.bumped(level)) (required: \(level.rawValue)) and add a changelog entry")
    }
  }
}
