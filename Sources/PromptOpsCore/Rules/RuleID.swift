/// The stable identifier of every rule. Users configure severities and CI systems track findings
/// by these strings, so they never change once released.
public enum RuleID: String, CaseIterable, Codable, Sendable {
  case versionNotBumped = "version-not-bumped"
  case versionNotIncreased = "version-not-increased"
  case bumpTooSmall = "bump-too-small"
  case changelogMissing = "changelog-missing"
  case cardInvalid = "card-invalid"
  case duplicateID = "duplicate-id"
  case constraintRemoved = "constraint-removed"
  case versionChangedWithoutContent = "version-changed-without-content"
  case promptDeleted = "prompt-deleted"

  /// What the rule checks, why, and how to fix what it finds: the one source for help texts,
  /// the README's rules table and the descriptions other report formats carry.
  public var info: RuleInfo {
    switch self {
    case .versionNotBumped:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Prompt content changed but its version did not",
        rationale: "A version names exactly one prompt text; two texts under one version make "
          + "rollback, pinning and approvals ambiguous.",
        fix: "Raise `version` in the card to at least the required bump and add a changelog entry.")
    case .versionNotIncreased:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "New version is not higher than the base version",
        rationale: "Versions only move forward (SemVer 2.0.0 precedence); a downgrade hides which "
          + "content is newer.",
        fix: "Choose a version above the base version; to go back to old content, publish it as a "
          + "new version.")
    case .bumpTooSmall:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Version bump is smaller than the change needs",
        rationale: "Callers fill template variables: removing or renaming one breaks them (major); "
          + "adding one or changing the model changes behaviour (minor); other text is a patch.",
        fix: "Raise the version by the required level (the message names it and why).")
    case .changelogMissing:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "No changelog entry for the new version",
        rationale: "The changelog answers who changed the prompt and why.",
        fix: "Add an entry for the new version: a `changelog` list item with `version`, a new "
          + "bullet line in a `changelog: |` block, or a `## [x.y.z]` heading in CHANGELOG.md.")
    case .cardInvalid:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Prompt card is missing or invalid",
        rationale: "Every other rule reads the card; a card that cannot be read cannot be gated.",
        fix: "Fix the card at the line named: valid YAML, required fields `id`, `description`, "
          + "`version` (SemVer), and an `id` equal to the prompt's folder or file name.")
    case .duplicateID:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Two prompts share an id",
        rationale: "Prompts are tracked, pinned and approved by id.",
        fix: "Give one of the prompts a different id (and rename its folder or file to match).")
    case .constraintRemoved:
      return RuleInfo(
        defaultSeverity: .warning,
        summary: "A constraint line was removed or weakened",
        rationale: "Rewrites for tone often drop the clauses that hold behaviour in place "
          + "(must, never, only, always, do not…).",
        fix: "Restore the constraint, or confirm the removal is intended and make it a major or "
          + "minor change with evals that cover it.")
    case .versionChangedWithoutContent:
      return RuleInfo(
        defaultSeverity: .warning,
        summary: "Version changed but the prompt content did not",
        rationale: "A new version with identical content makes the history look busier than it is.",
        fix: "Revert the version change, or change the content the new version describes.")
    case .promptDeleted:
      return RuleInfo(
        defaultSeverity: .info,
        summary: "A prompt was deleted",
        rationale: "Callers that load the prompt by id will break; deletions deserve a look.",
        fix: "Make sure nothing loads this prompt any more, or restore it.")
    }
  }
}

/// Documentation of one rule.
public struct RuleInfo: Sendable {
  public let defaultSeverity: Severity
  public let summary: String
  public let rationale: String
  public let fix: String
}
