#!/bin/sh
# Type-checks promptops' libgit2 layer (the CLibgit2 module and GitKit, the only code that sees
# libgit2's C API) against the headers of libgit2 versions other than the installed one.
#
#   ci/check-libgit2-headers.sh [SUITE | INCLUDE_DIR]...
#
# For each Debian SUITE (default: bookworm-backports, which has 1.8, and trixie, which has 1.9) it
# downloads that suite's libgit2-dev package with ci/debian-fetch.sh, unpacks it without
# installing it (dpkg-deb -x) under .build-tools/libgit2-headers/, and builds the GitKit target
# against those headers through a pkg-config file of its own: compiling only, never linking, so
# no libgit2 of that version needs to be installed. An argument that is a folder holding
# git2.h (a libgit2 checkout's include/, any version) is checked the same way. The installed
# libgit2-dev (Debian 12's 1.5) is what the ordinary build compiles against. Downloads are kept;
# a second run only compiles.
set -eu

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
cd "$repo_root"
swift=${SWIFT:-swift}
root="$repo_root/.build-tools/libgit2-headers"
if [ "$#" -eq 0 ]; then set -- bookworm-backports trixie; fi

failed=0
for suite in "$@"; do
  if [ -f "$suite/git2.h" ]; then
    include=$(CDPATH='' cd -- "$suite" && pwd -P)
    origin="$include"
    suite=$(echo "$include" | tr '/' '_')
  else
    debs="$root/$suite/debs"
    if ! ls "$debs"/libgit2-dev_*.deb >/dev/null 2>&1; then
      sh "$script_dir/debian-fetch.sh" "$suite" "$debs" libgit2-dev
    fi
    deb=$(ls "$debs"/libgit2-dev_*.deb | sort | tail -n 1)
    headers="$root/$suite/root"
    if [ ! -f "$headers/.from" ] || [ "$(cat "$headers/.from")" != "$(basename "$deb")" ]; then
      rm -rf "$headers"
      dpkg-deb -x "$deb" "$headers"
      basename "$deb" >"$headers/.from"
    fi
    include="$headers/usr/include"
    origin="$suite's libgit2-dev"
  fi
  version=$(sed -n 's/^#define LIBGIT2_VERSION *"\(.*\)"/\1/p' "$include/git2/version.h")
  mkdir -p "$root/$suite/pkgconfig"
  cat >"$root/$suite/pkgconfig/libgit2.pc" <<EOF
Name: libgit2
Description: libgit2 $version headers from $origin (type-checking only)
Version: $version
Libs: -lgit2
Cflags: -I$include
EOF
  echo "Type-checking GitKit against libgit2 $version ($origin)" >&2
  if PKG_CONFIG_PATH="$root/$suite/pkgconfig" "$swift" build --target GitKit \
    --scratch-path "$root/$suite/build" >"$root/$suite/build.log" 2>&1; then
    echo "libgit2 $version: ok" >&2
  else
    grep -E 'error:' "$root/$suite/build.log" | sort -u >&2 || tail -n 30 "$root/$suite/build.log" >&2
    echo "libgit2 $version: FAILED (log: $root/$suite/build.log)" >&2
    failed=1
  fi
done
exit "$failed"
