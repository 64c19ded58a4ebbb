#!/usr/bin/env bash
# Benchmark `promptops logs validate` and `promptops logs report` on a million log records.
#
# Usage: bash Benchmarks/logs_bench.sh
#
# It generates (once, then reuses while the generator is unchanged) in Benchmarks/work/:
#   logs-1m.jsonl       1,000,000 valid prompt-log records, JSON Lines, about 400 bytes each
#   logs-1m.jsonl.gz    the same file, gzip-compressed
#   logs-100k.jsonl     its first 100,000 lines
#   logs-split-2000/    its first 2,000 records, one JSON document per file
#   logs-repo/          a small prompt repository holding most of the logged prompt texts
#   logs-1m.stamp       what was generated, from which generator, with sizes and hashes
# and measures, each once under `/usr/bin/time -f "%e %M"` (wall seconds, peak RSS):
#   promptops logs validate logs-1m.jsonl
#   promptops logs validate logs-1m.jsonl.gz
#   promptops logs report -C logs-repo logs-1m.jsonl --format json
#   promptops logs validate logs-100k.jsonl                     (memory flatness)
#   check-jsonschema --schemafile schemas/prompt-log.schema.json logs-split-2000/*.json
# then writes Benchmarks/results/logs-latest.md and prints it.
#
# Environment: PROMPTOPS_BIN overrides the binary (default .build/release/promptops).
# Exit status: 0 when every command ran and gave the expected verdict; non-zero otherwise.
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=Benchmarks/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SCHEMA="$ROOT/schemas/prompt-log.schema.json"
VENV_BIN="$ROOT/.build-tools/venv/bin"
CHECK_JSONSCHEMA="$VENV_BIN/check-jsonschema"

RECORDS=1000000
PREFIX_RECORDS=100000
PEER_RECORDS=2000
SEED=20261002

LOG_FILE="$WORK_DIR/logs-1m.jsonl"
GZ_FILE="$LOG_FILE.gz"
PREFIX_FILE="$WORK_DIR/logs-100k.jsonl"
SPLIT_DIR="$WORK_DIR/logs-split-$PEER_RECORDS"
REPO="$WORK_DIR/logs-repo"
STAMP="$WORK_DIR/logs-1m.stamp"
OUT="$WORK_DIR/logs-results"
RESULT_FILE="$RESULTS_DIR/logs-latest.md"


usage() { echo "usage: bash Benchmarks/logs_bench.sh" >&2; }
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        *) echo "logs_bench.sh: unknown argument: $1" >&2; usage; exit 64 ;;
    esac
done


# --- Prerequisites -----------------------------------------------------------------------

if [ ! -x "$BIN" ]; then
    die "promptops binary not found at $BIN
  build it with 'swift build -c release --static-swift-stdlib', or point PROMPTOPS_BIN at an existing binary"
