#!/usr/bin/env bash
# make test-engine: the Compose and Swarm exports of the default 84-agent manifest run on a real
# Docker Engine (Tests/engine/engine_test.py does the checks). This script installs docker.io,
# docker-compose and debootstrap when missing, starts a dockerd of its own (its own data root,
# exec root, pid file and socket under one temporary folder, no default bridge, no iptables
# rules, networks from 10.213.0.0/16), builds the agents' image (deploy/image/build.sh), runs
# the checks, and stops and removes everything again, checking that no container, network,
# volume, interface, mount or daemon is left. Prints SKIPPED and the reason where dockerd
# cannot start here; fails when a check fails.
#   Tests/engine/run.sh BIN_DIR PYTHON
set -uo pipefail
cd "$(dirname "$0")/../.."
bin_dir="${1:?usage: Tests/engine/run.sh BIN_DIR PYTHON}"
python="${2:?usage: Tests/engine/run.sh BIN_DIR PYTHON}"

skip() { echo "SKIPPED test-engine: $*"; exit 0; }
fail() { echo "FAILED test-engine: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "dockerd needs root"
missing=""
command -v dockerd >/dev/null || missing="$missing docker.io"
command -v docker-compose >/dev/null || missing="$missing docker-compose"
command -v debootstrap >/dev/null || missing="$missing debootstrap"
if [ -n "$missing" ]; then
    echo "installing$missing"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >/dev/null \
        || skip "cannot install$missing with apt-get"
fi
# The client that came with docker.io speaks the daemon's own API version.
docker=/usr/bin/docker
[ -x "$docker" ] || docker="$(command -v docker)"
export DOCKER="$docker"

root="$(mktemp -d /tmp/supervisor-engine.XXXXXX)"
export DOCKER_HOST="unix://$root/docker.sock"
links_before="$(ip -o link show | awk -F': ' '{print $2}' | sort)"

cleanup() {
    status=$?
    trap - EXIT
    if [ -S "$root/docker.sock" ]; then
        "$docker" swarm leave --force >/dev/null 2>&1
        ids="$("$docker" ps -aq 2>/dev/null)"
        [ -n "$ids" ] && "$docker" rm -f $ids >/dev/null 2>&1
        "$docker" network prune -f >/dev/null 2>&1
        "$docker" volume prune -f >/dev/null 2>&1
    fi
    if [ -s "$root/docker.pid" ]; then
        pid="$(cat "$root/docker.pid")"
        kill "$pid" 2>/dev/null
        for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && { echo "dockerd $pid did not stop; killing it" >&2; kill -9 "$pid"; status=1; }
    fi
    # Interfaces the daemon made (bridges, veths of Swarm's gateway bridge) that outlived it.
    for link in $(comm -13 <(echo "$links_before") <(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort)); do
        ip link delete "$link" 2>/dev/null && echo "removed interface $link left by dockerd"
    done
    grep -q " $root" /proc/mounts && { awk -v r="$root" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r | xargs -r umount -l; }
    rm -rf "$root"
    if pgrep -f -- "--data-root $root" >/dev/null; then echo "a process of the test's dockerd is left" >&2; status=1; fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dockerd --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/docker.pid" \
    -H "$DOCKER_HOST" --bridge=none --iptables=false --ip-masq=false \
    --default-address-pool base=10.213.0.0/16,size=24 >"$root/dockerd.log" 2>&1 &
for _ in $(seq 120); do
    "$docker" info >/dev/null 2>&1 && break
    kill -0 $! 2>/dev/null || break
    sleep 0.5
done
if ! "$docker" info >/dev/null 2>&1; then
    reason="$(grep -m1 -iE 'level=(fatal|error)' "$root/dockerd.log" | cut -c1-300)"
    skip "dockerd did not start here: ${reason:-see its log}"
fi
echo "dockerd $("$docker" version -f '{{.Server.Version}}'), storage $("$docker" info -f '{{.Driver}}'), cgroup v$("$docker" info -f '{{.CgroupVersion}}')"

IMAGE_CACHE=.build/image deploy/image/build.sh "$bin_dir" || fail "the image could not be built"
"$python" Tests/engine/engine_test.py --bin "$bin_dir" --work "$root/work" || fail "see above"
echo "test-engine: passed"
