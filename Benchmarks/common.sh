# Shared by the benchmark scripts (sourced, not run, right after `set -euo pipefail`).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR="$ROOT/Benchmarks"
WORK_DIR="$BENCH_DIR/work"
RESULTS_DIR="$BENCH_DIR/results"
BIN=${PROMPTOPS_BIN:-$ROOT/.build/release/promptops}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

# Install a Debian package when a tool is missing and we may do so; otherwise fail.
need_package() {
    local what=$1 package=$2
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing $package (for $what)"
        if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null \
                || die "could not install $package"
        fi
    else
        die "$what is missing: install the Debian package '$package' (apt-get install $package) and run again"
    fi
}
