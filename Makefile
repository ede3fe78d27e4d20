# Two commands do all set-up on a fresh Debian machine (root, Swift 6.3.1):
#   make up     build (release) and run `supervisor up mainpc` with the default manifest
#   make test   install what the tests need and run the whole suite
SWIFT ?= swift
HOST ?= mainpc
RELEASE_BIN = .build/release

.PHONY: up build test deps check plan clean bench bench-quick

deps:
	@if ! pkg-config --exists libzmq 2>/dev/null; then \
		echo "installing libzmq3-dev"; \
		(apt-get update -qq && apt-get install -y -qq libzmq3-dev pkg-config) >/dev/null; \
	fi
	@python3 -c "import zmq" 2>/dev/null || python3 -m pip install -q pyzmq

build: deps
	$(SWIFT) build -c release

up: build
	$(RELEASE_BIN)/supervisor up $(HOST)

check: build
	$(RELEASE_BIN)/supervisor check

plan: build
	$(RELEASE_BIN)/supervisor plan $(HOST)

test: deps
	$(SWIFT) build
	$(SWIFT) test

clean:
	rm -rf .build

# make bench: start-up, footprint, restart and status benchmarks against supervisord and circus
# (installed into .build/bench-venv); prints one table and writes it to BENCHMARKS.md.
BENCH_VENV = .build/bench-venv
BENCH_PY = $(BENCH_VENV)/bin/python
BENCH_STAMP = $(BENCH_VENV)/.installed

$(BENCH_STAMP):
	@python3 -m venv $(BENCH_VENV) 2>/dev/null || { rm -rf $(BENCH_VENV); \
		(apt-get update -qq && apt-get install -y -qq python3-venv) >/dev/null; python3 -m venv $(BENCH_VENV); }
	$(BENCH_PY) -m pip install -q --disable-pip-version-check supervisor==4.3.0 circus==0.19.0 pyzmq pyyaml
	@touch $(BENCH_STAMP)

bench: build $(BENCH_STAMP)
	$(BENCH_PY) bench/bench.py

bench-quick: build $(BENCH_STAMP)
	$(BENCH_PY) bench/bench.py --quick
