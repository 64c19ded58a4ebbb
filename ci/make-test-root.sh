#!/bin/sh
# Makes (once) a minimal Debian 12 root for testing the portable binary where no Swift toolchain
# and no libgit2 are installed, and prints its path.
#
#   ci/make-test-root.sh
#
# `debootstrap --variant=minbase bookworm` into .build-tools/debian-root/bookworm, from the
# Debian mirror the host's apt uses (ci/debian-fetch.sh --mirror). A root left half-made by an
# interrupted run is made again. Needs root (debootstrap creates device nodes and owners).
set -eu

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
root="$repo_root/.build-tools/debian-root/bookworm"
if [ -f "$root/.promptops-complete" ]; then
  echo "$root"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "make-test-root.sh: debootstrap needs root" >&2
  exit 1
fi
debootstrap=$(command -v debootstrap || echo /usr/sbin/debootstrap)
mirror=$(sh "$script_dir/debian-fetch.sh" --mirror)
rm -rf "$root"
mkdir -p "$(dirname "$root")"
echo "Making a minimal Debian 12 root in $root (about a minute)" >&2
"$debootstrap" --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -n 30 "$root.log" >&2
  exit 1
}
touch "$root/.promptops-complete"
echo "$root"
