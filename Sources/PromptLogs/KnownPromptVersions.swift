import GitKit
import PromptModel

/// Every prompt text the repository's history has held, by content hash: what a production log's
/// `version_hash` must match to be a version promptops knows.
public struct KnownPromptVersions: Sendable {
  public struct Entry: Sendable, Equatable {
    public let promptID: String
    public let version: String?
  }

  public private(set) var byHash: [String: [Entry]] = [:]

  /// Walks the history reachable from HEAD, reading each prompt text where a commit changed it.
  public init(repository: Repository) throws {
    let layout = try GateContext.load(from: try repository.headCommit().map { .commit($0) } ?? .empty, in: repository)
      .layout
    for commit in try repository.commitsReachableFromHead() {
      let parent: Snapshot = try repository.firstParent(of: commit).map { .commit($0) } ?? .empty
      var locations = Set<PromptLocation>()
      for change in try repository.changedFiles(from: parent, to: .commit(commit), under: layout.roots) {
        if let path = change.newPath, let location = layout.location(containing: path) { locations.insert(location) }
      }
      let reader = PromptReader(
        repository: SnapshotReader(repository: repository, snapshot: .commit(commit)), layout: layout)
      for location in locations {
        guard let prompt = try reader.read(location), let hash = prompt.sha256 else { continue }
        let entry = Entry(promptID: prompt.id, version: prompt.card?.version.text)
        if !(byHash[hash]?.contains(entry) ?? false) { byHash[hash, default: []].append(entry) }
      }
    }
  }
}
