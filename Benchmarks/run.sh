#!/usr/bin/env bash
# Benchmark promptops against the git commands that do the same amount of work.
#
# Usage: bash Benchmarks/run.sh [--quick]
#
# For each repository size it times, side by side in interleaved rounds (interleave.py):
#   promptops check --staged          vs  git diff --cached --name-only
#   promptops check --base HEAD~100   vs  git diff --name-status -M HEAD~100 HEAD
#   promptops gate --base HEAD~100    vs  git diff --name-status -M HEAD~100 HEAD
# and, as the floor of the range check, git's diff followed by git cat-file --batch of the prompt
# blobs that check must read;
# measures the peak resident memory of each command once with GNU time, and writes
# Benchmarks/results/latest.md and Benchmarks/results/latest.json.
#
# Sizes: 1,000 and 10,000 prompts (--quick: 1,000 and 3,000, and fewer runs), each with
# 2,000 commits of history. Repositories are generated into Benchmarks/work/ (git-ignored)
# and reused while their parameters and the generator are unchanged.
#
# Environment: PROMPTOPS_BIN overrides the binary (default .build/release/promptops).
# Exit status: 0 when every command ran, whether or not the targets were met; non-zero when
# anything could not be run.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=Benchmarks/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
GENERATOR="$BENCH_DIR/generate_repo.py"

COMMITS=2000
RANGE=100
EDIT_LINE="Answer in a friendly tone."

MODE=full
SIZES=(1000 10000)
RUNS=30
WARMUP=3

usage() {
    echo "usage: bash Benchmarks/run.sh [--quick]" >&2
    echo "  --quick   1,000 and 3,000 prompts and 10 timed runs instead of 1,000 and 10,000 and 30" >&2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --quick) MODE=quick; SIZES=(1000 3000); RUNS=10 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage; exit 64 ;;
    esac
    shift
done


# --- Prerequisites -----------------------------------------------------------------------

if [ ! -x "$BIN" ]; then
    die "promptops binary not found at $BIN
  build it with 'make bench' (swift build -c release --static-swift-stdlib, then this script),
  or point PROMPTOPS_BIN at an existing binary"
