/// The stable identifier of every rule. Users configure severities and CI systems track findings
/// by these strings, so they never change once released.
public enum RuleID: String, CaseIterable, Codable, Sendable {
  case versionNotBumped = "version-not-bumped"
  case versionNotIncreased = "version-not-increased"
  case bumpTooSmall = "bump-too-small"
  case changelogMissing = "changelog-missing"
  case cardInvalid = "card-invalid"
  case promptNotRegularFile = "prompt-not-regular-file"
  case duplicateID = "duplicate-id"
  case constraintRemoved = "constraint-removed"
  case versionChangedWithoutContent = "version-changed-without-content"
  case promptDeleted = "prompt-deleted"
  case attributesChanged = "attributes-changed"
  case evalFailed = "eval-failed"
  case evalMissing = "eval-missing"
  case evalError = "eval-error"
  case evalWeakened = "eval-weakened"
  case evalSuiteWarning = "eval-suite-warning"
  case approvalMissing = "approval-missing"
  case approvalStale = "approval-stale"
  case approvalSignature = "approval-signature"
  case approvalUnauthorized = "approval-unauthorized"
  case approvalSelf = "approval-self"
  case approvalInsufficient = "approval-insufficient"
  case approvalRejected = "approval-rejected"
  case pinMismatch = "pin-mismatch"
  case tagMismatch = "tag-mismatch"
  case configurationChanged = "configuration-changed"

