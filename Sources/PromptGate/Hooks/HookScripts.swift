/// The git hook scripts: the source of `hooks/pre-commit` and `hooks/pre-push` (a test keeps
/// those files identical to these) and of what `promptops hooks install` writes.
public enum HookScripts {
  /// Marks a hook as promptops's own, so reinstalling may replace it and a foreign hook is never
  /// overwritten by accident.
  public static let marker = "# promptops-hook v1"
  /// Where an installed hook keeps the hook it replaced, when asked to chain it.
  public static let chainedSuffix = ".promptops-chained"

  public enum Kind: String, CaseIterable, Sendable {
    case preCommit = "pre-commit"
    case prePush = "pre-push"
  }

  /// The script for a hook. `defaultBinary` is the promptops found when nothing else is: the
  /// installing binary's own path, or empty in the repository's `hooks/` copies.
  public static func script(_ kind: Kind, defaultBinary: String = "") -> String {
    let quoted = "'" + defaultBinary.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return header(kind) + common(kind, defaultBinary: quoted) + (kind == .preCommit ? preCommitBody : prePushBody)
  }

  private static func header(_ kind: Kind) -> String {
    switch kind {
    case .preCommit:
      return """
        #!/bin/sh
        \(marker)
        # pre-commit: checks the staged prompt changes (the index git is about to commit, including
        # the temporary one of `git commit -a` and `git commit <paths>`) against HEAD, or against
        # HEAD's parent when git amends (promptops reads git's command line as git parses it).
        # Install: promptops hooks install

        """
    case .prePush:
      return """
        #!/bin/sh
        \(marker)
        # pre-push: checks the prompt changes of every pushed ref against what the remote has
        # (git passes "<local ref> <local sha> <remote ref> <remote sha>" lines on stdin).
        # Install: promptops hooks install --pre-push

        """
    }
  }

  private static func common(_ kind: Kind, defaultBinary: String) -> String {
    """
    set -u
    hook=\(kind.rawValue)

    # A hook this one replaced (`promptops hooks install --chain`) runs first, with the same input.
    chained="$0\(chainedSuffix)"
    input=""
    \(kind == .prePush ? "input=$(cat)  # the pushed refs, read whatever name this script runs under" : ":")
    if [ -x "$chained" ]; then
      printf '%s\\n' "$input" | "$chained" "$@" || exit $?
    fi

    # An explicit, visible bypass; CI never honours it (git commit --no-verify skips hooks anyway).
    if [ "${PROMPTOPS_SKIP:-}" = "1" ]; then
      if [ -n "${CI:-}" ]; then
        echo "promptops: PROMPTOPS_SKIP is ignored in CI" >&2
      else
        echo "promptops: warning: PROMPTOPS_SKIP=1 set, prompt checks skipped ($hook)" >&2
        exit 0
      fi
    fi

    bin="${PROMPTOPS_BIN:-}"
    [ -n "$bin" ] || bin=$(command -v promptops 2>/dev/null || true)
    [ -n "$bin" ] || bin=\(defaultBinary)
    if [ -z "$bin" ] || [ ! -x "$bin" ]; then
      echo "promptops: error: the promptops binary was not found (set PROMPTOPS_BIN or put it on PATH)" >&2
      exit 2
    fi

    """
  }

  private static let preCommitBody = """
    # Findings go to stderr, where git shows hook output; the exit status decides the commit.
    # exec keeps git the parent of promptops, which reads git's command line for --amend (a word
    # search cannot tell `--amend` from `-m --amend`); where it cannot be read, HEAD is the base.
    exec "$bin" check --staged --quiet >&2

    """

  private static let prePushBody = """
    remote="${1:-origin}"
    zero=0000000000000000000000000000000000000000
    status=0
    while read -r local_ref local_sha remote_ref remote_sha; do
      [ -n "${local_sha:-}" ] || continue
      [ "$local_sha" = "$zero" ] && continue  # a deleted ref pushes no prompts
      result=0
      if [ "$remote_sha" != "$zero" ]; then
        "$bin" check --base "$remote_sha" --head "$local_sha" >&2 || result=$?
      else
        # A new branch: its commits are those the remote has not seen; the change is measured
        # from the parent of the oldest of them (as the pre-commit framework does).
        first=$(git rev-list --topo-order --reverse "$local_sha" --not --remotes="$remote" | head -n 1)
        if [ -n "$first" ] && base=$(git rev-parse -q --verify "$first^" 2>/dev/null); then
          "$bin" check --base "$base" --head "$local_sha" >&2 || result=$?
        else
          # Nothing of it is on the remote yet: every prompt it carries, as it stands.
          "$bin" check --all --head "$local_sha" >&2 || result=$?
        fi
      fi
      # Keep the most serious outcome: 2 (could not evaluate) over 1 (violations).
      [ "$result" -gt "$status" ] && status=$result
    done <<EOF_PROMPTOPS
    $input
    EOF_PROMPTOPS
    exit $status

    """
}
