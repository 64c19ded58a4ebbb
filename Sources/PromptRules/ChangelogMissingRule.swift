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
      if hasEntry(for: card.version, in: new, previous: change.old?.card) { return nil }
      let forms =
        "add a `changelog` entry with `version: \(card.version.normalized)`"
        + (card.changelog.map {
          if case .lines = $0 { return ", a new line to the `changelog: |` block" } else { return "" }
        } ?? "")
        + (new.location.changelogPath.map { ", or a `## [\(card.version.normalized)]` section in \($0)" } ?? "")
      return Finding(
        rule: Self.id, prompt: change.id, file: new.location.cardPath, line: card.lines.changelog ?? card.lines.version,
        message: "no changelog entry for version \(card.version): \(forms)")
    }
  }

  private func hasEntry(for version: PromptVersion, in prompt: Prompt, previous: PromptCard?) -> Bool {
    if let markdown = prompt.changelogMarkdown,
      Changelog.markdownVersions(markdown).contains(where: version.isNamed(by:))
    {
      return true
    }
    switch prompt.card?.changelog {
    case .entries(let entries)?:
      return entries.contains { version.isNamed(by: $0.version) }
    case .lines(let lines)?:
      // The block form has no versions: a new version must add at least one line.
      guard case .lines(let oldLines)? = previous?.changelog else { return !lines.isEmpty }
      return !Set(lines).subtracting(oldLines).isEmpty
    case nil:
      return false
    }
  }
}
