#!/usr/bin/env bash
# deploy/image/build.sh BIN_DIR [IMAGE]: builds the image `supervisor export compose|swarm`
# refers to by default (supervisor-agents:latest), with no image registry:
#   1. a Debian 12 root file system from debootstrap (minbase, plus libzmq5, python3 and
#      python3-zmq, which the exported zmq health checks run), kept as a tarball in
#      $IMAGE_CACHE (default .build/image) so later builds skip the download;
#   2. `docker import` of it as supervisor-agents-base:bookworm;
#   3. deploy/image/Dockerfile on top: BIN_DIR/agent-sim copied to /usr/local/bin.
# Needs root (debootstrap), debootstrap and a Docker daemon that `docker` reaches (DOCKER_HOST).
# DEBIAN_MIRROR names another mirror. Your own agents: see docs/export.md ("An image").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin_dir="${1:?usage: deploy/image/build.sh BIN_DIR [IMAGE]}"
image="${2:-supervisor-agents:latest}"
base="supervisor-agents-base:bookworm"
cache="${IMAGE_CACHE:-.build/image}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
docker="${DOCKER:-docker}"

[ -x "$bin_dir/agent-sim" ] || { echo "deploy/image/build.sh: $bin_dir/agent-sim not found (make build)" >&2; exit 2; }
mkdir -p "$cache"
tarball="$cache/bookworm-base.tar"
if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || { echo "deploy/image/build.sh: debootstrap not installed (apt-get install debootstrap)" >&2; exit 2; }
    root="$(mktemp -d "$cache/rootfs.XXXXXX")"
    trap 'rm -rf --one-file-system "$root"' EXIT
    echo "debootstrap bookworm into $root (about a minute)"
    # python3-cffi-backend: python3-zmq depends on a virtual package of it that debootstrap
    # does not resolve by itself.
    debootstrap --variant=minbase --include=libzmq5,python3,python3-zmq,python3-cffi-backend \
        bookworm "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 \
        || { echo "debootstrap failed; see $cache/debootstrap.log" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/debootstrap
    tar -C "$root" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf --one-file-system "$root"
    trap - EXIT
fi
if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
    echo "docker import $tarball as $base"
    "$docker" import "$tarball" "$base" >/dev/null
fi
context="$(mktemp -d)"
trap 'rm -rf "$context"' EXIT
cp "$here/Dockerfile" "$context/"
# Symbols stripped: the image needs no debugger information (a quarter of agent-sim).
strip -o "$context/agent-sim" "$bin_dir/agent-sim" 2>/dev/null || cp "$bin_dir/agent-sim" "$context/"
echo "docker build $image"
DOCKER_BUILDKIT=0 "$docker" build -q -t "$image" "$context" >/dev/null
# agent-sim must run in the image: a debug build links the Swift runtime from the toolchain,
# which the image does not have (make build links it statically).
if ! out="$("$docker" run --rm "$image" /usr/local/bin/agent-sim --help 2>&1)"; then
    echo "deploy/image/build.sh: $bin_dir/agent-sim does not run in the image: $(echo "$out" | head -n 2)" >&2
    echo "  build it with make build (the Swift runtime linked statically)" >&2
    exit 1
fi
echo "built $image"
