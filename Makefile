# Two commands do all set-up on a fresh Debian machine (root, Swift 6.3.1):
#   make up     build (release) and run `supervisor up mainpc` with the default manifest
#   make test   install what the tests need and run the whole suite
SWIFT ?= swift
HOST ?= mainpc
RELEASE_BIN = .build/release

.PHONY: up build test deps check plan clean

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
