#!/usr/bin/env python3
"""Worst-case bounds: the hostile changes a person can write, and the logs a system can export.

Usage: python3 Benchmarks/worst_case.py [--runs N] [--bin PATH]

Builds small repositories under Benchmarks/work/worst/, each holding one adversarial change,
and times `promptops check --staged` (the pre-commit hook) and `promptops gate --base main` (the
merge gate, evals included) on it: the median wall time of N runs (default 5) and the peak
resident memory of the slowest run, as GNU time (`/usr/bin/time`, Debian package `time`)
reports it. The 1 MB cases must finish in under a second. Then a 100 MB prompt with a one-line edit (memory: a few times the file, not
ten) and `logs validate` on a gzip bomb (1 GiB of text without a newline, under 64 MiB).

Each case also checks the verdict: a run that got faster by missing what it must find fails the
benchmark. Writes Benchmarks/results/worst-case.md and prints it. Exit status 0 when every
verdict is right and every bound holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "Benchmarks" / "work" / "worst"
RESULT = ROOT / "Benchmarks" / "results" / "worst-case.md"
MIB = 1 << 20

CARD = """id: p
description: a prompt under attack
version: {version}
changelog:
{changelog}"""

SUITE = """providers: [echo]
tests:
  - vars: {name: Ann}
    assert:
      - type: not-contains
        value: zq-never-zq
  - vars: {name: Bob}
    assert:
      - type: icontains
        value: must
"""


def card(version: str, model: str = "") -> str:
    versions = ["1.0.0"] + ([version] if version != "1.0.0" else [])
    entries = "".join(f"  - version: {v}\n    changes: change {v}\n" for v in versions)
    return CARD.format(version=version, changelog=entries) + model


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def make_repo(name: str, old_text: str | bytes, new_text: str | bytes, *, new_version: str = "1.0.0",
              old_card_extra: str = "", new_card_extra: str = "") -> Path:
    """main holds the old prompt and a suite; branch topic and the index hold the new one."""
    repo = WORK / name
    if repo.exists():
        shutil.rmtree(repo)
    (repo / "prompts" / "p").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "bench@example.com")
    git(repo, "config", "user.name", "bench")

    def write(text: str | bytes, version: str, extra: str) -> None:
        data = text.encode() if isinstance(text, str) else text
        (repo / "prompts" / "p" / "prompt.txt").write_bytes(data)
        (repo / "prompts" / "p" / "prompt-card.yml").write_text(card(version, extra))

    write(old_text, "1.0.0", old_card_extra)
    (repo / "prompts" / "p" / "evalsuite.yml").write_text(SUITE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "base")
    git(repo, "checkout", "-q", "-b", "topic")
    write(new_text, new_version, new_card_extra)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "the change")
    # The same change, staged on top of main, for the pre-commit check.
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "topic", "--", "prompts")
    return repo


GNU_TIME = shutil.which("time", path="/usr/bin:/bin") or ""


def run(binary: str, args: list[str], cwd: Path) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS in KiB, exit status and output of one run.

    The peak is GNU time's (`%M`), not this process's wait4: a child exec'd from a Python
    process starts its peak count from Python's own (the kernel keeps the larger of the two
    across exec), which once reported 712 MiB for a run that peaks at 27 MiB.
    """
    env = dict(os.environ, NO_COLOR="1")
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        start = time.perf_counter()
        process = subprocess.run([GNU_TIME, "-f", "%M", "-o", rss.name, binary, *args], cwd=cwd, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        elapsed = time.perf_counter() - start
        lines = [line for line in rss.read().splitlines() if line.strip().isdigit()]
    if not lines:
        sys.exit(f"worst_case.py: GNU time reported no peak memory for {binary} {' '.join(args)}")
    # GNU time prefixes "Command exited with non-zero status N" to its output file: skip it.
    return elapsed, int(lines[-1]), process.returncode, process.stdout.decode(errors="replace")


def measure(binary: str, args: list[str], cwd: Path, runs: int) -> tuple[float, int, int, str]:
    results = [run(binary, args, cwd) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2], results[-1][3])


