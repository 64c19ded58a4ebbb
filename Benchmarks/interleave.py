#!/usr/bin/env python3
"""Times several commands in interleaved rounds and writes their medians as JSON.

Usage: python3 Benchmarks/interleave.py --runs N --warmup W --export-json FILE \
           --command NAME ARGV_JSON [--command NAME ARGV_JSON ...]

Each round runs every command once, in an order shuffled anew each round (from a fixed seed, so
runs are repeatable), so a slow spell of the machine (another process, a thermal or frequency
change) falls on every command of a pair alike instead of on the whole series of one of them, as
when each command's runs are made back to back, and no command always follows the same one. Commands are started with posix_spawn (no shell), with standard input, output and
error on /dev/null, from the current directory; wall time runs from the spawn to the reaped exit.

The JSON has hyperfine's export shape (`results`: command, mean, stddev, median, min, max, times
and exit_codes per command, times in seconds), so its readers need not care which tool wrote it.
Exit status: 0 when every run was made, whatever the commands' own exit codes; 64 for bad usage;
2 when a command cannot be started.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--export-json", required=True)
    parser.add_argument("--command", nargs=2, action="append", metavar=("NAME", "ARGV_JSON"), required=True)
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit:
        sys.exit(64 if exit.code else 0)
    commands = []
    for name, text in options.command:
        try:
            argv = json.loads(text)
        except json.JSONDecodeError as error:
            print(f"interleave.py: the argv of '{name}' is not JSON: {error}", file=sys.stderr)
            sys.exit(64)
        if not (isinstance(argv, list) and argv and all(isinstance(word, str) for word in argv)):
            print(f"interleave.py: the argv of '{name}' must be a non-empty JSON array of strings", file=sys.stderr)
            sys.exit(64)
        commands.append((name, argv))
    if options.runs < 1 or options.warmup < 0:
        print("interleave.py: --runs must be at least 1 and --warmup at least 0", file=sys.stderr)
        sys.exit(64)
    return options, commands


def run_once(argv, null):
    """Wall seconds from spawn to reaped exit, and the exit code (negative for a signal)."""
    file_actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    start = time.perf_counter_ns()
    try:
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=file_actions)
    except OSError as error:
        print(f"interleave.py: cannot start {argv[0]}: {error}", file=sys.stderr)
        sys.exit(2)
    _, status = os.waitpid(pid, 0)
    elapsed = (time.perf_counter_ns() - start) / 1e9
    return elapsed, os.waitstatus_to_exitcode(status)


def main(argv):
    options, commands = parse_arguments(argv)
    times = [[] for _ in commands]
    codes = [[] for _ in commands]
    null = os.open(os.devnull, os.O_RDWR)
    order = list(range(len(commands)))
    shuffler = random.Random(20261126)
    for round_number in range(options.warmup + options.runs):
        timed = round_number >= options.warmup
        shuffler.shuffle(order)
        for index in order:
            seconds, code = run_once(commands[index][1], null)
            if timed:
                times[index].append(seconds)
                codes[index].append(code)
    results = []
    for (name, _), series, exit_codes in zip(commands, times, codes):
        results.append({
            "command": name,
            "mean": statistics.fmean(series),
            "stddev": statistics.stdev(series) if len(series) > 1 else None,
            "median": statistics.median(series),
            "min": min(series),
            "max": max(series),
            "times": series,
            "exit_codes": exit_codes,
        })
        print(f"{statistics.median(series) * 1000:9.1f} ms median  {min(series) * 1000:8.1f} min  {name}", file=sys.stderr)
    temporary = options.export_json + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump({"results": results}, handle, indent=2)
        handle.write("\n")
    os.replace(temporary, options.export_json)


if __name__ == "__main__":
    main(sys.argv[1:])
