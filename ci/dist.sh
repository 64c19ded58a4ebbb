#!/bin/sh
# Builds the portable promptops binary and its release archive (`make dist`).
#
#   ci/dist.sh [LIBGIT2_SOURCE]
#
# Writes dist/promptops-<version>-<os>-<arch>.tar.gz (the stripped `promptops` executable alone)
# and beside it the archive's .sha256 (sha256sum's format), and prints the archive's path. libgit2
# comes from ci/build-libgit2.sh (static, no network transports; LIBGIT2_SOURCE is passed on to
# it), and on Linux the Swift standard library and Foundation are linked statically, so the binary
# needs only the C library (HTTP eval providers use the HTTP client and TLS linked in). macOS
# links the Swift runtime of the system (macOS 13 and later ship it). The version is the one
# the sources declare; the commit is HEAD's, or "unknown" outside git.
#
# Environment: SWIFT (default swift), DIST_DIR (default dist), SWIFT_BUILD_FLAGS (appended).
set -eu

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
cd "$repo_root"
swift=${SWIFT:-swift}
dist_dir=${DIST_DIR:-dist}

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$os" in darwin) os=macos ;; esac
arch=$(uname -m)
case "$arch" in aarch64) arch=arm64 ;; amd64) arch=x86_64 ;; esac

version=$(sed -n 's/^public let promptOpsVersion = "\(.*\)"$/\1/p' Sources/PromptModel/ProductVersion.swift)
[ -n "$version" ] || { echo "dist.sh: promptOpsVersion not found in the sources" >&2; exit 1; }
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)

pkg_config_dir=$(sh "$script_dir/build-libgit2.sh" "${1:-}")

static_flags=""
if [ "$os" = linux ]; then
  # The Swift runtime and Foundation, and the C++ runtime and unwinder they use (libstdc++ and
  # libgcc_s), linked in: a folder holding only libstdc++.a, searched first, makes the runtime's
  # `-lstdc++` pick the archive.
  runtime_dir="$repo_root/.build-tools/dist-runtime/$os-$arch"
  mkdir -p "$runtime_dir"
  libstdcxx=$(c++ -print-file-name=libstdc++.a 2>/dev/null || cc -print-file-name=libstdc++.a)
  [ -f "$libstdcxx" ] || { echo "dist.sh: libstdc++.a not found (Debian: libstdc++-12-dev)" >&2; exit 1; }
  ln -sf "$libstdcxx" "$runtime_dir/libstdc++.a"
  static_flags="--static-swift-stdlib -Xswiftc -L$runtime_dir -Xswiftc -Xclang-linker -Xswiftc -static-libgcc"
fi
echo "Building promptops $version ($commit) for $os-$arch" >&2
# shellcheck disable=SC2086 # the flag lists are words
PKG_CONFIG_PATH="$pkg_config_dir" "$swift" build -c release --product promptops --scratch-path .build-dist \
  $static_flags -Xcc "-DPROMPTOPS_BUILD_COMMIT=\"$commit\"" ${SWIFT_BUILD_FLAGS:-} >&2
binary=$("$swift" build -c release --scratch-path .build-dist --show-bin-path)/promptops

name="promptops-$version-$os-$arch"
stage="$dist_dir/$name"
rm -rf "$stage"
mkdir -p "$stage"
cp "$binary" "$stage/promptops"
if [ "$os" = macos ]; then strip -x "$stage/promptops"; else strip --strip-all "$stage/promptops"; fi

archive="$dist_dir/$name.tar.gz"
# A fixed owner: the archive does not carry the builder's user.
if tar --version 2>/dev/null | grep -q 'GNU tar'; then
  tar -C "$stage" -cf - --owner=0 --group=0 --numeric-owner promptops | gzip -n -9 >"$archive"
else
  tar -C "$stage" -cf - --uid 0 --gid 0 promptops | gzip -n -9 >"$archive"
fi
(
  cd "$dist_dir"
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$name.tar.gz" >"$name.tar.gz.sha256"
  else
    shasum -a 256 "$name.tar.gz" >"$name.tar.gz.sha256"
  fi
)
size=$(wc -c <"$stage/promptops" | tr -d ' ')
archive_size=$(wc -c <"$archive" | tr -d ' ')
echo "promptops $version: binary $size bytes, archive $archive_size bytes" >&2
echo "$archive"