fi
command -v git >/dev/null 2>&1 || die "git is missing"
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
if ! { [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; }; then
    need_package "GNU time (/usr/bin/time)" time
    /usr/bin/time -f %M true >/dev/null 2>&1 || die "/usr/bin/time does not accept -f %M (GNU time needed)"
fi

export NO_COLOR=1
export LC_ALL=C

mkdir -p "$WORK_DIR" "$RESULTS_DIR"
if ! git -C "$ROOT" check-ignore -q "Benchmarks/work/" 2>/dev/null; then
    echo "run.sh: warning: Benchmarks/work/ is not ignored by git; add '/Benchmarks/work/' to .gitignore" >&2
fi

PROMPTOPS_VERSION=$("$BIN" --version 2>&1) || die "'$BIN --version' failed: $PROMPTOPS_VERSION"
GENERATOR_SHA=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$GENERATOR")

# --- Repositories ------------------------------------------------------------------------

# Generate Benchmarks/work/repo-N unless it exists with the same parameters (stamp file).
ensure_repo() {
    local n=$1 repo="$WORK_DIR/repo-$1" stamp="$WORK_DIR/repo-$1.stamp"
    local params="prompts=$n commits=$COMMITS generator-sha256=$GENERATOR_SHA"
    if [ -f "$stamp" ] && [ -d "$repo/.git" ]; then
        local saved_params saved_head head
        saved_params=$(sed -n 's/^params: //p' "$stamp")
        saved_head=$(sed -n 's/^head: //p' "$stamp")
        head=$(git -C "$repo" rev-parse -q --verify refs/heads/main 2>/dev/null || true)
        if [ "$saved_params" = "$params" ] && [ -n "$head" ] && [ "$head" = "$saved_head" ]; then
            say "reusing $repo ($n prompts, $COMMITS commits)"
            return 0
        fi
    fi
    rm -f "$stamp"
    if [ -e "$repo" ] && [ ! -d "$repo/.git" ]; then
        rm -rf "$repo"   # a partial directory left by an interrupted generation
    fi
    say "generating $repo ($n prompts, $COMMITS commits)"
    python3 "$GENERATOR" "$repo" --prompts "$n" --commits "$COMMITS" --force >&2 \
        || die "generating $repo failed"
    local head
    head=$(git -C "$repo" rev-parse --verify refs/heads/main)
    printf 'params: %s\nhead: %s\n' "$params" "$head" >"$stamp"
}

# Reset the repository and stage one unbumped edit of the prompt in the middle.
prepare_edit() {
    local repo=$1
    git -C "$repo" checkout -q -f main
    git -C "$repo" reset -q --hard
    git -C "$repo" clean -q -f -d
    local files count file
    files=$(git -C "$repo" ls-files 'prompts/*/prompt.txt')
    count=$(printf '%s\n' "$files" | grep -c .) || true
    [ "$count" -gt 0 ] || die "no prompts/*/prompt.txt in $repo"
    file=$(printf '%s\n' "$files" | sed -n "$((count / 2 + 1))p")
    printf '%s\n' "$EDIT_LINE" >>"$repo/$file"
    git -C "$repo" add -- "$file"
    local staged
    staged=$(git -C "$repo" diff --cached --name-only)
    [ "$staged" = "$file" ] || die "expected only $file to be staged in $repo, found: $staged"
    echo "$file"
}

# The blobs `check --base HEAD~RANGE` must read: the text and card of every prompt folder the
# range touches, at both ends, by object id (one per line; a side without the file is left out).
# Reading them with git's own reader after git's diff is the floor for any tool that checks
# versions and changelogs: the diff alone never opens a blob.
list_range_blobs() {
    local repo=$1
    git -C "$repo" diff --name-only "HEAD~$RANGE" HEAD -- prompts \
        | awk -F/ 'NF >= 3 { print $1 "/" $2 }' | sort -u \
        | while IFS= read -r folder; do
            for revision in "HEAD~$RANGE" HEAD; do
                printf '%s:%s/prompt.txt\n%s:%s/prompt-card.yml\n' "$revision" "$folder" "$revision" "$folder"
            done
        done \
        | git -C "$repo" cat-file --batch-check='%(objectname) %(objecttype)' \
        | awk '$2 == "blob" { print $1 }'
}

# --- Measurements ------------------------------------------------------------------------

LABELS=(
    "promptops check --staged"
    "git diff --cached --name-only"
    "promptops check --base HEAD~$RANGE"
    "git diff --name-status -M HEAD~$RANGE HEAD"
    "promptops gate --base HEAD~$RANGE"
    "git diff --name-status -M HEAD~$RANGE HEAD (gate peer)"
    "git diff --name-status -M HEAD~$RANGE HEAD, then git cat-file --batch of the prompt blobs"
)
# The commands as argument vectors.
command_argv() {
    case $1 in
        0) ARGV=("$BIN" check --staged) ;;
        1) ARGV=(git diff --cached --name-only) ;;
        2) ARGV=("$BIN" check --base "HEAD~$RANGE") ;;
        3|5) ARGV=(git diff --name-status -M "HEAD~$RANGE" HEAD) ;;
        4) ARGV=("$BIN" gate --base "HEAD~$RANGE") ;;
        6) ARGV=(sh -c "git diff --name-status -M HEAD~$RANGE HEAD >/dev/null && git cat-file --batch <\"\$1\" >/dev/null" sh "$BLOB_LIST") ;;
    esac
}

