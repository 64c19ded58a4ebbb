#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/Targets, declared in Package.swift under PROMPTOPS_FUZZ=1)
# with -sanitize=fuzzer,address and runs each for a while, one at a time.
#
#   Fuzz/run.sh [--smoke] [TARGET…]
#
# FUZZ_SECONDS (default 60; FUZZ_SMOKE_SECONDS, default 5, with --smoke) bounds each target's run.
# FUZZ_SCRATCH is the build folder (default .build/fuzz): apart from the normal build's, which
# -sanitize would otherwise rebuild from scratch on every switch.
# New inputs go to .build/fuzz-corpus/TARGET (the committed seeds in Fuzz/corpus/TARGET are
# read, never written); crashes, hangs and huge allocations are written to
# .build/fuzz-artifacts/TARGET/, and the script exits 1 naming them.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
if [[ "${1:-}" == "--smoke" ]]; then smoke=1; shift; fi
all_targets=(
  FuzzIndexFile FuzzPromptCard FuzzConfiguration FuzzEvalSuite FuzzTestFile FuzzApprovalRecord
  FuzzAllowedSigners FuzzSSHSignature FuzzLockFile FuzzAuditLog FuzzLogLine FuzzLogFile
)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
if [[ $smoke == 1 ]]; then seconds=${FUZZ_SMOKE_SECONDS:-5}; else seconds=${FUZZ_SECONDS:-60}; fi
scratch=${FUZZ_SCRATCH:-.build/fuzz}
swift=${SWIFT:-swift}

mkdir -p .build/fuzz-artifacts
for target in "${targets[@]}"; do
  build_log=.build/fuzz-artifacts/build.log
  if ! PROMPTOPS_FUZZ=1 "$swift" build -c debug --scratch-path "$scratch" -j "${FUZZ_BUILD_JOBS:-2}" \
    -Xswiftc -sanitize=fuzzer,address --product "$target" >"$build_log" 2>&1; then
    grep -v "Cannot export local symbol" "$build_log" | tail -40 >&2
    echo "fuzz: building $target failed" >&2
    exit 2
  fi
done
echo "fuzz: built ${#targets[@]} targets in $scratch/debug"

# Swift's runtime keeps caches for the life of the process; only real leaks would be noise here,
# and the targets look for crashes, hangs and unbounded allocation, not leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:allocator_may_return_null=0}
failed=()
for target in "${targets[@]}"; do
  corpus=.build/fuzz-corpus/$target
  artifacts=.build/fuzz-artifacts/$target
  mkdir -p "$corpus" "$artifacts" "Fuzz/corpus/$target"
  echo "fuzz: $target for ${seconds}s"
  log=$artifacts/run.log
  if "$scratch/debug/$target" "$corpus" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -max_len="${FUZZ_MAX_LEN:-16384}" -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$log" | tr '\n' ' ' | sed 's/^/  /'
    echo
  else
    echo "fuzz: $target FAILED; its log is $log:" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|artifact_prefix|Test unit written|.*deadly signal|.*-timeout)' "$log" | head -20 >&2 || tail -30 "$log" >&2
    failed+=("$target")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]} (inputs in .build/fuzz-artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a finding"
