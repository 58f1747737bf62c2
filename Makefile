# hops: build, test, demo and benchmarks. Each target first installs what a fresh machine lacks.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libedit-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 jq
TOOLS := $(CURDIR)/tools
DENO := $(TOOLS)/deno/bin/deno
HOPS_DEBUG := .build/debug/hops
HOPS_RELEASE := .build/release/hops
# Python packages the tests use: jsonschema and pyyaml (spec checks, the pre-commit hook's
# definition), sarif-pydantic (the SARIF models `hops check --format sarif` is validated with).
PIP_PACKAGES := jsonschema pyyaml sarif-pydantic
PIP_MODULES := jsonschema, yaml, sarif_pydantic

.PHONY: all deps build test demo bench clean

all: build

deps: $(TOOLS)/.apt-ok $(DENO)

# apt packages, installed only when one is missing.
$(TOOLS)/.apt-ok: Makefile
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null \
	    || { echo "error: could not install$$missing (run as root or install them by hand)"; exit 1; }; \
	fi
	@python3 -c 'import $(PIP_MODULES)' 2>/dev/null || pip install -q $(PIP_PACKAGES)
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
	HOPS_DENO=$(DENO) $(SWIFT) test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

demo: build
	@HOPS_DENO=$(DENO) $(HOPS_DEBUG) run notebooks/walkthrough.hops

bench: deps
	$(SWIFT) build -c release --static-swift-stdlib
	@HOPS_DENO=$(DENO) python3 Tests/Benchmarks/bench.py $(HOPS_RELEASE)

clean:
	rm -rf .build tools