def cases() -> list[tuple[str, str, Path, list[str]]]:
    """(name, description, repository, strings the output must contain)."""
    rng = random.Random(20261204)
    words = "answer customer refund policy order item price shipping tone reply".split()
    made = []

    # 1. Many short lines: 1 MB of 8-byte lines, every one rewritten.
    old = "".join(f"l{i:06d}\n" for i in range(125_000))
    new = "".join(f"m{i:06d}\n" for i in range(125_000))
    made.append(("short lines", "1 MB, 125,000 lines, all rewritten, no bump", make_repo("short-lines", old, new),
                 ["version-not-bumped"]))

    # 2. Many constraint lines: 1 MB, every line holds "must" and is rewritten; one loses it.
    lines_old, lines_new = [], []
    for i in range(2_300):
        text = " ".join(rng.choice(words) for _ in range(70))
        lines_old.append(f"You must {text} {i}.")
        lines_new.append(("Please " if i == 1_150 else "You must ") + text + f" {i}!")
    made.append(("constraint lines", "1 MB, 2,300 lines each with `must`, all rewritten, one loses it",
                 make_repo("constraint-lines", "\n".join(lines_old) + "\n", "\n".join(lines_new) + "\n",
                           new_version="1.0.1"),
                 ["constraint-removed", "Please"]))

    # 3. One huge line: 1 MB without a newline, edited in the middle.
    huge = "".join(rng.choice(words) + " " for _ in range(150_000))[: MIB]
    edited = huge[: MIB // 2] + "You must never invent prices. " + huge[MIB // 2:]
    made.append(("one huge line", "1 MB on one line, a clause inserted in the middle, bumped", make_repo(
        "huge-line", "You must never invent prices. " + huge, edited, new_version="1.0.1"), ["passed"]))

    # 4. A card at the nesting and alias limits: its model changes with no bump.
    ladder = "\n".join(
        [f"l1: &l1 [{', '.join(['x'] * 9)}]"]
        + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(2, 6)]) + "\n"
    nested = "nest: " + "[" * 200 + "]" * 200 + "\n"
    made.append(("card at the limits", "alias ladder and nesting in the card, model changed, no bump",
                 make_repo("card-limits", "Hello {{name}}.\nYou must be polite.\n", "Hello {{name}}.\nYou must be polite.\n",
                           old_card_extra=ladder + nested + "model: {id: gpt-4o, pad: *l5}\n",
                           new_card_extra=ladder + nested + "model: {id: gpt-4o-mini, pad: *l5}\n"),
                 ["card-invalid"]))

    # 5. The seed's story: a friendlier rewrite drops the logic clause.
    seed_old = ("You are the pricing assistant.\nYou must never invent prices; quote only the price list.\n"
                "Answer in two sentences.\n")
    seed_new = ("You are our friendly pricing helper!\nFeel free to estimate prices when you are unsure.\n"
                "Answer in two sentences.\n")
    made.append(("the seed's tone rewrite", "a friendlier rewrite that drops `must never invent prices`",
                 make_repo("seed-story", seed_old, seed_new, new_version="1.0.1"),
                 ["constraint-removed", "never invent prices"]))
    return made


