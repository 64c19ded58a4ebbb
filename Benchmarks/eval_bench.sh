#!/usr/bin/env bash
# Benchmark `promptops eval` against a loopback OpenAI-compatible server answering after 100 ms.
#
# Usage: bash Benchmarks/eval_bench.sh
#
# Builds a throw-away repository (Benchmarks/work/eval-repo) with one prompt and a suite of 200
# tests using the provider `openai:chat:loopback` pointed at the loopback server
# (Tests/Fixtures/openai-server/server.py --latency-ms 100), then measures:
#   promptops eval --no-cache --concurrency C     for C = 1, 8, 32
# each against the ideal wall time tests × latency ÷ concurrency (target: within 15%), counting
# the requests the server received (must be 200 per run), and
#   promptops eval (cache filled by a first run)  the cached rerun: wall time, 0 requests.
# Writes Benchmarks/results/eval-latest.md and prints it.
#
# Environment: PROMPTOPS_BIN overrides the binary (default .build/release/promptops).
# Exit status: 0 when every run made the expected number of requests and passed; 1 otherwise
# (a run outside the 15% target is reported, not fatal: the table is the result).
set -euo pipefail
shopt -s inherit_errexit

# shellcheck source=Benchmarks/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SERVER="$ROOT/Tests/Fixtures/openai-server/server.py"
TESTS=200
LATENCY_MS=100
REPO="$WORK_DIR/eval-repo"
RESULT_FILE="$RESULTS_DIR/eval-latest.md"


while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) echo "usage: bash Benchmarks/eval_bench.sh" >&2; exit 0 ;;
        *) echo "eval_bench.sh: unknown argument: $1" >&2; exit 64 ;;
    esac
done

[ -x "$BIN" ] || die "no promptops binary at $BIN (swift build -c release, or set PROMPTOPS_BIN)"
[ -f "$SERVER" ] || die "the loopback server $SERVER is missing"
command -v python3 >/dev/null || die "python3 is needed for the loopback server"
mkdir -p "$WORK_DIR" "$RESULTS_DIR"

