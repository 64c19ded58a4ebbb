#!/usr/bin/env bash
# The whole prompt lifecycle on the bundled example, in a throwaway repository made from examples/:
# init and hooks, an unbumped edit refused by the pre-commit hook, the fix, the merge gate running
# the evals, a signed approval, promotion dev -> staging -> prod, verify, a bad release rolled
# back, and the history. No network and no API key: the model and the grader of the evals are the
# deterministic stand-ins in examples/evals/. Exits non-zero as soon as a step's outcome is not
# the expected one (a refusal that does not refuse included).
#
#   bash examples/demo.sh .build/debug/promptops
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 PATH-TO-PROMPTOPS" >&2
  exit 64
fi
[ -x "$1" ] || { echo "demo: $1 is not an executable (run swift build first)" >&2; exit 2; }
for tool in git ssh-keygen; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "demo: $tool is needed and not on PATH (ssh-keygen: the openssh-client package)" >&2
    exit 2
  fi
done

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/promptops-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
repo=$work/repo
keys=$work/keys
mkdir -p "$repo" "$keys" "$work/home"

if [ -t 1 ]; then bold=$(printf "\033[1m"); plain=$(printf "\033[0m"); else bold=""; plain=""; fi
number=0
step() { number=$((number + 1)); printf "\n%s==> %d. %s%s\n" "$bold" "$number" "$*" "$plain"; }
# Echoes a command, quoting the words that need it.
show() {
  local line="\$" word
  for word in "$@"; do
    case $word in
      *[!A-Za-z0-9@%+=:,./_~-]* | "") line="$line '$word'" ;;
      *) line="$line $word" ;;
    esac
  done
  printf '%s\n' "$line"
}
fail() { printf "\ndemo: FAILED at step %d: %s\n" "$number" "$*" >&2; exit 1; }
# Runs promptops, echoing the command, and fails the demo if it does not exit 0.
po() {
  show promptops "$@"
  "$bin" "$@" || fail "\`promptops $*\` exited $?, expected 0"
}
# The version pinned for a prompt in an environment, read from the lock file (JSON, two spaces
# per level: environments -> environment -> prompt id -> version).
pinned() {
  awk -v env="$1" -v id="$2" '
    { match($0, /^ */); depth = RLENGTH; line = $0; gsub(/[ \t]/, "", line) }
    depth == 4 { inenv = (line == "\"" env "\":{") }
    depth == 6 { inid = inenv && (line == "\"" id "\":{") }
    depth == 8 && inid && line ~ /^"version":/ { split(line, part, "\""); print part[4]; exit }
  ' promptops.lock
}
# Edits a file in place with a sed script (portable: no `sed -i`).
edit() {
  sed "$2" "$1" > "$1.new"
  if cmp -s "$1" "$1.new"; then fail "the edit of $1 changed nothing"; fi
  mv "$1.new" "$1"
}
# Sets support-agent's card to a new version, with a changelog entry on top.
bump() {
  local card=prompts/support-agent/prompt-card.yml
  awk -v version="$1" -v changes="$2" -v date="$today" '
    /^version:/ { print "version: " version; next }
    { print }
    /^changelog:$/ {
      print "  - version: " version
      print "    date: \"" date "\""
      print "    author: dev@example.com"
      print "    changes: " changes
    }' "$card" > "$card.new"
  mv "$card.new" "$card"
}

# Only the demo's own git configuration counts: none of the system's or the user's (hooks paths,
# commit or tag signing) and none of a git hook the demo may run under.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE XDG_CONFIG_HOME PROMPTOPS_SKIP
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" GIT_CONFIG_GLOBAL="$work/home/.gitconfig" PROMPTOPS_BIN="$bin"
git config --global user.name "Dev Eloper"
git config --global user.email "dev@example.com"
git config --global init.defaultBranch main
reviewer=rita.reviewer@example.com
today=$(date -u +%Y-%m-%d)
started=$(date +%s)
cd "$repo"

step "A new repository: promptops init writes a commented config and an example prompt"
git init -q
po init

step "Add the bundled examples (prompts, eval suite, stand-ins, policy) and install the hook"
# The example's .promptops.yml replaces the starter one: it adds evals, approvals and promotion.
show cp examples/.promptops.yml examples/.promptops examples/prompts examples/evals .
cp "$here/.promptops.yml" .promptops.yml
cp -R "$here/prompts" "$here/evals" "$here/.promptops" .
po hooks install

