import GitKit
import PromptModel

/// The versions of one prompt over the history reachable from a commit: for each version, the
/// commit that introduced it and its content there.
///
/// A version is released at the commit that first carries it: that is where its release tag
/// points, whatever unrelated commits came after.
public struct PromptTimeline {
  public struct Version: Sendable {
    public let version: String
    /// The commit where the card first carried this version.
    public let commit: ObjectID
    public let prompt: Prompt
    /// Content hash at the introducing commit.
    public var sha256: String { prompt.sha256 ?? "" }
    /// Later commits that changed the prompt's files without changing the version.
    public var laterCommits: [ObjectID] = []
    /// The hash at the newest commit still carrying this version (differs from `sha256` when the
    /// text was edited without a bump).
    public var latestSha256: String
  }

  public let id: String
  /// Oldest first.
  public let versions: [Version]
  /// Every commit that changed the prompt's files, oldest first.
  public let commits: [ObjectID]
  /// The files walked: the prompt's text and card in every place the layout may put it.
  public let paths: [String]

  public func version(_ text: String) -> Version? {
    let wanted = PromptVersion(text)
    return versions.first { $0.version == text || (wanted != nil && PromptVersion($0.version) == wanted) }
  }

  /// The commits that made `version`'s content: every one after the previous version was
  /// introduced, up to the last that still carries `version`. An edit committed before the bump
  /// is part of what the bump releases, so its author is one of the version's.
  public func commitsMaking(_ version: Version) -> [ObjectID] {
    guard let introduced = commits.firstIndex(of: version.commit) else {
      return [version.commit] + version.laterCommits
    }
    let last = version.laterCommits.compactMap { commits.firstIndex(of: $0) }.max() ?? introduced
    let previous = versions.compactMap { commits.firstIndex(of: $0.commit) }.filter { $0 < introduced }.max()
    return Array(commits[(previous.map { $0 + 1 } ?? 0)...max(last, introduced)])
  }

  /// Walks the history reachable from `start` for the commits that changed the prompt's files.
  public init(id: String, repository: Repository, layout: PromptLayout, from start: ObjectID) throws {
    self.id = id
    var locations = layout.canonicalLocations(for: id)
    if let found = try PromptFinder.find(id, in: .commit(start), repository: repository, layout: layout),
      !locations.contains(found.location)
    {
      locations.append(found.location)
    }
    var paths = Set<String>()
    for location in locations {
      paths.insert(location.textPath)
      paths.insert(location.cardPath)
    }
    self.paths = paths.sorted()
    var result: [Version] = []
    var holding: [ObjectID] = []
    for commit in try repository.commitsChanging(self.paths, from: start).reversed() {
      // Kept whether or not the prompt can be read there: an edit under a broken card is still
      // part of the version that follows it.
      holding.append(commit)
      guard
        let prompt = try PromptFinder.find(
          id, at: locations, in: .commit(commit), repository: repository, layout: layout),
        let version = prompt.card?.version.text, let sha = prompt.sha256
      else { continue }
      if let index = result.firstIndex(where: { $0.version == version }) {
        result[index].laterCommits.append(commit)
        result[index].latestSha256 = sha
      } else {
        result.append(Version(version: version, commit: commit, prompt: prompt, latestSha256: sha))
      }
    }
    versions = result
    commits = holding
  }
}

/// Finds a prompt by id in a snapshot, in the places the layout puts prompts of that id.
public enum PromptFinder {
  /// Looks at the reference places first (`<root>/<id>/`, `<root>/<id>.prompt.md`, …), and only
  /// then walks the prompt roots for a deeper folder or file named after the id.
  public static func find(_ id: String, in snapshot: Snapshot, repository: Repository, layout: PromptLayout) throws
    -> Prompt?
  {
    if let prompt = try find(
      id, at: layout.canonicalLocations(for: id), in: snapshot, repository: repository, layout: layout)
    {
      return prompt
    }
    var candidates: [PromptLocation] = []
    for file in try repository.files(under: layout.roots, in: snapshot) {
      if let location = layout.location(containing: file.path), location.expectedID == id,
        !candidates.contains(location)
      {
        candidates.append(location)
      }
    }
    return try find(id, at: candidates, in: snapshot, repository: repository, layout: layout)
  }

  /// The first of `locations` that holds the prompt `id` in `snapshot`.
  static func find(
    _ id: String, at locations: [PromptLocation], in snapshot: Snapshot, repository: Repository, layout: PromptLayout
  ) throws -> Prompt? {
    let reader = PromptReader(repository: SnapshotReader(repository: repository, snapshot: snapshot), layout: layout)
    for location in locations {
      if let prompt = try reader.read(location), prompt.card?.id ?? location.expectedID == id { return prompt }
    }
    return nil
  }

  /// The prompt whose text lives at `textPath` in `snapshot`.
  public static func find(textPath: String, in snapshot: Snapshot, repository: Repository, layout: PromptLayout) throws
    -> Prompt?
  {
    guard let location = layout.location(containing: textPath) else { return nil }
    return try PromptReader(repository: SnapshotReader(repository: repository, snapshot: snapshot), layout: layout)
      .read(location)
  }
}
