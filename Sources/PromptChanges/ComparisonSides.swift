import GitKit
import PromptModel

/// The two snapshots a comparison reads, and the configuration it is judged by: the base's,
/// never the change's own (docs/trust-model.md).
public struct ComparisonSides: Sendable {
  public let base: Snapshot
  public let head: Snapshot
  /// Resolved from the base (see `GateContext`); for a whole-tree audit, from the head.
  public let context: GateContext

  public init(base: Snapshot, head: Snapshot, context: GateContext) {
    self.base = base
    self.head = head
    self.context = context
  }

  /// Resolves `comparison`'s revisions in `repository` and loads the configuration that judges it.
  public init(_ comparison: Comparison, in repository: Repository) throws {
    func judged(_ base: Snapshot, _ head: Snapshot) throws -> ComparisonSides {
      ComparisonSides(base: base, head: head, context: try GateContext.load(from: base, in: repository))
    }
    switch comparison {
    case .staged:
      let base: Snapshot = try repository.headCommit().map { .commit($0) } ?? .empty
      self = try judged(base, .index)
    case .stagedAmend:
      guard let head = try repository.headCommit() else {
        throw PromptOpsError.usage("--amend needs a commit to amend, and this branch has none yet")
      }
      let base: Snapshot = try repository.firstParent(of: head).map { .commit($0) } ?? .empty
      self = try judged(base, .index)
    case .commits(let baseRevision, let headRevision):
      try Self.requireFullHistory(of: repository)
      let base = try repository.resolveCommit(baseRevision)
      let head = try repository.resolveCommit(headRevision ?? "HEAD")
      self = try judged(.commit(base), .commit(head))
    case .pullRequest(let baseRevision, let headRevision):
      try Self.requireFullHistory(of: repository)
      let target = try repository.resolveCommit(baseRevision)
      let head = try repository.resolveCommit(headRevision ?? "HEAD")
      guard let mergeBase = try repository.mergeBase(target, head) else {
        throw PromptOpsError.repository(
          "'\(baseRevision)' and '\(headRevision ?? "HEAD")' share no history; cannot find what the change is")
      }
      // The change is what the head did since the merge base; it is judged by the target as it
      // stands, which the change will merge under. Its keys, policy and rules are the newest
      // trusted ones: a branch forked before a rule was tightened or a key withdrawn does not keep
      // the old ones. Its layout must be the merge base's too, or the two sides would be read
      // with another layout than they were written for: a configuration that changed since the
      // fork stops the run.
      if mergeBase != target {
        let atFork = try repository.blobID(at: Configuration.fileName, in: .commit(mergeBase))
        let atTarget = try repository.blobID(at: Configuration.fileName, in: .commit(target))
        if atFork != atTarget {
          throw PromptOpsError.repository(
            "\(Configuration.fileName) changed on '\(baseRevision)' (\(target.hex.prefix(12))) since this change forked from "
              + "it (\(mergeBase.hex.prefix(12))), so the change cannot be judged by the configuration it would merge "
              + "under; merge or rebase '\(baseRevision)' into it and run again")
        }
      }
      let context = try GateContext.load(from: .commit(target), in: repository)
      if mergeBase != target {
        try Self.requireNoPromptChangedOnBothSides(
          mergeBase: mergeBase, target: target, head: head, targetName: baseRevision, layout: context.layout,
          in: repository)
      }
      self = ComparisonSides(base: .commit(mergeBase), head: .commit(head), context: context)
    case .wholeTree(let revision, let staged):
      let head: Snapshot
      if staged {
        head = .index
      } else if let revision {
        head = .commit(try repository.resolveCommit(revision))
      } else if let commit = try repository.headCommit() {
        head = .commit(commit)
      } else {
        head = .index
      }
      // An audit of one tree has no base: the tree is read by its own configuration.
      self = ComparisonSides(base: .empty, head: head, context: try GateContext.load(from: head, in: repository))
    }
  }

  /// A prompt the target changed since the fork, and the change changed too, would merge onto a
  /// version the change was never compared with: two branches that each bump 1.0.0 to 1.0.1 with
  /// other texts both pass against the fork point and merge cleanly into a third text under
  /// 1.0.1. Such a change must take the target in first.
  private static func requireNoPromptChangedOnBothSides(
    mergeBase: ObjectID, target: ObjectID, head: ObjectID, targetName: String, layout: PromptLayout,
    in repository: Repository
  ) throws {
    func prompts(changedIn commit: ObjectID) throws -> Set<PromptLocation> {
      var found = Set<PromptLocation>()
      for change in try repository.changedFiles(from: .commit(mergeBase), to: .commit(commit), under: layout.roots) {
        for path in [change.oldPath, change.newPath].compactMap({ $0 }) {
          if let location = layout.location(containing: path) { found.insert(location) }
        }
      }
      return found
    }
    let onTarget = try prompts(changedIn: target)
    guard !onTarget.isEmpty else { return }
    let both = try prompts(changedIn: head).intersection(onTarget)
    guard !both.isEmpty else { return }
    let names = both.map(\.expectedID).sorted().joined(separator: ", ")
    throw PromptOpsError.repository(
      "'\(targetName)' changed \(names) since this change forked from it (\(mergeBase.hex.prefix(12))), and so does "
        + "the change: it would merge onto versions it was not compared with; merge or rebase '\(targetName)' into it "
        + "and run again")
  }

  /// A shallow clone stops at a graft libgit2 cannot walk past: a merge base or an old base
  /// commit would silently come out wrong, so ranges refuse to run there.
  private static func requireFullHistory(of repository: Repository) throws {
    if repository.isShallow {
      throw GitError(
        kind: .missingHistory, function: "git_repository_is_shallow",
        message: "this is a shallow clone, so the base of the change cannot be found reliably. "
          + "Fetch the full history (actions/checkout: fetch-depth: 0; GitLab: GIT_DEPTH: 0; "
          + "or git fetch --unshallow)")
    }
  }
}

extension Snapshot {
  /// How a snapshot appears in reports: a commit id, "index", or nil for the empty tree.
  public var reportName: String? {
    switch self {
    case .empty: return nil
    case .commit(let id): return id.hex
    case .index: return "index"
    }
  }
}
