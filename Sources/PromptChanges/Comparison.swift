/// What a run compares.
public enum Comparison: Sendable, Equatable {
  /// The index against HEAD: what `git commit` is about to record (the pre-commit path).
  case staged
  /// The index against HEAD's parent: what `git commit --amend` is about to record in place of
  /// HEAD, so a bump made in the amended commit still counts.
  case stagedAmend
  /// One commit's tree against another's, directly (`git diff A B`).
  case commits(base: String, head: String?)
  /// A pull request: the head against its merge base with `base` (`git diff A...B`).
  case pullRequest(base: String, head: String?)
  /// Every prompt as it stands at a revision (or in the index), compared with nothing.
  case wholeTree(revision: String?, staged: Bool)
}
