import PromptChanges
import PromptModel

/// A check over a change set. Each rule lives in its own file and reports findings at its
/// default severity; the analyzer applies the configured severity afterwards.
package protocol Rule: Sendable {
  static var id: RuleID { get }
  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding]
}

/// Shared facts the rules read.
package struct RuleContext {
  let constraints: ConstraintScanner

  package init(constraints: ConstraintScanner) {
    self.constraints = constraints
  }
}

/// The rules `check` and `gate` run, in report order.
package let versionRules: [any Rule] = [
  PromptNotRegularFileRule(),
  CardInvalidRule(),
  DuplicateIDRule(),
  VersionNotBumpedRule(),
  VersionNotIncreasedRule(),
  BumpTooSmallRule(),
  ChangelogMissingRule(),
  ConstraintRemovedRule(),
  VersionChangedWithoutContentRule(),
  PromptDeletedRule(),
  AttributesChangedRule(),
]

extension PromptChange {
  /// Both sides carry a readable card: the version rules can compare them.
  var comparableCards: (old: PromptCard, new: PromptCard)? {
    guard status == .modified || status == .renamed, let old = old?.card, let new = new?.card else { return nil }
    return (old, new)
  }
}