  /// What the rule checks, why, and how to fix what it finds: the one source for help texts,
  /// the rules table in docs/rules.md and the descriptions other report formats carry.
  public var info: RuleInfo {
    switch self {
    case .versionNotBumped:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Prompt content changed but its version did not, or the base gives no version to bump",
        rationale: "A version names exactly one prompt text; two texts under one version make "
          + "rollback, pinning and approvals ambiguous. A base card with no readable version leaves "
          + "nothing to hold a text change to.",
        fix: "Raise `version` in the card to at least the required bump and add a changelog entry; where "
          + "the base's card is missing or unreadable, commit its repair alone first, text unchanged.")
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
          + "bullet line in a `changelog: |` block the card already had, or a `## [x.y.z]` heading in "
          + "CHANGELOG.md. A block that replaces entries or CHANGELOG.md sections shows no new version.")
    case .cardInvalid:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Prompt card is missing or invalid",
        rationale: "Every other rule reads the card; a card that cannot be read cannot be gated.",
        fix: "Fix the card at the line named: valid YAML, required fields `id`, `description`, "
          + "`version` (SemVer), and an `id` equal to the prompt's folder or file name.")
    case .promptNotRegularFile:
      return RuleInfo(
        defaultSeverity: .error,
        summary:
          "A prompt's text, card or folder is a symbolic link or a submodule (reported when the change adds or alters it, "
          + "or alters what an existing link leads to, such as its target outside the roots)",
        rationale:
          "promptops versions and hashes prompt files as git stores them; it cannot follow a link or look into "
          + "another repository, so the content behind one would change with no bump, eval or review.",
        fix:
          "Replace the link or submodule with a regular file or folder holding the prompt (or move a folder that holds "
          + "no prompts out of the prompt roots).")
    case .duplicateID:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Two prompts share an id, or ids that differ only by case",
        rationale:
          "Prompts are tracked, pinned and approved by id; ids that differ only by case name one folder or file "
          + "on a macOS or Windows checkout.",
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
    case .attributesChanged:
      return RuleInfo(
        defaultSeverity: .warning,
        summary: "A .gitattributes change alters how prompt files are checked out or stored",
        rationale:
          "`eol`, `text`, `crlf`, `ident`, `filter` and `working-tree-encoding` decide the bytes a checkout writes "
          + "and `git add` stores, so the prompt an application loads can change with no change to its blob, version or hash.",
        fix:
          "Exclude prompt files from the pattern, or make the change on its own and renormalize (`git add --renormalize`), "
          + "bumping every prompt whose stored text changes.")
    case .evalFailed:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Evals of a changed prompt are below the suite's thresholds",
        rationale: "A prompt change is a behaviour change; the suite is the evidence that the new "
          + "text still does its job.",
        fix: "Fix the prompt (or the failing tests named in the message) until the pass rate and "
          + "score reach the suite's `thresholds`; run `promptops eval ID` to iterate.")
    case .evalMissing:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "A changed prompt has no eval suite",
        rationale: "The configuration requires evidence for every changed prompt; without a suite "
          + "there is none.",
        fix: "Add an `evalsuite.yml` beside the prompt, or select it from a suite in "
          + "`.promptops.yml` (`evals.suites`).")
    case .evalError:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Evals could not run",
        rationale: "An unreachable provider, a timeout or a broken suite proves nothing; the gate "
          + "fails closed rather than pass untested content.",
        fix: "Fix the suite or provider named in the message (URL, key, command, timeout) and run "
          + "the gate again; cached results are reused.")
    case .evalWeakened:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "The change weakens an eval suite",
        rationale: "Lowering a threshold or a weight, deleting a test or assertion, swapping a grader or "
          + "editing a provider's script in the same change as the prompt lets a regression pass; the bar "
          + "is the base commit's.",
        fix: "Restore what the message names, or land the suite change on its own with a "
          + "reviewer's approval before the prompt change.")
    case .evalSuiteWarning:
      return RuleInfo(
        defaultSeverity: .warning,
        summary: "An eval suite holds a key promptops does not act on, or evaluates more than the changed prompt",
        rationale: "A key that has no effect (a promptfoo option promptops does not read, a typo) "
          + "would let a suite look stricter than it is; a suite that names other prompts counts them "
          + "in the changed prompt's pass rate.",
        fix: "Remove or correct the key (the message lists the keys that are read), or name only the "
          + "changed prompt in `prompts`.")
    case .approvalMissing:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "A changed prompt has no approval for its new content",
        rationale: "Prompts that reach users need a human's signed approval of exactly the content "
          + "being merged.",
        fix: "Ask an allowed reviewer to run `promptops approve ID --env ENV --role ROLE` on this "
          + "content and commit the record.")
    case .approvalStale:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "The approval is for other content than what is merged",
        rationale: "The prompt changed after it was approved, or the record was copied from another "
          + "prompt or version; an approval covers exactly the content it names.",
        fix: "Have the reviewer approve the current content again (`promptops approve`).")
    case .approvalSignature:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "An approval's signature is missing or does not verify",
        rationale: "Anyone can commit a file; only a signature by a trusted key shows who approved.",
        fix: "Sign with a key listed in the allowed signers file for the promptops namespace, "
          + "within its validity window (`promptops approve` signs with `ssh-keygen -Y sign`).")
    case .approvalUnauthorized:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "The reviewer may not approve this prompt, or no approval holds a required role",
        rationale: "The policy names who may approve, in which roles, and which roles a prompt needs.",
        fix: "Ask a reviewer with the required role, or change the policy in the base branch.")
    case .approvalSelf:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "The reviewer approved their own change",
        rationale: "A review means a second person looked at the change.",
        fix:
          "Ask someone who did not author, commit or co-author a change to this prompt in the range, under any email "
          + "their key is listed for, to approve.")
    case .approvalInsufficient:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "Fewer distinct approvers than the policy requires",
        rationale: "High-risk prompts need more than one pair of eyes (`min_approvals`).",
        fix: "Collect approvals of this content from more distinct reviewers, each signing with their own key.")
    case .approvalRejected:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "A reviewer rejected this content or requested changes",
        rationale: "A valid rejection stands until the content changes or the reviewer approves.",
        fix: "Address the reviewer's notes, change the prompt, and ask for a new review.")
    case .pinMismatch:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "A pinned prompt's content does not match its recorded hash, or no promotion made the pin",
        rationale: "A pin promises that this exact text runs, promoted as the environment requires; a "
          + "mismatch, or a pin without its release tag, audit event or previous environment, means "
          + "tampering or a broken promotion.",
        fix: "Find out how the pin or content changed; promote the intended version again or roll back.")
    case .tagMismatch:
      return RuleInfo(
        defaultSeverity: .error,
        summary: "A release tag's recorded hash does not match the tagged content",
        rationale: "Release tags are the audit trail of what shipped.",
        fix: "Investigate the tag (`git show TAG`); delete and re-create it with `promptops promote`.")
    case .configurationChanged:
      return RuleInfo(
        defaultSeverity: .info,
        summary: "The change edits `.promptops.yml`, which judges only the changes after it",
        rationale: "A change never chooses how it is judged: its rules, layout, policy and keys "
          + "come from its base, so a pull request cannot loosen the gate it must pass.",
        fix: "Nothing to fix. To have prompt changes judged by the new configuration, land the "
          + "configuration change first, on its own.")
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
