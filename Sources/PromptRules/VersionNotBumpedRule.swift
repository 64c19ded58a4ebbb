import PromptChanges
import PromptModel

/// `version-not-bumped`: the content changed and the version stayed, or the text changed where the
/// base has no readable version to bump from.
struct VersionNotBumpedRule: Rule {
  static let id = RuleID.versionNotBumped

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      if let cards = change.comparableCards {
        guard change.contentChanged, cards.new.version == cards.old.version else { return nil }
        let requirement = change.requirement
        let level = max(requirement.level, .patch)
        let why = requirement.reasons.joined(separator: "; ")
        return Finding(
          rule: Self.id, prompt: change.id, file: change.location.cardPath, line: cards.new.lines.version,
          message: "prompt content changed (\(why)) but version is still \(cards.new.version); "
            + "bump it to \(cards.old.version.bumped(level)) (required: \(level.rawValue)) and add a changelog entry")
      }
      return unversionedBase(change)
    }
  }

  /// A prompt whose base card is missing or unreadable has no version a change could be held to,
  /// and every other version rule and the changelog rule skip it. Repairing the card is allowed;
  /// changing the text in the same change is not, or a repair would carry any edit through.
  private func unversionedBase(_ change: PromptChange) -> Finding? {
    guard change.status == .modified || change.status == .renamed, let old = change.old, let new = change.new,
      old.card == nil, !old.hasSameText(as: new)
    else { return nil }
    let why = old.problems.first.map { "\($0.file):\($0.line): \($0.message)" } ?? "it has no card"
    return Finding(
      rule: Self.id, prompt: change.id, file: change.location.cardPath, line: new.card?.lines.version ?? 1,
      message: "the prompt text changed, but the base's card gives no version to bump from (\(why)); "
        + "commit the card's repair alone first, with the text unchanged, then change the text with a bump "
        + "and a changelog entry")
  }
}
