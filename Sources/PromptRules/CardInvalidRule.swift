import PromptChanges
import PromptModel

/// `card-invalid`: the head side's card is missing, unparsable, incomplete or misnamed.
struct CardInvalidRule: Rule {
  static let id = RuleID.cardInvalid

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.flatMap { change -> [Finding] in
      guard change.status != .deleted, let new = change.new else { return [] }
      return new.problems.map {
        Finding(rule: Self.id, prompt: change.id, file: $0.file, line: $0.line, message: $0.message)
      }
    }
  }
}