fi
command -v git >/dev/null 2>&1 || die "git is missing"
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
command -v gzip >/dev/null 2>&1 || die "gzip is missing"
if ! { [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; }; then
    need_package "GNU time (/usr/bin/time)" time
    /usr/bin/time -f %M true >/dev/null 2>&1 || die "/usr/bin/time does not accept -f %M (GNU time needed)"
fi
if [ ! -x "$CHECK_JSONSCHEMA" ]; then
    say "installing check-jsonschema into .build-tools/venv (ci/install-deps.sh --python)"
    sh "$ROOT/ci/install-deps.sh" --python >/dev/null || die "ci/install-deps.sh --python failed"
    [ -x "$CHECK_JSONSCHEMA" ] || die "check-jsonschema is still missing at $CHECK_JSONSCHEMA"
fi

export NO_COLOR=1
export LC_ALL=C

mkdir -p "$WORK_DIR" "$RESULTS_DIR"
if ! git -C "$ROOT" check-ignore -q "Benchmarks/work/" 2>/dev/null; then
    echo "logs_bench.sh: warning: Benchmarks/work/ is not ignored by git; add '/Benchmarks/work/' to .gitignore" >&2
fi

PROMPTOPS_VERSION=$("$BIN" --version 2>&1) || die "'$BIN --version' failed: $PROMPTOPS_VERSION"
PEER_VERSION=$("$CHECK_JSONSCHEMA" --version 2>&1 | sed 's/^check-jsonschema, version //') \
    || die "'$CHECK_JSONSCHEMA --version' failed"

# --- Data --------------------------------------------------------------------------------

# The generator: python3 standard library only, deterministic for a given seed (the same bytes
# and the same repository commit ids on every machine).
#   python3 -c "$GENERATOR" LOG_FILE REPO RECORDS SEED
# It writes LOG_FILE and creates REPO (20 prompts, 3 commits), then prints one JSON line.
read -r -d '' GENERATOR <<'PY' || true
import calendar
import hashlib
import os
import random
import subprocess
import sys
import time

log_file, repo, records, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

PROMPTS = [
    "support-agent", "rag-answer", "ticket-triage", "call-summary", "refund-policy",
    "sql-helper", "code-review", "release-notes", "email-reply", "intent-router",
    "faq-bot", "meeting-notes", "translate-ui", "sentiment-tag", "lead-score",
    "doc-search", "onboarding-guide", "incident-brief", "invoice-parse", "product-copy",
]
# Versions per prompt: the first ten have three texts, the others two (50 texts in all). The
# third text of prompts 7 to 10 never reaches the repository: it is what a hotfix deployed
# straight to production would log, and `logs report` names those four hashes as drift.
VERSIONS = {0: "1.0.0", 1: "1.1.0", 2: "1.2.0"}
DRIFT = range(6, 10)  # indices of the prompts whose third text is not committed


def prompt_text(index, revision):
    name = PROMPTS[index]
    topic = name.replace("-", " ")
    lines = [
        f"You are the {topic} assistant for Acme Cloud.",
        "Answer the user's request using only the context given below.",
        "Never invent prices, dates or policy numbers.",
        "",
        "Request: {{question}}",
        "Customer: {{customer_name}}",
    ]
    for r in range(1, revision + 1):
        lines.insert(2, f"Revision {r}: keep the answer under {60 + 20 * r} words.")
    return ("\n".join(lines) + "\n").encode()


texts = []  # (prompt index, version label, sha256, in repository)
for i in range(len(PROMPTS)):
    for revision in range(3 if i < 10 else 2):
        body = prompt_text(i, revision)
        committed = not (i in DRIFT and revision == 2)
        texts.append((i, VERSIONS[revision], hashlib.sha256(body).hexdigest(), committed))


# --- The repository: commit 1 adds every prompt at 1.0.0, commit 2 moves all of them to 1.1.0,
# commit 3 moves the first six prompts to 1.2.0.
def git(*args, date=None):
    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    subprocess.run(["git", "-C", repo, *args], check=True, env=env, stdout=subprocess.DEVNULL)


def write_prompt(index, revision, dates):
    folder = os.path.join(repo, "prompts", PROMPTS[index])
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "prompt.txt"), "wb") as f:
        f.write(prompt_text(index, revision))
    card = [
        f"id: {PROMPTS[index]}",
        f"description: Benchmark prompt {PROMPTS[index]}",
        f"version: {VERSIONS[revision]}",
        "tags: [bench]",
        "created_by: bench@example.com",
        "changelog:",
    ]
    for r in range(revision, -1, -1):
        card += [
            f"  - version: {VERSIONS[r]}",
            f'    date: "{dates[r]}"',
            "    author: bench@example.com",
            f'    changes: "{"Initial version" if r == 0 else f"Revision {r}"}"',
        ]
    with open(os.path.join(folder, "prompt-card.yml"), "w") as f:
        f.write("\n".join(card) + "\n")


os.makedirs(repo)
git("init", "-q", "-b", "main")
dates = ["2026-08-01", "2026-08-20", "2026-09-10"]
for revision, date in enumerate(dates):
    for i in range(len(PROMPTS)):
        if revision == 0 or revision == 1 or (revision == 2 and i < 10 and i not in DRIFT):
            write_prompt(i, revision, dates)
    git("add", "-A")
    git("commit", "-q", "-m", f"Prompts, revision {revision}", date=f"{date}T12:00:00Z")