def make_big(repo: Path) -> None:
    """The 100 MB case: two million lines, one of them replaced by a constraint line."""
    global WORK
    WORK = repo.parent
    lines = [" ".join(random.Random(i).choice("alpha beta gamma must never order".split()) for _ in range(12)) + f" {i}"
             for i in range(2_000_000)]
    old = "\n".join(lines) + "\n"
    lines[1_000_000] = "You must never answer."
    make_repo(repo.name, old, "\n".join(lines) + "\n", new_version="1.0.1")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bin", default=os.environ.get("PROMPTOPS_BIN", str(ROOT / ".build" / "release" / "promptops")))
    parser.add_argument("--make-big", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.make_big:
        make_big(Path(options.make_big))
        return 0
    if not GNU_TIME:
        print("worst_case.py: GNU time is needed for peak memory (`apt-get install time`)", file=sys.stderr)
        return 2
    if not os.access(options.bin, os.X_OK):
        print(f"worst_case.py: no promptops binary at {options.bin}; build it with "
              "`swift build -c release --static-swift-stdlib` or pass --bin", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    ok = True
    rows = []
    for name, description, repo, expected in cases():
        for label, args in (("check --staged", ["check", "--staged"]), ("gate", ["gate", "--base", "main", "--head", "topic"])):
            seconds, rss, status, output = measure(options.bin, args, repo, options.runs)
            found = all(text in output for text in expected)
            verdict_ok = found and status in (0, 1)
            bound_ok = seconds < 1.0
            ok = ok and verdict_ok and bound_ok
            rows.append(f"| {name} | {description} | `{label}` | {seconds:.3f} | {rss / 1024:.0f} | exit {status}"
                        f"{'' if verdict_ok else ' (wrong verdict)'} | {'met' if bound_ok else 'MISSED'} |")
            print(rows[-1], file=sys.stderr)

    # A 100 MB prompt with a one-line edit: memory a few times the file. Made by a child
    # process: a child's peak memory, as the kernel counts it, starts from what it was forked
    # from, so this process must never hold the 100 MB itself.
    repo = WORK / "hundred-megabytes"
    subprocess.run([sys.executable, __file__, "--make-big", str(repo)], check=True)
    size = (repo / "prompts" / "p" / "prompt.txt").stat().st_size
    seconds, rss, status, output = measure(options.bin, ["check", "--staged"], repo, 1)
    ratio = rss * 1024 / size
    bound_ok = ratio <= 4
    ok = ok and bound_ok and status in (0, 1)
    big_row = (f"| {size / MIB:.0f} MB prompt, one line edited | `check --staged` | {seconds:.2f} s | {rss / 1024:.0f} MiB | "
               f"{ratio:.1f}× the file | {'met' if bound_ok else 'MISSED'} (≤ 4×) |")
    print(big_row, file=sys.stderr)
    shutil.rmtree(repo)

    # logs validate on a gzip bomb: 1 GiB of text without a newline.
    bomb = WORK / "bomb.jsonl.gz"
    if not bomb.exists():
        with gzip.open(bomb, "wb", compresslevel=9) as out:
            block = b"a" * MIB
            for _ in range(1024):
                out.write(block)
    seconds, rss, status, output = measure(options.bin, ["logs", "validate", str(bomb)], WORK, 1)
    bomb_ok = rss < 64 * 1024 and status == 1 and "longer than" in output
    ok = ok and bomb_ok
    bomb_row = (f"| `logs validate`, gzip bomb ({bomb.stat().st_size / MIB:.1f} MB holding 1 GiB without a newline) | "
                f"{seconds:.2f} s | {rss / 1024:.0f} MiB | exit {status} | {'met' if bomb_ok else 'MISSED'} (< 64 MiB) |")
    print(bomb_row, file=sys.stderr)

    machine = subprocess.run(["uname", "-srm"], capture_output=True, text=True).stdout.strip()
    cpus = os.cpu_count()
    report = f"""# Worst-case bounds

Measured {time.strftime('%Y-%m-%d')} with `python3 Benchmarks/worst_case.py --runs {options.runs}` ({machine},
{cpus} cores), binary `{Path(options.bin).relative_to(ROOT) if Path(options.bin).is_relative_to(ROOT) else options.bin}`.
Each change is a hostile one a person can write; times are medians of {options.runs} runs, memory the
peak resident size (GNU time's %M). Target: every row under one second, with the right verdict.

| case | change | command | seconds | peak MiB | verdict | < 1 s |
|---|---|---|---:|---:|---|---|
""" + "\n".join(rows) + """

| large input | command | time | peak memory | ratio | bound |
|---|---|---:|---:|---:|---|
""" + big_row + """

| log | time | peak memory | verdict | bound |
|---|---:|---:|---|---|
""" + bomb_row + "\n"
    RESULT.write_text(report)
    print(report)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
