import PromptChanges
import PromptModel

/// `changelog-missing`: a new prompt, or a new version, without a changelog entry for it.
struct ChangelogMissingRule: Rule {
  static let id = RuleID.changelogMissing

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    changeSet.changes.compactMap { change in
      guard let new = change.new, let card = new.card else { return nil }
      switch change.status {
      case .deleted: return nil
      case .added, .unchanged: break
      case .modified, .renamed:
        guard change.versionChanged else { return nil }
      }
      let version = card.version.normalized
      let markdown = new.location.changelogPath.map { "a `## [\(version)]` section in \($0)" }
      let message: String
      switch entry(for: card.version, in: new, previous: change.old) {
      case .found:
        return nil
      case .missing:
        let forms =
          "add a `changelog` entry with `version: \(version)`"
          + (card.changelog.map {
            if case .lines = $0 { return ", a new line to the `changelog: |` block" } else { return "" }
          } ?? "") + (markdown.map { ", or \($0)" } ?? "")
        message = "no changelog entry for version \(card.version): \(forms)"
      case .blockAfterEntries:
        message =
          "no changelog entry for version \(card.version): the `changelog` was a list of entries, and a "
          + "`changelog: |` block cannot show which of its lines is new; keep the entries form and add one with "
          + "`version: \(version)`" + (markdown.map { " (or \($0))" } ?? "")
      case .blockAfterMarkdown(let path):
        message =
          "no changelog entry for version \(card.version): the versions were the sections of \(path), and a "
          + "`changelog: |` block cannot show which of its lines is new; add a `## [\(version)]` section to "
          + "\(path), or a `changelog` entry with `version: \(version)`"
      }
      return Finding(
        rule: Self.id, prompt: change.id, file: new.location.cardPath, line: card.lines.changelog ?? card.lines.version,
        message: message)
    }
  }

  private enum Verdict {
    case found
    case missing
    /// The card switched to the block form from a form that names versions, so none of the
    /// block's lines can be told to be the new version's: its text may be an old entry's.
    case blockAfterEntries
    case blockAfterMarkdown(path: String)
  }

  private func entry(for version: PromptVersion, in prompt: Prompt, previous: Prompt?) -> Verdict {
    if let markdown = prompt.changelogMarkdown,
      Changelog.markdownVersions(markdown).contains(where: version.isNamed(by:))
    {
      return .found
    }
    switch prompt.card?.changelog {
    case .entries(let entries)?:
      return entries.contains { version.isNamed(by: $0.version) } ? .found : .missing
    case .lines(let lines)?:
      // The block form has no versions: a new version must add at least one line to the block
      // it had. A block that replaces entries, or a CHANGELOG.md with versions, shows no new line.
      switch previous?.card?.changelog {
      case .lines(let oldLines)?:
        return Set(lines).subtracting(oldLines).isEmpty ? .missing : .found
      case .entries?:
        return .blockAfterEntries
      case nil:
        if let path = previous?.location.changelogPath, let markdown = previous?.changelogMarkdown,
          !Changelog.markdownVersions(markdown).isEmpty
        {
          return .blockAfterMarkdown(path: path)
        }
        return lines.isEmpty ? .missing : .found
      }
    case nil:
      return .missing
    }
  }
}