# --- The records.
rng = random.Random(seed)
# Popular prompts log more (weight 1/(rank+1)); within a prompt, newer texts log more; the
# drift texts are rare (a tenth of a committed text's weight).
weights = []
for i, label, sha, committed in texts:
    revision = {"1.0.0": 0, "1.1.0": 1, "1.2.0": 2}[label]
    weights.append((1.0 / (i + 1)) * (1 + 2 * revision) * (1.0 if committed else 0.1))
cum, total = [], 0.0
for w in weights:
    total += w
    cum.append(total)
ENVIRONMENTS = ["prod"] * 8 + ["staging", "dev"]
MODELS = [("openai:gpt-4o-mini", 0.15e-6, 0.60e-6), ("openai:gpt-4o", 2.5e-6, 10e-6),
          ("anthropic:claude-3-5-haiku", 0.8e-6, 4e-6)]
QUESTIONS = ["Refund after a week?", "Move to the EU?", "Two charges?", "Student price?", "Trash kept?", "Share a plan?"]
ANSWERS = ["Within 14 days.", "Settings > Region.", "A pending hold.", "Not listed.", "For 30 days."]
TAGS = ['["grounded"]', '["pricing"]', '["hallucination"]']

start = calendar.timegm((2026, 9, 1, 0, 0, 0))  # 2026-09-01T00:00:00Z
t = start * 1000
ids = [(PROMPTS[i], label, sha) for i, label, sha, _ in texts]
choices = rng.choices
rnd = rng.random
randint = rng.randint
with open(log_file, "w", buffering=1 << 22) as out:
    for n in range(records):
        prompt_id, label, sha = choices(ids, cum_weights=cum)[0]
        t += randint(0, 5000)
        seconds, millis = divmod(t, 1000)
        if n % 10 == 7:  # a tenth of the records carry a +02:00 offset and no fraction
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S+02:00", time.gmtime(seconds + 7200))
        else:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"
        model, rate_in, rate_out = MODELS[n % 7 % 3]
        tokens_in = randint(300, 4000)
        tokens_out = randint(20, 600)
        cost = tokens_in * rate_in + tokens_out * rate_out
        duration = "null" if n % 97 == 0 else str(randint(200, 9000))
        r = rnd()
        if r < 0.15:
            evals = "null"
        else:
            passed = "true" if r < 0.85 else "false"
            tags = f',"tags":{TAGS[n % 3]}' if n % 8 == 0 else ""
            evals = f'{{"pass":{passed},"score":{rnd():.2f}{tags}}}'
        run = f',"run_id":"run-{n:07d}"' if n % 8 == 1 else ""
        docs = f',"retrieved_docs":["kb/policy.md#{n % 9}"]' if n % 10 == 0 else ""
        out.write(
            f'{{"prompt_id":"{prompt_id}","version":"{label}","version_hash":"{sha}",'
            f'"environment":"{ENVIRONMENTS[n % 10]}","timestamp":"{stamp}",'
            f'"trace_id":"tr-{n // 3:x}"{run},"model":"{model}",'
            f'"tokens_input":{tokens_in},"tokens_output":{tokens_out},"cost_usd":{cost:.7f},'
            f'"duration_ms":{duration},"inputs":{{"question":"{QUESTIONS[n % 6]}"}}{docs},'
            f'"outputs":{{"text":"{ANSWERS[n % 5]}"}},"eval_results":{evals}}}\n')

print(f'{{"records": {records}, "texts": {len(texts)}, '
      f'"known_texts": {sum(1 for t in texts if t[3])}, "prompts": {len(PROMPTS)}}}')
PY

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
file_size() { stat -c %s "$1"; }

GENERATOR_SHA=$(printf '%s' "$GENERATOR" | sha256sum | cut -d' ' -f1)
PARAMS="records=$RECORDS seed=$SEED prefix=$PREFIX_RECORDS peer=$PEER_RECORDS generator-sha256=$GENERATOR_SHA"

