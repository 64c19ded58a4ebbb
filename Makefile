# promptops: `make demo` runs the whole lifecycle on the bundled example; `make test` runs the tests.
# Both install what they need (libgit2-dev, and for tests a Python venv with check-jsonschema,
# llama-cpp-python and a small GGUF model for the real-model integration test).
#
# `make install` builds a release binary against the system's libgit2 and installs it in
# $(PREFIX)/bin; `make dist` builds the portable binary and its archive in dist/ (see ci/dist.sh).
# `make fuzz` fuzzes every parser of outside input (FUZZ_SECONDS per target, default 60) and
# `make fuzz-smoke` runs each fuzz target briefly (FUZZ_SMOKE_SECONDS, default 5), as CI does.
SWIFT ?= swift
BIN := .build/debug/promptops
VENV_BIN := $(CURDIR)/.build-tools/venv/bin
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
# The commit `promptops --version` reports; "unknown" outside git.
COMMIT := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# On Linux the Swift runtime is linked in, so the installed binary survives toolchain changes.
STATIC_STDLIB := $(if $(filter Linux,$(shell uname -s)),--static-swift-stdlib,)
# For `make dist`: a libgit2 source folder or tarball (default: Debian 13's source package).
LIBGIT2_SOURCE ?=

.PHONY: all deps build demo test check lint format fuzz fuzz-smoke bench clean install uninstall dist dist-deps libgit2-headers test-root

all: build

deps:
	@sh ci/install-deps.sh --libgit2

build: deps
	$(SWIFT) build

demo: build
	@command -v ssh-keygen >/dev/null 2>&1 || sh ci/install-deps.sh --python >/dev/null
	@bash examples/demo.sh $(BIN)

test: deps
	@sh ci/install-deps.sh --python --llm >/dev/null
	PATH="$(VENV_BIN):$$PATH" $(SWIFT) build --build-tests
	PATH="$(VENV_BIN):$$PATH" $(SWIFT) test --skip-build

# The quick tier: everything but the real-model tests (no llama.cpp build, no model download).
# Its build refuses a target that imports another of the package's targets without declaring it.
check: deps lint
	@sh ci/install-deps.sh --python >/dev/null
	PATH="$(VENV_BIN):$$PATH" $(SWIFT) build --build-tests --explicit-target-dependency-import-check error
	PROMPTOPS_SKIP_LLM=1 PATH="$(VENV_BIN):$$PATH" $(SWIFT) test --skip-build

# Formatting and style (the configuration is .swift-format: 120 columns), as CI checks it;
# `make format` rewrites the files in place.
lint:
	$(SWIFT) format lint --strict --parallel -r Sources Tests Fuzz Package.swift

format:
	$(SWIFT) format format -i --parallel -r Sources Tests Fuzz Package.swift

# libFuzzer targets (Fuzz/README.md), built apart from the normal build unless FUZZ_SCRATCH says
# otherwise, and run one at a time.
fuzz: deps
	@SWIFT="$(SWIFT)" bash Fuzz/run.sh

fuzz-smoke: deps
	@SWIFT="$(SWIFT)" bash Fuzz/run.sh --smoke

bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	@bash Benchmarks/run.sh

# A release build against the system's libgit2 (`brew install libgit2` on macOS), installed as
# $(DESTDIR)$(BINDIR)/promptops.
install: deps
	$(SWIFT) build -c release --product promptops $(STATIC_STDLIB) -Xcc '-DPROMPTOPS_BUILD_COMMIT="$(COMMIT)"'
	install -d "$(DESTDIR)$(BINDIR)"
	install -m 0755 "$$($(SWIFT) build -c release --show-bin-path)/promptops" "$(DESTDIR)$(BINDIR)/promptops"
	@"$(DESTDIR)$(BINDIR)/promptops" --version

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/promptops"

dist-deps:
	@sh ci/install-deps.sh --dist

# The portable binary: static libgit2 (no network transports), static Swift runtime on Linux.
dist: dist-deps
	@sh ci/dist.sh $(LIBGIT2_SOURCE)

# Type-checks the libgit2 layer against Debian's libgit2 1.8 and 1.9 headers (downloaded, not installed).
libgit2-headers: dist-deps
	@sh ci/check-libgit2-headers.sh

# A minimal Debian 12 root (no Swift, no libgit2) that the portable-binary tests run it in.
test-root: dist-deps
	@sh ci/make-test-root.sh >/dev/null

clean:
	rm -rf .build .build-dist .build-tools dist
