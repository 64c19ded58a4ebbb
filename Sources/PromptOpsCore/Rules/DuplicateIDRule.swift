/// `duplicate-id`: two prompts in the head snapshot share an id.
struct DuplicateIDRule: Rule {
  static let id = RuleID.duplicateID

  func check(_ changeSet: ChangeSet, _ context: RuleContext) -> [Finding] {
    var byID: [String: [PromptChange]] = [:]
    for change in changeSet.changes where change.status != .deleted {
      guard let card = change.new?.card else { continue }
      byID[card.id, default: []].append(change)
    }
    var findings: [Finding] = []
    for (id, changes) in byID {
      let others = (changeSet.otherLocationsByID[id] ?? []).map(\.path)
      let all = (changes.map(\.location.path) + others).sorted()
      guard all.count > 1 else { continue }
      for change in changes {
        let elsewhere = all.filter { $0 != change.location.path }
        findings.append(
          Finding(
            rule: Self.id, prompt: id, file: change.location.cardPath, line: change.new?.card?.lines.id ?? 1,
            message: "id '\(id)' is also used by \(elsewhere.joined(separator: ", ")); give each prompt its own id"))
      }
    }
    return findings
  }
}
