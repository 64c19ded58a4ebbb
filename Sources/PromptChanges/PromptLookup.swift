import GitKit
import PromptModel

/// Finds one prompt by id in a snapshot, the way the gate, `diff`, `approve` and the approval
/// audit all need it.
public struct PromptLookup {
  public let repository: Repository

  public init(repository: Repository) {
    self.repository = repository
  }

  /// The prompt with this id in a snapshot: its reference-layout places first (a few blob
  /// lookups), then, for prompts kept elsewhere under the roots, every prompt in the snapshot.
  public func prompt(withID id: String, in snapshot: Snapshot, configuration: Configuration) throws -> Prompt? {
    let layout = PromptLayout(configuration)
    let reader = PromptReader(repository: SnapshotReader(repository: repository, snapshot: snapshot), layout: layout)
    for location in layout.canonicalLocations(for: id) {
      if let prompt = try reader.read(location), prompt.id == id { return prompt }
    }
    let all = try ChangeSetBuilder(repository: repository, configuration: configuration).wholeTree(snapshot)
    return all.changes.compactMap(\.new).first { $0.id == id }
  }
}