measure_size() {
    local n=$1 repo="$WORK_DIR/repo-$1" out="$WORK_DIR/results-$1"
    rm -rf "$out"
    mkdir -p "$out"
    local edited
    edited=$(prepare_edit "$repo")
    say "$n prompts: staged edit of $edited"
    printf '%s\n' "$edited" >"$out/edited-file"
    BLOB_LIST="$out/range-blobs.txt"
    list_range_blobs "$repo" >"$BLOB_LIST"

    # Peak resident memory, one run each; this also checks that every command runs.
    local i rc kib log="$out/commands.log"
    : >"$out/memory.tsv"
    for i in "${!LABELS[@]}"; do
        command_argv "$i"
        rc=0
        (cd "$repo" && /usr/bin/time -f %M -o "$out/time.txt" "${ARGV[@]}" >/dev/null 2>>"$log") || rc=$?
        kib=$(tail -n 1 "$out/time.txt")
        [[ "$kib" =~ ^[0-9]+$ ]] || die "could not read the peak memory of '${LABELS[$i]}' in $repo"
        if [ "$rc" -ge 2 ]; then
            cat "$log" >&2
            die "'${LABELS[$i]}' exited with status $rc in $repo"
        fi
        printf '%s\t%s\t%s\n' "$i" "$kib" "$rc" >>"$out/memory.tsv"
    done
    rm -f "$out/time.txt"

    # Wall time: all six commands in interleaved rounds, so a slow spell of the machine falls
    # on both sides of each pair alike.
    local -a args=(--warmup "$WARMUP" --runs "$RUNS" --export-json "$out/timings.json")
    for i in "${!LABELS[@]}"; do
        command_argv "$i"
        args+=(--command "${LABELS[$i]}" "$(python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "${ARGV[@]}")")
    done
    say "$n prompts: $WARMUP warm-up and $RUNS timed rounds, each running every command once"
    (cd "$repo" && python3 "$BENCH_DIR/interleave.py" "${args[@]}") >&2 \
        || die "timing the commands failed in $repo"

    # The commands must not have changed what is staged.
    local staged
    staged=$(git -C "$repo" diff --cached --name-only)
    [ "$staged" = "$edited" ] || die "the staged change in $repo changed during the run: $staged"
}

for n in "${SIZES[@]}"; do
    ensure_repo "$n"
done
for n in "${SIZES[@]}"; do
    measure_size "$n"
done

# --- Report ------------------------------------------------------------------------------

CPU_MODEL=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
export BENCH_DATE BENCH_MODE BENCH_SIZES BENCH_RUNS BENCH_WARMUP BENCH_COMMITS BENCH_RANGE
export BENCH_CORES BENCH_CPU BENCH_KERNEL BENCH_GIT BENCH_PROMPTOPS BENCH_WORK BENCH_RESULTS
BENCH_DATE=$(date -u +%Y-%m-%d)
BENCH_MODE=$MODE
BENCH_SIZES="${SIZES[*]}"
BENCH_RUNS=$RUNS
BENCH_WARMUP=$WARMUP
BENCH_COMMITS=$COMMITS
BENCH_RANGE=$RANGE
BENCH_CORES=$(nproc)
BENCH_CPU=$CPU_MODEL
BENCH_KERNEL=$(uname -r)
BENCH_GIT=$(git --version | sed 's/^git version //')
BENCH_PROMPTOPS=$PROMPTOPS_VERSION
BENCH_WORK=$WORK_DIR
BENCH_RESULTS=$RESULTS_DIR

python3 - <<'PY'
import json
import os
import sys

env = os.environ
sizes = [int(s) for s in env["BENCH_SIZES"].split()]
work, results = env["BENCH_WORK"], env["BENCH_RESULTS"]
quick = env["BENCH_MODE"] == "quick"
rng = int(env["BENCH_RANGE"])

PAIRS = [
    ("staged", "check --staged", 0, 1, 1),
    ("range", f"check --base HEAD~{rng}", 2, 3, 0),
    ("gate", f"gate --base HEAD~{rng}", 4, 5, 0),
]
TARGETS = {"staged_ratio": 1.5, "range_ratio": 2.0, "scaling": 1.2, "peak_mib": 64.0}


def ms(seconds):
    return seconds * 1000.0


def fmt_n(n):
    return f"{n:,}"


def fmt_ms(v):
    return f"{v:.1f}" if v < 100 else f"{v:.0f}"


data = {
    "date": env["BENCH_DATE"],
    "mode": env["BENCH_MODE"],
    "machine": {
        "cores": int(env["BENCH_CORES"]),
        "cpu": env["BENCH_CPU"],
        "kernel": env["BENCH_KERNEL"],
        "git": env["BENCH_GIT"],
        "promptops": env["BENCH_PROMPTOPS"],
    },
    "parameters": {
        "sizes": sizes,
        "commits": int(env["BENCH_COMMITS"]),
        "range": rng,
        "warmup": int(env["BENCH_WARMUP"]),
        "runs": int(env["BENCH_RUNS"]),
    },
    "sizes": {},
    "scaling": {},
    "targets": [],
    "notes": [],
}

