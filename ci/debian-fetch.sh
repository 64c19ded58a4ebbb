#!/bin/sh
# Downloads Debian packages of any release without installing them or touching the system's apt.
#
#   ci/debian-fetch.sh SUITE DEST PACKAGE...            binary packages (.deb) into DEST
#   ci/debian-fetch.sh --source SUITE DEST PACKAGE...   source packages (.dsc, tarballs) into DEST
#   ci/debian-fetch.sh --mirror                          prints the Debian mirror it uses
#
# SUITE is a Debian suite (trixie, bookworm-backports, sid). apt runs with a private state folder
# (.build-tools/apt/SUITE), so the host's own sources and package database are neither read nor
# changed; signatures are checked against the host's Debian archive keyring as usual. The mirror is
# the one the host's apt already uses (its first Debian `URIs:` or `deb` line), or $DEBIAN_MIRROR.
# Files already in DEST are not downloaded again. Needs apt (Debian or Ubuntu) and
# debian-archive-keyring.
set -eu

source_mode=0
mirror_only=0
case "${1:-}" in
  --source)
    source_mode=1
    shift
    ;;
  --mirror) mirror_only=1 ;;
esac
if [ "$mirror_only" -eq 0 ] && [ "$#" -lt 3 ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -r "$keyring" ]; then
  echo "debian-fetch.sh: $keyring is missing (apt-get install debian-archive-keyring)" >&2
  exit 1
fi

# The Debian mirror the host already uses, from deb822 sources or the one-line format.
host_mirror() {
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -r "$file" ] || continue
    awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' "$file"
  done | head -n 1
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$file" ] || continue
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i ~ /\/debian\/?$/) { print $i; exit } }' "$file"
  done | head -n 1
}
mirror=${DEBIAN_MIRROR:-$(host_mirror | head -n 1)}
if [ -z "$mirror" ]; then
  echo "debian-fetch.sh: no Debian mirror in /etc/apt sources; set DEBIAN_MIRROR" >&2
  exit 1
fi
if [ "$mirror_only" -eq 1 ]; then
  echo "$mirror"
  exit 0
fi
suite=$1
dest=$2
shift 2

state="$repo_root/.build-tools/apt/$suite"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/parts" "$dest"
: >"$state/status"
{
  echo "deb [signed-by=$keyring] $mirror $suite main"
  echo "deb-src [signed-by=$keyring] $mirror $suite main"
} >"$state/sources.list"

apt_private() {
  apt-get -q \
    -o Dir::Etc::SourceList="$state/sources.list" \
    -o Dir::Etc::SourceParts="$state/parts" \
    -o Dir::State::Lists="$state/lists" \
    -o Dir::State::status="$state/status" \
    -o Dir::Cache="$state/cache" \
    -o Debug::NoLocking=1 \
    -o APT::Sandbox::User=root \
    "$@"
}

# The package lists are fetched again after a day; a download that misses them refreshes once.
if [ -z "$(find "$state/lists" -name '*_InRelease' -mtime -1 2>/dev/null)" ]; then
  apt_private update >&2
fi

cd "$dest"
if [ "$source_mode" -eq 1 ]; then
  apt_private source --download-only "$@" >&2
else
  apt_private download "$@" >&2
fi
