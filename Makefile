# hops: build, test, demo and benchmarks. Each target first installs what a fresh machine lacks.
SHELL := /bin/bash
SWIFT ?= swift
# Chromium (headless) renders the HTML run report in the tests.
BROWSER_PACKAGES := chromium
APT_PACKAGES := libedit-dev libcurl4-openssl-dev libsqlite3-dev sqlite3 jq python3-venv openssl $(BROWSER_PACKAGES)
TOOLS := $(CURDIR)/tools
DENO := $(TOOLS)/deno/bin/deno
HOPS_DEBUG := .build/debug/hops
HOPS_RELEASE := .build/release/hops
# Python packages the tests use: jsonschema and pyyaml (spec checks, the pre-commit hook's
# definition), sarif-pydantic (the SARIF models `hops check --format sarif` is validated with).
PIP_PACKAGES := jsonschema pyyaml sarif-pydantic
PIP_MODULES := jsonschema, yaml, sarif_pydantic
# The commit the build is stamped with; written by `make`, git-ignored, optional for `swift build`.
COMMIT_STAMP := Sources/hops/BuildInfo+Commit.swift

# make install PREFIX=/usr/local (DESTDIR for packaging): the binary and its stdlib/ in
# $(PREFIX)/lib/hops with a link in $(PREFIX)/bin, man pages, bash, zsh and fish completions.
PREFIX ?= /usr/local
LIBDIR = $(DESTDIR)$(PREFIX)/lib/hops
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
MANUAL := .build/manual

.PHONY: all deps build release test demo bench install uninstall commit-stamp fuzz clean

all: build

deps: $(TOOLS)/.apt-ok $(DENO)

# apt packages, installed only when one is missing.
$(TOOLS)/.apt-ok: Makefile
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; done; \
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

# The commit of the tree, `-modified` when it has uncommitted changes; rewritten only when it changes.
commit-stamp:
	@if commit=$$(git rev-parse --short=12 HEAD 2>/dev/null); then \
	  git diff --quiet HEAD 2>/dev/null || commit="$$commit-modified"; \
	  printf '// Written by make: the commit this tree was built from.\nextension BuildInfo {\n    static var commit: String? { "%s" }\n}\n' "$$commit" > $(COMMIT_STAMP).new; \
	  cmp -s $(COMMIT_STAMP).new $(COMMIT_STAMP) && rm $(COMMIT_STAMP).new || mv $(COMMIT_STAMP).new $(COMMIT_STAMP); \
	else rm -f $(COMMIT_STAMP); fi

build: deps commit-stamp
	$(SWIFT) build

# The release binary with the Swift runtime linked in: what `make install` and `make bench` use.
# It loads no library of its own, so it has no `$ORIGIN` search path: the loader would look for
# libc and libm in 16 places beside the binary before the system's, at every start.
release: deps commit-stamp
	$(SWIFT) build -c release --static-swift-stdlib --disable-local-rpath

test: build
	python3 -m unittest discover -s Tests/Support/windmill-standin
	HOPS_DENO=$(DENO) $(SWIFT) test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

demo: build
	@HOPS_DENO=$(DENO) $(HOPS_DEBUG) run notebooks/walkthrough.hops

bench: release
	@HOPS_DENO=$(DENO) python3 Tests/Benchmarks/bench.py $(HOPS_RELEASE)

# Mutated real flows through check, dry-run and show, each in its own process: prints the inputs
# tried, crashes, hangs and peak memory; failing inputs are kept in .build/fuzz.
FUZZ_SEED ?= 1
FUZZ_COUNT ?= 1000
fuzz: build
	@python3 Tests/Fuzz/fuzz_flows.py --hops $(HOPS_DEBUG) --seed $(FUZZ_SEED) --count $(FUZZ_COUNT) --keep .build/fuzz

# Man pages from the command definitions, written by argument-parser's own generate-manual tool
# (what its GenerateManual plugin runs, built here on its own so the release build is not redone);
# completions from the binary itself.
install: release
	$(SWIFT) build --package-path .build/checkouts/swift-argument-parser --scratch-path .build/manual-tool \
	  --product generate-manual
	@rm -rf $(MANUAL) && mkdir -p $(MANUAL)
	.build/manual-tool/debug/generate-manual $(HOPS_RELEASE) --multi-page --output-directory $(MANUAL)
	install -d $(LIBDIR) $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(HOPS_RELEASE) $(LIBDIR)/hops
	install -m 755 .build/release/hops-step $(LIBDIR)/hops-step
	rm -rf $(LIBDIR)/stdlib && cp -R stdlib $(LIBDIR)/stdlib
	ln -sf ../lib/hops/hops $(BINDIR)/hops
	install -m 644 $(MANUAL)/*.1 $(MANDIR)/
	$(HOPS_RELEASE) --generate-completion-script bash > $(BASHDIR)/hops
	$(HOPS_RELEASE) --generate-completion-script zsh > $(ZSHDIR)/_hops
	$(HOPS_RELEASE) --generate-completion-script fish > $(FISHDIR)/hops.fish
	@$(BINDIR)/hops --version

uninstall:
	rm -rf $(LIBDIR)
	rm -f $(BINDIR)/hops $(BASHDIR)/hops $(ZSHDIR)/_hops $(FISHDIR)/hops.fish
	rm -f $(MANDIR)/hops.1 $(MANDIR)/hops.*.1

clean:
	rm -rf .build tools $(COMMIT_STAMP)
