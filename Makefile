# promptops: `make demo` runs the gate on the bundled example; `make test` runs the test suite;
# `make fuzz` fuzzes every parser of outside input (FUZZ_SECONDS per target, default 60) and
# `make fuzz-smoke` runs each fuzz target briefly (FUZZ_SMOKE_SECONDS, default 5), as CI does.
# `make demo` and `make test` install what they need (libgit2-dev, and for tests a Python venv
# with check-jsonschema, llama-cpp-python and a small GGUF model for the real-model integration test).
SWIFT ?= swift
BIN := .build/debug/promptops
VENV_BIN := $(CURDIR)/.build-tools/venv/bin

.PHONY: all deps build demo test check fuzz fuzz-smoke bench clean

all: build

deps:
	@sh ci/install-deps.sh --libgit2

build: deps
	$(SWIFT) build

demo: build
	@bash examples/demo.sh $(BIN)

test: deps
	@sh ci/install-deps.sh --python --llm >/dev/null
	PATH="$(VENV_BIN):$$PATH" $(SWIFT) build --build-tests
	PATH="$(VENV_BIN):$$PATH" $(SWIFT) test --skip-build

# The quick tier: everything but the real-model tests (no llama.cpp build, no model download).
check: deps
	@sh ci/install-deps.sh --python >/dev/null
	PATH="$(VENV_BIN):$$PATH" $(SWIFT) build --build-tests
	PROMPTOPS_SKIP_LLM=1 PATH="$(VENV_BIN):$$PATH" $(SWIFT) test --skip-build

# libFuzzer targets (Fuzz/README.md), built apart from the normal build unless FUZZ_SCRATCH says
# otherwise, and run one at a time.
fuzz: deps
	@SWIFT="$(SWIFT)" bash Fuzz/run.sh

fuzz-smoke: deps
	@SWIFT="$(SWIFT)" bash Fuzz/run.sh --smoke

bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	@bash Benchmarks/run.sh

clean:
	rm -rf .build .build-tools