for n in sizes:
    out = os.path.join(work, f"results-{n}")
    with open(os.path.join(out, "timings.json")) as f:
        hf = json.load(f)["results"]
    if len(hf) != 7:
        sys.exit(f"run.sh: {out}/timings.json holds {len(hf)} results, expected 7")
    with open(os.path.join(out, "range-blobs.txt")) as f:
        range_blobs = sum(1 for line in f if line.strip())
    memory = {}
    with open(os.path.join(out, "memory.tsv")) as f:
        for line in f:
            i, kib, rc = line.split("\t")
            memory[int(i)] = (int(kib), int(rc))
    with open(os.path.join(out, "edited-file")) as f:
        edited = f.read().strip()

    commands = []
    for i, r in enumerate(hf):
        codes = sorted(set(r.get("exit_codes") or []))
        if any(c is None or c < 0 or c >= 2 for c in codes):
            sys.exit(f"run.sh: '{r['command']}' exited with {codes} during the timed runs at {n} prompts")
        commands.append({
            "command": r["command"],
            "median_ms": ms(r["median"]),
            "mean_ms": ms(r["mean"]),
            "stddev_ms": ms(r["stddev"] or 0.0),
            "min_ms": ms(r["min"]),
            "max_ms": ms(r["max"]),
            "runs": len(r["times"]),
            "exit_codes": codes,
            "peak_kib": memory[i][0],
            "peak_mib": memory[i][0] / 1024.0,
        })
    pairs = {}
    for key, op, pi, gi, expected in PAIRS:
        p, g = commands[pi], commands[gi]
        if p["exit_codes"] != [expected]:
            data["notes"].append(
                f"{fmt_n(n)} prompts: promptops {op} exited with {p['exit_codes']}, expected {expected}")
        pairs[key] = {
            "operation": op,
            "promptops": p["command"],
            "git": g["command"],
            "promptops_median_ms": p["median_ms"],
            "git_median_ms": g["median_ms"],
            "ratio": p["median_ms"] / g["median_ms"],
            "promptops_peak_mib": p["peak_mib"],
            "git_peak_mib": g["peak_mib"],
        }
    floor = commands[6]
    reading = {
        "command": floor["command"],
        "blobs": range_blobs,
        "median_ms": floor["median_ms"],
        "ratio_to_git_diff": floor["median_ms"] / commands[3]["median_ms"],
        "check_ratio_to_reading": commands[2]["median_ms"] / floor["median_ms"],
    }
    data["sizes"][str(n)] = {
        "prompts": n, "staged_file": edited, "commands": commands, "pairs": pairs, "range_reading": reading}

small, large = str(sizes[0]), str(sizes[-1])
for key, op, *_ in PAIRS:
    a, b = data["sizes"][small]["pairs"][key], data["sizes"][large]["pairs"][key]
    pg = b["promptops_median_ms"] / a["promptops_median_ms"]
    gg = b["git_median_ms"] / a["git_median_ms"]
    data["scaling"][key] = {
        "operation": op, "from": sizes[0], "to": sizes[-1],
        "promptops_growth": pg, "git_growth": gg, "scaling": pg / gg,
    }


def target(name, value, limit, unit=""):
    data["targets"].append({
        "target": name, "value": value, "limit": limit, "unit": unit, "pass": value <= limit,
    })


L = data["sizes"][large]["pairs"]
target(f"check --staged ratio at {fmt_n(sizes[-1])} prompts", L["staged"]["ratio"], TARGETS["staged_ratio"], "×")
for n in sizes:
    for key in ("range", "gate"):
        p = data["sizes"][str(n)]["pairs"][key]
        target(f"{p['operation']} ratio at {fmt_n(n)} prompts", p["ratio"], TARGETS["range_ratio"], "×")