step "A reviewer key, DEMO ONLY: a throwaway ed25519 key, trusted in .promptops/allowed_signers"
show ssh-keygen -t ed25519 -N '' -f "$keys/rita"
ssh-keygen -q -t ed25519 -N '' -C "demo only: $reviewer" -f "$keys/rita"
echo "$reviewer namespaces=\"promptops-approval\" $(cut -d' ' -f1,2 "$keys/rita.pub")" >> .promptops/allowed_signers
tail -n 1 .promptops/allowed_signers
git add -A
show git commit -m "Add prompts, eval suite and release policy"
git commit -q -m "Add prompts, eval suite and release policy" 2>&1 || fail "the first commit was refused"

step "Edit support-agent without a version bump: the pre-commit hook refuses the commit"
edit prompts/support-agent/prompt.txt \
  's/^Address the customer by name once, at the start of your answer\.$/Greet the customer by name once, at the start of your answer, and thank them for writing./'
git --no-pager diff --stat
git add -A
show git commit -m "Warmer greeting"
if refusal=$(git commit -q -m "Warmer greeting" 2>&1); then
  fail "the pre-commit hook accepted a prompt edit without a version bump"
fi
printf '%s\n' "$refusal"
case $refusal in
  *"error[version-not-bumped]"*) echo "(refused: the commit was not made)" ;;
  *) fail "the commit was refused, but not for version-not-bumped" ;;
esac

step "Bump to 1.2.1 with a changelog entry: the hook accepts the commit"
bump 1.2.1 "Greet and thank the customer."
git add -A
git --no-pager diff --cached --stat
show git commit -m "Warmer greeting (1.2.1)"
git commit -q -m "Warmer greeting (1.2.1)" 2>&1 || fail "the hook refused the bumped commit"
git log --oneline

step "The merge gate over that commit runs the changed prompt's evals (stand-in model and grader)"
po gate --base HEAD~1

step "A reviewer approves support-agent 1.2.1 for prod, signing with the demo key"
po approve support-agent --env prod --role prompt-owner --reviewer "$reviewer" --key "$keys/rita" \
  --check evals_passed --check scores_reviewed --note "Greeting reads well; evals pass."
git add approvals
git -c user.name="Rita Reviewer" -c user.email="$reviewer" commit -q -m "Approve support-agent 1.2.1 for prod"

step "Promote 1.2.1: dev, then staging (evals run), then prod (evals and approval)"
for env in dev staging prod; do po promote support-agent --env "$env" --commit; done
[ "$(pinned prod support-agent)" = 1.2.1 ] || fail "prod is not pinned to 1.2.1"

step "verify: every pin and release tag matches its content"
po verify

step "Release 1.2.2 (shorter answers): the evals pass, the reviewer approves, it reaches prod"
edit prompts/support-agent/prompt.txt \
  's/^- Keep answers under 150 words unless the customer asks for more detail\.$/- Keep answers under 40 words./'
bump 1.2.2 "Shorter answers, to cut tokens."
git add -A
show git commit -m "Shorter answers (1.2.2)"
git commit -q -m "Shorter answers (1.2.2)" 2>&1 || fail "the hook refused 1.2.2"
po gate --base HEAD~1
po approve support-agent --env prod --role prompt-owner --reviewer "$reviewer" --key "$keys/rita" --check evals_passed
git add approvals
git -c user.name="Rita Reviewer" -c user.email="$reviewer" commit -q -m "Approve support-agent 1.2.2 for prod"
for env in dev staging prod; do po promote support-agent --env "$env" --commit; done
[ "$(pinned prod support-agent)" = 1.2.2 ] || fail "prod is not pinned to 1.2.2"

step "Production says 1.2.2 is bad (answers drop the refund steps): roll prod back"
po rollback support-agent --env prod --reason "1.2.2 answers drop the refund steps" --commit
version=$(pinned prod support-agent)
echo "prod now pins support-agent $version"
[ "$version" = 1.2.1 ] || fail "after the rollback prod pins '$version', expected 1.2.1"

step "verify again: the rolled-back pin is proven too"
po verify

step "The history of support-agent: versions, evals, approvals, promotions, the rollback"
po history support-agent

printf "\n%sdemo passed: every step behaved as expected (%ss)%s\n" "$bold" "$(($(date +%s) - started))" "$plain"
