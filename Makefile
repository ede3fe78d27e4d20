# Two commands do all set-up on a fresh Debian machine (root, Swift 6.3.1):
#   make up     build (release) and run `supervisor up mainpc` with the default manifest
#   make test   install what the tests need and run the whole suite
# make install [PREFIX=/usr/local] [DESTDIR=]: supervisor and agent-sim on PATH, with shell
# completions and a man page; make uninstall removes them.
SWIFT ?= swift
HOST ?= mainpc
RELEASE_BIN = .build/release
# Release binaries link the Swift runtime and Foundation statically: no dozen shared libraries
# to load and relocate per process (a CLI verb starts in about two thirds of the CPU time) and a
# smaller daemon RSS (measured in BENCHMARKS.md). `make build RELEASE_FLAGS=` links them shared.
# They are linked by lld with packed relative relocations (DT_RELR, glibc 2.36 and later: Debian
# 12, Ubuntu 22.10): a position-independent binary of this size otherwise carries 1.9 MiB of
# relocation records that every process reads at start-up and keeps resident. With an older glibc
# the binaries keep the default linker and relocations.
RELR_FLAGS := $(shell v=$$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $$2}'); \
	[ -n "$$v" ] && [ "$$(printf '%s\n2.36\n' "$$v" | sort -V | head -n1)" = 2.36 ] && \
	echo "-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs")
RELEASE_FLAGS ?= --static-swift-stdlib $(RELR_FLAGS)

.PHONY: up build install uninstall test test-cgroup-v2 test-engine image deps test-deps check plan clean bench bench-quick

deps:
	@if ! pkg-config --exists libzmq 2>/dev/null; then \
		echo "installing libzmq3-dev"; \
		(apt-get update -qq && apt-get install -y -qq libzmq3-dev pkg-config) >/dev/null; \
	fi

# The tests' Python: a venv under .build (Debian 12's own Python refuses `pip install`, PEP 668),
# created with python3-venv (installed when missing) and holding what the tests' Python code
# imports or runs. The tests find it there (Tests/IntegrationTests/TestPython.swift), and
# `make test` also names it in SUPERVISOR_TEST_PYTHON. Checked again when this file changes.
TEST_VENV = .build/test-venv
TEST_PY = $(TEST_VENV)/bin/python3
TEST_STAMP = $(TEST_VENV)/.installed
TEST_PACKAGES = pyzmq jsonschema pyyaml kubernetes-validate

$(TEST_STAMP): Makefile
	@if ! command -v python3 >/dev/null || ! python3 -m venv $(TEST_VENV) >/dev/null 2>&1; then \
		rm -rf $(TEST_VENV); echo "installing python3-venv"; \
		(apt-get update -qq && apt-get install -y -qq python3 python3-venv) >/dev/null; \
		python3 -m venv $(TEST_VENV); \
	fi
	@echo "installing $(TEST_PACKAGES) into $(TEST_VENV)"
	@$(TEST_PY) -m pip install -q --disable-pip-version-check $(TEST_PACKAGES)
	@touch $@

test-deps: deps $(TEST_STAMP)

build: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS)

# make install: the release binaries, bash, zsh and fish completions and supervisor(1) under
# $(DESTDIR)$(PREFIX) (deploy/install.sh lists the places; DESTDIR for staging a package).
PREFIX ?= /usr/local
DESTDIR ?=

install: build
	DESTDIR="$(DESTDIR)" deploy/install.sh $(RELEASE_BIN) "$(PREFIX)"

uninstall:
	DESTDIR="$(DESTDIR)" deploy/install.sh --uninstall "$(PREFIX)"

up: build
	$(RELEASE_BIN)/supervisor up $(HOST)

check: build
	$(RELEASE_BIN)/supervisor check

plan: build
	$(RELEASE_BIN)/supervisor plan $(HOST)

test: test-deps
	$(SWIFT) build
	SUPERVISOR_TEST_PYTHON=$(CURDIR)/$(TEST_PY) $(SWIFT) test

# make test-cgroup-v2: the limits checks on a real cgroup v2 kernel (this machine binds memory,
# cpu and pids to v1). Boots Debian's kernel with cgroup_no_v1=all under QEMU's software
# emulation, qemu-system-x86 installed and the kernel and busybox fetched with apt into
# .build/cgroup-v2 on first use; the release binaries run inside against the real v2 hierarchy
# (Tests/cgroup-v2/). Prints SKIPPED and why where the VM cannot start; fails when a check fails.
test-cgroup-v2: build
	Tests/cgroup-v2/run-vm.sh $(RELEASE_BIN)

# make image: the image `supervisor export compose|swarm` runs agents in (supervisor-agents:latest):
# a Debian 12 root file system from debootstrap, imported without any registry, plus agent-sim
# (deploy/image/build.sh; debootstrap installed when missing). Needs root and a Docker daemon.
image: build
	@command -v debootstrap >/dev/null || (apt-get update -qq && apt-get install -y -qq debootstrap) >/dev/null
	deploy/image/build.sh $(RELEASE_BIN)

# make test-engine: the Compose and Swarm exports of the 84-agent manifest run on a Docker
# Engine of the test's own (Tests/engine/run.sh): installs docker.io, docker-compose and
# debootstrap when missing, builds the image, waits for 84 healthy containers, kills one, and
# leaves nothing behind. Prints SKIPPED and why where dockerd cannot start; fails when a check fails.
test-engine: build test-deps
	Tests/engine/run.sh $(RELEASE_BIN) $(TEST_PY)

clean:
	rm -rf .build

# make bench: start-up, footprint, restart, status and scale benchmarks against supervisord, circus
# and plain loops (bench/supervisor_bench; peers installed into .build/bench-venv); prints one table
# and writes it to BENCHMARKS.md. BENCH_ARGS passes options on, e.g. BENCH_ARGS="--only 6,7,model".
BENCH_VENV = .build/bench-venv
BENCH_PY = $(BENCH_VENV)/bin/python
BENCH_STAMP = $(BENCH_VENV)/.installed

$(BENCH_STAMP):
	@python3 -m venv $(BENCH_VENV) 2>/dev/null || { rm -rf $(BENCH_VENV); \
		(apt-get update -qq && apt-get install -y -qq python3-venv) >/dev/null; python3 -m venv $(BENCH_VENV); }
	$(BENCH_PY) -m pip install -q --disable-pip-version-check supervisor==4.3.0 circus==0.19.0 pyzmq pyyaml
	@touch $(BENCH_STAMP)

BENCH_ARGS ?=
BENCH_RUN = PYTHONPATH=$(CURDIR)/bench $(BENCH_PY) -m supervisor_bench

bench: build $(BENCH_STAMP)
	$(BENCH_RUN) $(BENCH_ARGS)

bench-quick: build $(BENCH_STAMP)
	$(BENCH_RUN) --quick $(BENCH_ARGS)
