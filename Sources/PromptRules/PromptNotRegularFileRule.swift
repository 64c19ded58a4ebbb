import PromptChanges
import PromptModel

/// `prompt-not-regular-file`: a prompt's text, card, single file or folder is a symbolic link or
/// a submodule.
///
/// promptops versions and hashes a prompt's files as git stores them, and reads only this
/// repository's objects. A link's blob is its target's name: the target can be edited (in a
/// folder outside the prompt roots, say) with no change under the roots, no bump and no
/// review, while every checkout loads the new text. A submodule's files live in another
/// repository. Either way the gate would judge something other than what runs.
///
/// A linked card is reported here rather than as `card-invalid`: the card is not malformed, it
/// is unreachable, and the fix is the same as for a linked text (a regular file); the card is
/// then not parsed, so the one finding says what is wrong. Links and submodules in a root that
/// are at no prompt's place (a link to a README) are left alone: see `NonRegularEntry`.
///
/// A change-based run reports an entry the change adds or alters, and a link already in the base
/// whose destination the change alters (an edit of its target, outside the roots or not:
/// `ChangedLinkTargets`). A link the change leaves alone, leading to content it leaves alone, is
/// not reported again there (it would block every unrelated commit); `check --all` reports it.
struct PromptNotRegularFileRule: Rule {
  static let id = RuleID.promptNotRegularFile

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    var findings: [Finding] = []
    for change in changeSet.changes where change.status != .deleted {
      for entry in change.new?.nonRegularFiles ?? [] { findings.append(finding(entry, prompt: change.id)) }
    }
    for entry in changeSet.nonRegularFolders + changeSet.linksWithChangedDestinations {
      findings.append(finding(entry, prompt: entry.promptID))
    }
    return findings
  }

  private func finding(_ entry: NonRegularEntry, prompt: String) -> Finding {
    let what: String
    switch entry.kind {
    case .symlink: what = "a symbolic link (to '\(entry.target)')"
    case .submodule: what = "a submodule (commit \(entry.target.prefix(12)))"
    }
    let place: String
    let replacement: String
    switch entry.place {
    case .text:
      (place, replacement) = ("the prompt text of '\(prompt)'", "a regular file holding the prompt text")
    case .card:
      (place, replacement) = ("the card of '\(prompt)'", "a regular file holding the card")
    case .singleFile:
      (place, replacement) = ("the prompt file of '\(prompt)'", "a regular file holding the card and the prompt")
    case .folder:
      (place, replacement) = (
        "a place where prompt folders belong",
        "a regular folder holding the prompt files (or move it out of the prompt roots)"
      )
    }
    let reason: String
    switch (entry.kind, entry.changedDestination) {
    case (.symlink, let destination?):
      reason =
        "this change alters what it leads to (\(destination)), and promptops versions and hashes prompt files as git stores "
        + "them and cannot follow links, so the edit would pass unchecked"
    case (.symlink, nil):
      reason =
        "promptops versions and hashes prompt files as git stores them and cannot follow links, so an edit of the target would pass unchecked"
    case (.submodule, _):
      reason =
        "promptops versions and hashes prompt files as git stores them and cannot look into other repositories, so their edits would pass unchecked"
    }
    return Finding(
      rule: Self.id, prompt: prompt, file: entry.path, line: 1,
      message: "\(entry.path) is \(what) at \(place): \(reason); replace it with \(replacement)")
  }
}
