#!/bin/sh
# Builds a static libgit2 for the portable promptops binary and prints the folder holding its
# pkg-config file (PKG_CONFIG_PATH=$(ci/build-libgit2.sh) swift build ...).
#
#   ci/build-libgit2.sh [SOURCE]
#
# SOURCE is a libgit2 source folder or tarball (upstream's, e.g. on macOS). Without it, Debian
# 13's libgit2 source package (1.9, with Debian's security patches) is fetched with
# ci/debian-fetch.sh and unpacked with dpkg-source. promptops reads local repositories only, so
# this libgit2 has no network transports' dependencies: no HTTPS, SSH, GSSAPI or NTLM. Its regular
# expressions come from the C library (regcomp) and its zlib and HTTP parser are linked
# statically: the result needs nothing but the C library.
#
# The result is cached in .build-tools/libgit2-static/<os>-<arch>, keyed by the source and this
# script: a second run with the same source prints the folder at once. Needs cmake and a C compiler; with Debian's
# source also dpkg-source (dpkg-dev), zlib1g-dev and libhttp-parser-dev (static libz.a and
# libhttp_parser.a; ci/install-deps.sh --dist installs all of these).
set -eu

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
os=$(uname -s | tr '[:upper:]' '[:lower:]')
arch=$(uname -m)
case "$arch" in aarch64) arch=arm64 ;; esac
work="$repo_root/.build-tools/libgit2-static/$os-$arch"
prefix="$work/prefix"
mkdir -p "$work"

source_arg=${1:-}
if [ -z "$source_arg" ]; then
  downloads="$repo_root/.build-tools/libgit2-static/debian-source"
  if ! ls "$downloads"/libgit2_*.dsc >/dev/null 2>&1; then
    echo "Fetching Debian 13's libgit2 source package" >&2
    sh "$script_dir/debian-fetch.sh" --source trixie "$downloads" libgit2
  fi
  dsc=$(ls "$downloads"/libgit2_*.dsc | sort | tail -n 1)
  source_key=$(basename "$dsc" .dsc)
else
  source_key=$(basename "$source_arg")
fi

# A change to this script (its options) builds again too.
source_key="$source_key $(cksum <"$0" | cut -d' ' -f1)"
if [ -f "$work/source-key" ] && [ "$(cat "$work/source-key")" = "$source_key" ] && [ -f "$prefix/lib/libgit2.a" ]; then
  echo "$prefix/pkgconfig"
  exit 0
fi

rm -rf "$work/src" "$work/build" "$prefix" "$work/source-key"
if [ -z "$source_arg" ]; then
  echo "Unpacking $source_key (with Debian's patches)" >&2
  (cd "$downloads" && dpkg-source -x "$(basename "$dsc")" "$work/src" >&2)
elif [ -d "$source_arg" ]; then
  cp -R "$source_arg" "$work/src"
else
  mkdir -p "$work/src"
  tar -xf "$source_arg" -C "$work/src" --strip-components 1
fi

# The HTTP parser: the bundled one where the source has it (upstream's tarball), otherwise the
# system's (Debian removes the bundled copies from its source package). Regular expressions: the
# C library's (regcomp_l on macOS). zlib: the system's, linked statically on Linux (macOS ships
# its own with the system). iconv (macOS's precomposed Unicode file names, as git does): the
# system's.
if [ -d "$work/src/deps/llhttp" ]; then http_parser=builtin; else http_parser=http-parser; fi
if [ "$os" = darwin ]; then
  regex=regcomp_l
  iconv=ON
else
  regex=regcomp
  iconv=OFF
fi

echo "Building libgit2 ($source_key) without network dependencies; takes a few minutes" >&2
cmake -S "$work/src" -B "$work/build" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_INSTALL_LIBDIR=lib \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_OSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-15.0}" \
  -DBUILD_SHARED_LIBS=OFF \
  -DBUILD_TESTS=OFF \
  -DBUILD_CLI=OFF \
  -DBUILD_EXAMPLES=OFF \
  -DUSE_SSH=OFF \
  -DUSE_HTTPS=OFF \
  -DUSE_GSSAPI=OFF \
  -DUSE_NTLMCLIENT=OFF \
  -DUSE_ICONV="$iconv" \
  -DUSE_HTTP_PARSER="$http_parser" \
  -DREGEX_BACKEND="$regex" \
  -DUSE_BUNDLED_ZLIB=OFF \
  -DUSE_SHA1=CollisionDetection \
  -DUSE_SHA256=builtin >"$work/cmake.log" 2>&1 || {
  cat "$work/cmake.log" >&2
  exit 1
}
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
cmake --build "$work/build" --parallel "$jobs" >"$work/build.log" 2>&1 || {
  tail -n 60 "$work/build.log" >&2
  exit 1
}
cmake --install "$work/build" >/dev/null

# A folder holding only static archives, searched before the system's: `-lgit2` and `-lz` (which
# the zlib module asks for too) then find these archives instead of shared libraries.
mkdir -p "$prefix/static"
ln -sf "$prefix/lib/libgit2.a" "$prefix/static/libgit2.a"
extra_libs=""
if [ "$os" = darwin ]; then
  extra_libs=" -lz -liconv"
else
  libz=$(cc -print-file-name=libz.a)
  [ -f "$libz" ] || { echo "build-libgit2.sh: static zlib (libz.a) not found; install zlib1g-dev" >&2; exit 1; }
  ln -sf "$libz" "$prefix/static/libz.a"
  extra_libs="$extra_libs -lz"
fi
if [ "$http_parser" = http-parser ]; then
  parser=$(cc -print-file-name=libhttp_parser.a)
  [ -f "$parser" ] || { echo "build-libgit2.sh: libhttp_parser.a not found; install libhttp-parser-dev" >&2; exit 1; }
  ln -sf "$parser" "$prefix/static/libhttp_parser.a"
  extra_libs="$extra_libs -lhttp_parser"
fi
if [ "$os" = linux ]; then extra_libs="$extra_libs -lpthread -lrt"; fi
# macOS: libgit2 links CoreFoundation and Security only with HTTPS, which this build has not.

version=$(sed -n 's/^#define LIBGIT2_VERSION *"\(.*\)"/\1/p' "$prefix/include/git2/version.h")
mkdir -p "$prefix/pkgconfig"
cat >"$prefix/pkgconfig/libgit2.pc" <<EOF
Name: libgit2
Description: libgit2 $version, static, without network transports (promptops dist build)
Version: $version
Libs: -L$prefix/static -lgit2$extra_libs
Cflags: -I$prefix/include
EOF
# The zlib module's pkg-config file, so its `-lz` resolves in the same static folder first (on
# macOS: the system's zlib, whose pkg-config file Homebrew may not provide).
cat >"$prefix/pkgconfig/zlib.pc" <<EOF
Name: zlib
Description: zlib for the promptops dist build
Version: 1
Libs: -L$prefix/static -lz
Cflags:
EOF
echo "$source_key" >"$work/source-key"
echo "libgit2 $version built in $prefix" >&2
echo "$prefix/pkgconfig"
