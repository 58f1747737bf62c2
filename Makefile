# hops: build, test, demo and benchmarks. Each target first installs what a fresh machine lacks.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libedit-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 jq python3-venv openssl
TOOLS := $(CURDIR)/tools
DENO := $(TOOLS)/deno/bin/deno
HOPS_DEBUG := .build/debug/hops
HOPS_RELEASE := .build/release/hops

.PHONY: all deps build test demo bench fuzz clean

all: build

deps: $(TOOLS)/.apt-ok $(DENO)

# apt packages, installed only when one is missing.
$(TOOLS)/.apt-ok:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null \
	    || { echo "error: could not install$$missing (run as root or install them by hand)"; exit 1; }; \
	fi
	@python3 -c 'import jsonschema, yaml' 2>/dev/null || pip install -q jsonschema pyyaml
	@mkdir -p $(TOOLS) && touch $@

# Deno from the PyPI package, into the git-ignored tools folder (hops also finds one on PATH).
$(DENO):
	@if command -v deno >/dev/null 2>&1; then \
	  mkdir -p $(dir $@) && ln -sf "$$(command -v deno)" $@; \
	else \
	  echo "installing deno from PyPI into tools/deno"; \
	  pip install -q --target $(TOOLS)/deno deno; \
	fi
	@$@ --version | head -1

build: deps
	$(SWIFT) build

test: build
	python3 -m unittest discover -s Tests/Support/windmill-standin
	HOPS_DENO=$(DENO) $(SWIFT) test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

demo: build
	@HOPS_DENO=$(DENO) $(HOPS_DEBUG) run notebooks/walkthrough.hops

bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	@HOPS_DENO=$(DENO) python3 Tests/Benchmarks/bench.py $(HOPS_RELEASE)

# Mutated real flows through check, dry-run and show, each in its own process: prints the inputs
# tried, crashes, hangs and peak memory; failing inputs are kept in .build/fuzz.
FUZZ_SEED ?= 1
FUZZ_COUNT ?= 1000
fuzz: build
	@python3 Tests/Fuzz/fuzz_flows.py --hops $(HOPS_DEBUG) --seed $(FUZZ_SEED) --count $(FUZZ_COUNT) --keep .build/fuzz

clean:
	rm -rf .build tools