# True when the stamp matches the parameters and every generated file is there, unchanged in size.
data_is_current() {
    [ -f "$STAMP" ] || return 1
    [ "$(sed -n 's/^params: //p' "$STAMP")" = "$PARAMS" ] || return 1
    [ -f "$LOG_FILE" ] && [ -f "$GZ_FILE" ] && [ -f "$PREFIX_FILE" ] && [ -d "$SPLIT_DIR" ] || return 1
    [ "$(sed -n 's/^jsonl-bytes: //p' "$STAMP")" = "$(file_size "$LOG_FILE")" ] || return 1
    [ "$(sed -n 's/^gz-bytes: //p' "$STAMP")" = "$(file_size "$GZ_FILE")" ] || return 1
    [ "$(sed -n 's/^prefix-bytes: //p' "$STAMP")" = "$(file_size "$PREFIX_FILE")" ] || return 1
    [ "$(find "$SPLIT_DIR" -name '*.json' | wc -l)" -eq "$PEER_RECORDS" ] || return 1
    local head
    head=$(git -C "$REPO" rev-parse -q --verify refs/heads/main 2>/dev/null) || return 1
    [ "$(sed -n 's/^repo-head: //p' "$STAMP")" = "$head" ] || return 1
}

if data_is_current; then
    say "reusing $LOG_FILE and the files beside it (stamp matches)"
else
    rm -rf "$STAMP" "$LOG_FILE" "$GZ_FILE" "$PREFIX_FILE" "$SPLIT_DIR" "$REPO"
    say "generating $LOG_FILE ($RECORDS records) and $REPO"
    started=$SECONDS
    python3 -c "$GENERATOR" "$LOG_FILE" "$REPO" "$RECORDS" "$SEED" >&2 || die "generating the logs failed"
    say "compressing to $GZ_FILE"
    gzip -c -6 "$LOG_FILE" >"$GZ_FILE.tmp" && mv "$GZ_FILE.tmp" "$GZ_FILE"
    head -n "$PREFIX_RECORDS" "$LOG_FILE" >"$PREFIX_FILE"
    say "splitting the first $PEER_RECORDS records into one file each in $SPLIT_DIR"
    mkdir -p "$SPLIT_DIR"
    head -n "$PEER_RECORDS" "$LOG_FILE" | split -l 1 -a 4 -d --additional-suffix=.json - "$SPLIT_DIR/record-"
    {
        echo "params: $PARAMS"
        echo "jsonl-bytes: $(file_size "$LOG_FILE")"
        echo "jsonl-sha256: $(sha256_of "$LOG_FILE")"
        echo "gz-bytes: $(file_size "$GZ_FILE")"
        echo "prefix-bytes: $(file_size "$PREFIX_FILE")"
        echo "repo-head: $(git -C "$REPO" rev-parse --verify refs/heads/main)"
    } >"$STAMP.tmp"
    mv "$STAMP.tmp" "$STAMP"
    say "generated in $((SECONDS - started)) s"
fi

lines=$(wc -l <"$LOG_FILE")
[ "$lines" -eq "$RECORDS" ] || die "$LOG_FILE holds $lines lines, expected $RECORDS"

# --- Measurements ------------------------------------------------------------------------

