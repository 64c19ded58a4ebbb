import PromptChanges
import PromptModel

/// `duplicate-id`: two prompts in the head snapshot share an id, ids that differ only by case
/// being one id (`PromptIDCase`): on a case-insensitive checkout their folders or files are one.
struct DuplicateIDRule: Rule {
  static let id = RuleID.duplicateID

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    var byID: [String: [PromptChange]] = [:]
    for change in changeSet.changes where change.status != .deleted {
      guard let card = change.new?.card else { continue }
      byID[PromptIDCase.folded(card.id), default: []].append(change)
    }
    var findings: [Finding] = []
    for (key, changes) in byID {
      let others = changeSet.otherLocationsByID[key] ?? []
      let all = (changes.map(\.location.path) + others.map(\.path)).sorted()
      guard all.count > 1 else { continue }
      for change in changes {
        let id = change.new?.card?.id ?? change.id
        let elsewhere = all.filter { $0 != change.location.path }
        let inOtherCase = changes.contains { $0.new?.card?.id != id } || others.contains { $0.expectedID != id }
        findings.append(
          Finding(
            rule: Self.id, prompt: id, file: change.location.cardPath, line: change.new?.card?.lines.id ?? 1,
            message: "id '\(id)' is also used by \(elsewhere.joined(separator: ", "))"
              + (inOtherCase
                ? " (ids that differ only by case are one id: their files collide on macOS and Windows checkouts)" : "")
              + "; give each prompt its own id"))
      }
    }
    return findings
  }
}
