import PromptChanges
import PromptModel

/// `constraint-removed`: a must / never / only / always line was dropped or softened — the
/// "friendlier tone broke the logic clauses" regression.
struct ConstraintRemovedRule: Rule {
  static let id = RuleID.constraintRemoved

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.flatMap { change -> [Finding] in
      guard change.status == .modified || change.status == .renamed, let old = change.old, let new = change.new,
        !old.hasSameText(as: new)
      else { return [] }
      let lost = ConstraintDiff.lostConstraints(
        old: old.textBytes ?? [], new: new.textBytes ?? [], scanner: context.constraints)
      return lost.map { item in
        let message: String
        if let replacement = item.replacement {
          message =
            "constraint weakened: \"\(item.oldLine.trimmed.excerpt())\" became \"\(replacement.trimmed.excerpt())\" (lost: \(item.lostKeywords.joined(separator: ", "))); restore it or confirm the change is intended"
        } else {
          message =
            "constraint removed: \"\(item.oldLine.trimmed.excerpt())\"; restore it or confirm the removal is intended"
        }
        return Finding(
          rule: Self.id, prompt: change.id, file: new.location.textPath,
          line: item.newLineNumber + new.textStartLine - 1, message: message)
      }
    }
  }
}

extension String {
  package var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