rm -rf "$OUT"
mkdir -p "$OUT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
# Read the inputs once so that every command reads them from the page cache, not the disk.
cat "$LOG_FILE" "$GZ_FILE" "$PREFIX_FILE" >/dev/null
cat "$SPLIT_DIR"/*.json >/dev/null

# measure NAME EXPECTED_CODES LABEL CMD...: one run under GNU time; stdout to $OUT/NAME.out,
# and "wall_seconds peak_kib exit_code" to $OUT/NAME.time. Stops when the exit code is unexpected.
measure() {
    local name=$1 expected=$2 label=$3
    shift 3
    say "timing: $label"
    local rc=0
    /usr/bin/time -f "%e %M" -o "$OUT/$name.rusage" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
    local wall kib
    read -r wall kib < <(tail -n 1 "$OUT/$name.rusage")
    [[ "$wall" =~ ^[0-9]+(\.[0-9]+)?$ && "$kib" =~ ^[0-9]+$ ]] \
        || die "could not read the time of '$name': $(cat "$OUT/$name.rusage")"
    if [[ " $expected " != *" $rc "* ]]; then
        head -n 20 "$OUT/$name.out" "$OUT/$name.err" >&2
        die "'$name' exited with status $rc, expected ${expected// / or }"
    fi
    printf '%s %s %s\n' "$wall" "$kib" "$rc" >"$OUT/$name.time"
}

measure validate_1m 0 "promptops logs validate logs-1m.jsonl" \
    "$BIN" logs validate "$LOG_FILE"
measure validate_gz 0 "promptops logs validate logs-1m.jsonl.gz" \
    "$BIN" logs validate "$GZ_FILE"
# Exit 1 is expected: four of the logged texts are not in the repository (drift).
measure report_1m "0 1" "promptops logs report -C logs-repo logs-1m.jsonl --format json" \
    "$BIN" logs report -C "$REPO" "$LOG_FILE" --format json
measure validate_100k 0 "promptops logs validate logs-100k.jsonl" \
    "$BIN" logs validate "$PREFIX_FILE"
SPLIT_FILES=("$SPLIT_DIR"/*.json)
[ "${#SPLIT_FILES[@]}" -eq "$PEER_RECORDS" ] || die "$SPLIT_DIR holds ${#SPLIT_FILES[@]} files, expected $PEER_RECORDS"
measure peer_2000 0 "check-jsonschema --schemafile schemas/prompt-log.schema.json <$PEER_RECORDS files>" \
    "$CHECK_JSONSCHEMA" --schemafile "$SCHEMA" "${SPLIT_FILES[@]}"

# Each command must have seen every record.
grep -q "^valid: $RECORDS records in 1 file ($RECORDS prompt logs, 0 agent traces), 0 invalid$" "$OUT/validate_1m.out" \
    || die "validate on $LOG_FILE did not report $RECORDS valid records: $(cat "$OUT/validate_1m.out")"
grep -q "^valid: $RECORDS records in 1 file ($RECORDS prompt logs, 0 agent traces), 0 invalid$" "$OUT/validate_gz.out" \
    || die "validate on $GZ_FILE did not report $RECORDS valid records: $(cat "$OUT/validate_gz.out")"
grep -q "^valid: $PREFIX_RECORDS records in 1 file" "$OUT/validate_100k.out" \
    || die "validate on $PREFIX_FILE did not report $PREFIX_RECORDS records: $(cat "$OUT/validate_100k.out")"
grep -q "^ok -- validation done" "$OUT/peer_2000.out" \
    || die "check-jsonschema did not report success: $(cat "$OUT/peer_2000.out")"

# --- Report ------------------------------------------------------------------------------

CPU_MODEL=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
export BENCH_DATE BENCH_CORES BENCH_CPU BENCH_KERNEL BENCH_PROMPTOPS BENCH_PEER BENCH_PYTHON BENCH_LOAD
export BENCH_OUT BENCH_STAMP BENCH_RESULT BENCH_RECORDS BENCH_PREFIX BENCH_PEER_RECORDS
BENCH_DATE=$(date -u +%Y-%m-%d)
BENCH_CORES=$(nproc)
BENCH_CPU=$CPU_MODEL
BENCH_KERNEL=$(uname -r)
BENCH_LOAD=$LOAD_BEFORE
BENCH_PROMPTOPS=$PROMPTOPS_VERSION
BENCH_PEER=$PEER_VERSION
BENCH_PYTHON=$("$VENV_BIN/python" -c 'import platform; print(platform.python_version())')
BENCH_OUT=$OUT
BENCH_STAMP=$STAMP
BENCH_RESULT=$RESULT_FILE
BENCH_RECORDS=$RECORDS
BENCH_PREFIX=$PREFIX_RECORDS
BENCH_PEER_RECORDS=$PEER_RECORDS

python3 - <<'PY'
import json
import os
import sys

env = os.environ
out = env["BENCH_OUT"]
records, prefix, peer_records = int(env["BENCH_RECORDS"]), int(env["BENCH_PREFIX"]), int(env["BENCH_PEER_RECORDS"])
stamp = {}
with open(env["BENCH_STAMP"]) as f:
    for line in f:
        key, _, value = line.rstrip("\n").partition(": ")
        stamp[key] = value


def timing(name):
    with open(os.path.join(out, name + ".time")) as f:
        wall, kib, rc = f.read().split()
    return {"wall": float(wall), "mib": int(kib) / 1024.0, "rc": int(rc)}


with open(os.path.join(out, "report_1m.out")) as f:
    report = json.load(f)
if report.get("records") != records or report.get("skipped") != 0:
    sys.exit(f"logs_bench.sh: report counted {report.get('records')} records and skipped "
             f"{report.get('skipped')}, expected {records} and 0")
versions, drift = len(report.get("versions", [])), len(report.get("drift", []))

def mb(key):
    size = int(stamp[key]) / 1e6
    return f"{size:.0f} MB" if size >= 10 else f"{size:.1f} MB"


rows = [
    ("`promptops logs validate`", f"`logs-1m.jsonl` ({mb('jsonl-bytes')})", records, timing("validate_1m")),
    ("`promptops logs validate`", f"`logs-1m.jsonl.gz` ({mb('gz-bytes')})", records, timing("validate_gz")),
    ("`promptops logs report --format json`", f"`logs-1m.jsonl` ({mb('jsonl-bytes')})", records, timing("report_1m")),
    ("`promptops logs validate`", f"`logs-100k.jsonl` ({mb('prefix-bytes')})", prefix, timing("validate_100k")),
    ("`check-jsonschema --schemafile`", f"{peer_records:,} files of one record", peer_records, timing("peer_2000")),
]


def rate(n, t):
    return n / t["wall"] if t["wall"] > 0 else float("inf")


def fmt_rate(r):
    return f"{r:,.0f}"


v1m, v100k, peer = rows[0][3], rows[3][3], rows[4][3]
ratio = rate(records, v1m) / rate(peer_records, peer)
lines = [
    f"## {env['BENCH_DATE']}",
    "",
    f"Machine: {env['BENCH_CORES']} cores (`nproc`), {env['BENCH_CPU']}, Linux {env['BENCH_KERNEL']}; "
    f"promptops {env['BENCH_PROMPTOPS']}, check-jsonschema {env['BENCH_PEER']} (Python {env['BENCH_PYTHON']}); "
    f"load average {env['BENCH_LOAD']} before the first measurement.",
    f"Input: {records:,} valid prompt-log records (`Benchmarks/work/logs-1m.jsonl`, "
    f"{mb('jsonl-bytes')}, {int(stamp['jsonl-bytes']) / records:.0f} bytes a line on average, "
    f"sha256 {stamp['jsonl-sha256'][:12]}…). One run of each command under `/usr/bin/time -f \"%e %M\"`, "
    "inputs in the page cache.",
    "",
    "| Command | Input | Records | Wall (s) | Records/s | Peak RSS (MiB) |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
]
for command, what, n, t in rows:
    lines.append(f"| {command} | {what} | {n:,} | {t['wall']:.2f} | {fmt_rate(rate(n, t))} | {t['mib']:.1f} |")
lines += [
    "",
    f"- Throughput, `promptops logs validate` on `logs-1m.jsonl` ÷ `check-jsonschema`: **{ratio:,.1f}×** "
    f"({fmt_rate(rate(records, v1m))} vs {fmt_rate(rate(peer_records, peer))} records/s; check-jsonschema "
    "validates one document per file, so it got the first "
    f"{peer_records:,} records as {peer_records:,} files in one run, start-up included).",
    f"- Memory flatness, `promptops logs validate`: peak RSS {v100k['mib']:.1f} MiB on {prefix:,} records, "
    f"{v1m['mib']:.1f} MiB on {records:,} records ({v1m['mib'] / v100k['mib']:.2f}× for 10× the records).",
    f"- `logs report` found {versions} prompt versions, {drift} of them drift (texts the repository "
    f"does not hold; exit status {rows[2][3]['rc']}).",
]
markdown = "\n".join(lines) + "\n"
path = env["BENCH_RESULT"]
with open(path + ".tmp", "w") as f:
    f.write(markdown)
os.replace(path + ".tmp", path)
print(markdown, end="")
PY

say "results written to ${RESULT_FILE#$ROOT/}"