# The loopback server, on a free port; it exits when this script's stdin pipe closes.
PORT_FILE=$(mktemp)
exec 3> >(python3 "$SERVER" --port 0 --port-file "$PORT_FILE" --latency-ms "$LATENCY_MS" --watch-stdin >/dev/null)
SERVER_PIPE_OPEN=1
cleanup() { if [ -n "${SERVER_PIPE_OPEN:-}" ]; then exec 3>&-; fi; rm -f "$PORT_FILE"; }
trap cleanup EXIT
for _ in $(seq 1 100); do [ -s "$PORT_FILE" ] && break; sleep 0.05; done
PORT=$(cat "$PORT_FILE")
[ -n "$PORT" ] || die "the loopback server did not start"
BASE="http://127.0.0.1:$PORT"
requests() { python3 -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/stats"))["requests"])' "$BASE"; }

say "building $REPO ($TESTS tests)"
rm -rf "$REPO"
mkdir -p "$REPO/prompts/bench"
git -C "$REPO" init -q
git -C "$REPO" config user.name bench
git -C "$REPO" config user.email bench@example.com
printf 'Answer question {{n}} briefly.\n' > "$REPO/prompts/bench/prompt.txt"
printf 'id: bench\ndescription: benchmark prompt\nversion: 1.0.0\nchangelog:\n  - version: 1.0.0\n    changes: first\n' > "$REPO/prompts/bench/prompt-card.yml"
{
    printf 'description: %s tests against the loopback server\n' "$TESTS"
    printf 'providers:\n  - id: openai:chat:loopback\n    config:\n      apiBaseUrl: %s/v1\n      temperature: 0\n' "$BASE"
    printf 'tests:\n'
    for n in $(seq 1 "$TESTS"); do
        printf '  - vars: {n: %d}\n    assert: [{type: contains, value: "question %d "}]\n' "$n" "$n"
    done
} > "$REPO/prompts/bench/evalsuite.yml"
git -C "$REPO" add -A
git -C "$REPO" commit -qm "benchmark prompt"

export OPENAI_API_KEY=loopback-benchmark-key
wall() { # prints wall seconds of the command; fails when it fails
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    python3 -c "print(f'{$end - $start:.3f}')"
}

# The same requests from a minimal client (Python threads, one kept-alive connection each): the
# floor this server and machine allow, measured in the same run as promptops.
reference() { # prints wall seconds for TESTS requests at concurrency $1
    python3 - "$BASE" "$TESTS" "$1" <<'PY'
import concurrent.futures, http.client, json, sys, threading, time, urllib.parse
base, tests, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
url = urllib.parse.urlparse(base)
local = threading.local()
def one(n):
    if not hasattr(local, "connection"):
        local.connection = http.client.HTTPConnection(url.hostname, url.port)
    body = json.dumps({"model": "loopback", "messages": [{"role": "user", "content": f"Answer question {n} briefly."}]})
    local.connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json", "Authorization": "Bearer x"})
    response = local.connection.getresponse()
    response.read()
    assert response.status == 200, response.status
start = time.time()
with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
    list(pool.map(one, range(1, tests + 1)))
print(f"{time.time() - start:.3f}")
PY
}

status=0
rows=""
for concurrency in 1 8 32; do
    say "concurrency $concurrency"
    before=$(requests)
    seconds=$(wall "$BIN" eval -C "$REPO" --no-cache --no-note --concurrency "$concurrency") || { status=1; seconds=NaN; }
    made=$(( $(requests) - before ))
    [ "$made" -eq "$TESTS" ] || { echo "expected $TESTS requests at concurrency $concurrency, the server got $made" >&2; status=1; }
    ideal=$(python3 -c "print(f'{$TESTS * $LATENCY_MS / 1000 / $concurrency:.3f}')")
    rounds=$(python3 -c "import math; print(f'{math.ceil($TESTS / $concurrency) * $LATENCY_MS / 1000:.3f}')")
    floor=$(reference "$concurrency") || { status=1; floor=NaN; }
    verdict=$(python3 -c "r=$seconds/$ideal; print(f'{(r-1)*100:+.1f}% | ' + ('within 15%' if r <= 1.15 else 'OVER 15%'))")
    versus=$(python3 -c "print(f'{$seconds/$floor:.2f}×')")
    rows+="| $concurrency | $made | $ideal | $rounds | $floor | $seconds | $verdict | $versus |"$'\n'
done

say "cached rerun"
"$BIN" eval -C "$REPO" --no-note --concurrency 32 >/dev/null || status=1
before=$(requests)
cached=$(wall "$BIN" eval -C "$REPO" --no-note --concurrency 32) || { status=1; cached=NaN; }
cached_requests=$(( $(requests) - before ))
[ "$cached_requests" -eq 0 ] || { echo "the cached rerun made $cached_requests requests" >&2; status=1; }

{
    echo "## $(date -u +%Y-%m-%d)"
    echo
    echo "Machine: $(nproc) cores, $(uname -sr); $("$BIN" --version); load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
    echo "Input: one prompt, $TESTS tests, provider \`openai:chat:loopback\` against Tests/Fixtures/openai-server/server.py answering every request after $LATENCY_MS ms. One run each, \`--no-cache --no-note\`."
    echo
    echo "| Concurrency | Requests | Ideal (s) | Whole rounds (s) | Minimal client (s) | promptops (s) | Over ideal | Target | vs minimal client |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
    printf '%s' "$rows"
    echo
    echo "- Cached rerun (same commit, cache filled): **${cached} s**, $cached_requests requests to the server."
    echo "- Ideal = tests × latency ÷ concurrency. Whole rounds = ⌈tests ÷ concurrency⌉ × latency: no schedule can beat it when every answer takes the same time."
    echo "- Minimal client = the same $TESTS requests from Python threads with one kept-alive connection each, against the same server in the same run: the floor of this server and machine."
    echo "- promptops' wall time includes process start, reading the suite from git, rendering, grading, and writing results."
} > "$RESULT_FILE"
cat "$RESULT_FILE"
exit "$status"
