/// A check over a change set. Each rule lives in its own file and reports findings at its
/// default severity; the analyzer applies the configured severity afterwards.
protocol Rule: Sendable {
  static var id: RuleID { get }
  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding]
}

/// Shared, precomputed facts the rules read.
struct RuleContext {
  let variables: VariableScanner
  let constraints: ConstraintScanner
  /// `check --all` compares each prompt with nothing: only the rules about the prompt as it
  /// stands apply.
  let wholeTree: Bool

  func requirement(_ change: PromptChange) -> BumpRequirement {
    BumpRequirement.of(change, variables: variables)
  }
}

/// The rules `check` and `gate` run, in report order.
let versionRules: [any Rule] = [
  CardInvalidRule(),
  DuplicateIDRule(),
  VersionNotBumpedRule(),
  VersionNotIncreasedRule(),
  BumpTooSmallRule(),
  ChangelogMissingRule(),
  ConstraintRemovedRule(),
  VersionChangedWithoutContentRule(),
  PromptDeletedRule(),
]

extension PromptChange {
  /// Both sides carry a readable card: the version rules can compare them.
  var comparableCards: (old: PromptCard, new: PromptCard)? {
    guard status == .modified || status == .renamed, let old = old?.card, let new = new?.card else { return nil }
    return (old, new)
  }
}