for key, s in data["scaling"].items():
    target(f"{s['operation']} scaling {fmt_n(s['from'])} → {fmt_n(s['to'])}", s["scaling"], TARGETS["scaling"], "")
peak = max(c["peak_mib"] for c in data["sizes"][large]["commands"] if c["command"].startswith("promptops"))
target(f"promptops peak memory at {fmt_n(sizes[-1])} prompts", peak, TARGETS["peak_mib"], " MiB")
if quick:
    data["notes"].append(
        f"Quick run ({fmt_n(sizes[0])} and {fmt_n(sizes[-1])} prompts, {data['parameters']['runs']} runs): "
        "the targets are set for 10,000 prompts, so these verdicts are only indicative.")

# --- Markdown ---
m = data["machine"]
lines = [
    f"## {data['date']}{' (quick run)' if quick else ''}",
    "",
    f"Machine: {m['cores']} cores, {m['cpu']}, Linux {m['kernel']}, git {m['git']}, promptops {m['promptops']}.",
    f"Repositories: {' and '.join(fmt_n(n) for n in sizes)} prompts, {fmt_n(data['parameters']['commits'])} commits each "
    f"(`Benchmarks/generate_repo.py`); one unbumped prompt edit is staged. "
    f"{data['parameters']['warmup']} warm-up and {data['parameters']['runs']} timed rounds, each running every command once "
    "(`Benchmarks/interleave.py`); "
    "peak memory from one run under `/usr/bin/time -f %M`.",
    "",
]
for n in sizes:
    s = data["sizes"][str(n)]
    lines += [
        f"### {fmt_n(n)} prompts",
        "",
        "| Operation | git peer | promptops median (ms) | git median (ms) | ratio | promptops peak (MiB) | git peak (MiB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, *_ in PAIRS:
        p = s["pairs"][key]
        git_cmd = p["git"].replace(" (gate peer)", "")
        lines.append(
            f"| `promptops {p['operation']}` | `{git_cmd}` | {fmt_ms(p['promptops_median_ms'])} | "
            f"{fmt_ms(p['git_median_ms'])} | {p['ratio']:.2f}× | {p['promptops_peak_mib']:.1f} | {p['git_peak_mib']:.1f} |")
    r = s["range_reading"]
    lines += [
        "",
        f"Reading what `check --base HEAD~{rng}` reads: git's diff, then `git cat-file --batch` of the "
        f"{fmt_n(r['blobs'])} text and card blobs of the prompt folders the range touches (both ends): "
        f"{fmt_ms(r['median_ms'])} ms, {r['ratio_to_git_diff']:.2f}× the diff alone; promptops' check is "
        f"{r['check_ratio_to_reading']:.2f}× that, with the cards parsed and the rules applied.",
    ]
    lines.append("")
lines += [
    f"### Scaling, {fmt_n(sizes[0])} → {fmt_n(sizes[-1])} prompts",
    "",
    "| Operation | promptops growth | git growth | scaling |",
    "| --- | ---: | ---: | ---: |",
]
for key, s in data["scaling"].items():
    lines.append(f"| `promptops {s['operation']}` | {s['promptops_growth']:.2f}× | {s['git_growth']:.2f}× | {s['scaling']:.2f} |")
lines += ["", "### Targets", "", "| Target | Value | Limit | Result |", "| --- | ---: | ---: | --- |"]
for t in data["targets"]:
    value = f"{t['value']:.1f}{t['unit']}" if t["unit"] == " MiB" else f"{t['value']:.2f}{t['unit']}"
    limit = f"≤ {t['limit']:g}{t['unit']}"
    lines.append(f"| {t['target']} | {value} | {limit} | {'pass' if t['pass'] else 'FAIL'} |")
if data["notes"]:
    lines += [""] + [f"Note: {note}" for note in data["notes"]]
markdown = "\n".join(lines) + "\n"


def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


write(os.path.join(results, "latest.md"), markdown)
def rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value


write(os.path.join(results, "latest.json"), json.dumps(rounded(data), indent=2, ensure_ascii=False) + "\n")
print(markdown, end="")
PY

say "results written to Benchmarks/results/latest.md and Benchmarks/results/latest.json"
