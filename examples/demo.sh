#!/usr/bin/env bash
# The main job on the bundled example: a throwaway repository made from examples/, a prompt edit
# committed without a version bump (the pre-commit hook blocks it), then the fixed commit.
set -euo pipefail

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(mktemp -d "${TMPDIR:-/tmp}/promptops-demo.XXXXXX")
trap 'rm -rf "$repo"' EXIT

if [ -t 1 ]; then bold=$(printf "\033[1m"); plain=$(printf "\033[0m"); else bold=""; plain=""; fi
step() { printf "\n%s==> %s%s\n" "$bold" "$*" "$plain"; }
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
export GIT_CONFIG_NOSYSTEM=1 HOME="$repo/.home" PROMPTOPS_BIN="$bin"
mkdir -p "$HOME"
git config --global user.name "Demo Developer"
git config --global user.email "demo@example.com"
git config --global init.defaultBranch main

step "A repository with the example prompts ($repo)"
cd "$repo"
git init -q
cp -R "$here/." .
rm -f demo.sh
cp "$here/../hooks/pre-commit" .git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
git add -A
git commit -q -m "Add example prompts"
git log --oneline

step "Edit support-agent's text (drop a constraint, reword a line), no version bump"
sed -i 's/^- You must never invent prices, discounts, refund amounts or delivery dates.$/- Be friendly about prices and dates./' prompts/support-agent/prompt.txt
git --no-pager diff --stat
git add -A
echo "\$ git commit -m 'Friendlier tone'"
if git commit -q -m "Friendlier tone"; then
  echo "demo: the hook should have blocked this commit" >&2
  exit 1
fi
echo "(the pre-commit hook refused the commit)"

step "The prompt-aware diff says what the change needs"
"$bin" diff support-agent

step "Bump the version and add a changelog entry, then commit again"
sed -i 's/^version: 1.2.0$/version: 1.2.1/' prompts/support-agent/prompt-card.yml
cat >> prompts/support-agent/prompt-card.yml <<'YAML'
  - version: 1.2.1
    date: "2026-11-25"
    author: demo@example.com
    changes: Friendlier wording for price questions
YAML
git add -A
echo "\$ git commit -m 'Friendlier tone (1.2.1)'"
git commit -q -m "Friendlier tone (1.2.1)"
git log --oneline

step "The merge gate over the last commit, as a pull request check would run it"
echo "(it also runs the eval suite of the changed prompt against an OpenAI-compatible model:"
echo " without OPENAI_API_KEY the evals cannot run, and the gate fails closed with eval-error)"
"$bin" gate --base HEAD~1 || true
