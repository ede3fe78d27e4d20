#!/usr/bin/env bash
# make test-engine: the Compose and Swarm exports of the default 84-agent manifest run on a real
# Docker Engine (Tests/engine/engine_test.py does the checks). This script installs docker.io,
# docker-compose and debootstrap when missing, starts a dockerd of its own (its own data root,
# exec root, pid file and socket under one temporary folder, no default bridge, no iptables
# rules, networks from 10.213.0.0/16), builds the agents' image (deploy/image/build.sh), runs
# the checks (which include that down and stack rm leave no container or volume), and stops and
# removes everything again: the bridge interfaces of the daemon's networks are deleted, and a
# process or mount of the daemon that is left fails the run. Prints SKIPPED and the reason where
# dockerd cannot start here or has no overlay file system; fails when a check fails.
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
gateway_before=no
ip link show docker_gwbridge >/dev/null 2>&1 && gateway_before=yes
dockerd_pid=""

cleanup() {
    status=$?
    trap - EXIT
    bridges=""
    if [ -S "$root/docker.sock" ]; then
        "$docker" swarm leave --force >/dev/null 2>&1
        ids="$("$docker" ps -aq 2>/dev/null)"
        [ -n "$ids" ] && "$docker" rm -f $ids >/dev/null 2>&1
        "$docker" network prune -f >/dev/null 2>&1
        "$docker" volume prune -f >/dev/null 2>&1
        # The bridge interfaces of networks the daemon still has (a network with a stale
        # endpoint cannot be removed): Linux keeps them after the daemon stops.
        for id in $("$docker" network ls -q --filter driver=bridge 2>/dev/null); do bridges="$bridges br-${id:0:12}"; done
    fi
    [ "$gateway_before" = no ] && bridges="$bridges docker_gwbridge"
    if [ -n "$dockerd_pid" ]; then
        kill "$dockerd_pid" 2>/dev/null
        for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$dockerd_pid" 2>/dev/null && { echo "dockerd $dockerd_pid did not stop; killing it" >&2; kill -9 "$dockerd_pid"; status=1; }
    fi
    for link in $bridges; do
        ip link delete "$link" 2>/dev/null && echo "removed interface $link, left by the test's dockerd"
    done
    left="$(pgrep -f -- "$root/")"
    if [ -n "$left" ]; then
        echo "processes of the test's dockerd are left: $(echo $left); killing them" >&2
        kill -9 $left 2>/dev/null
        status=1
    fi
    mounts="$(awk -v r="$root/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r)"
    if [ -n "$mounts" ]; then
        echo "mounts of the test's dockerd are left; unmounting: $(echo $mounts)" >&2
        echo "$mounts" | xargs -r umount -l
        status=1
    fi
    if [ "$status" != 0 ] && [ -f "$root/dockerd.log" ]; then
        echo "--- the end of dockerd's log:" >&2
        tail -n 20 "$root/dockerd.log" >&2
    fi
    rm -rf --one-file-system "$root"
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Its own containerd namespaces too, so a containerd already running here (a host Docker's)
# keeps its containers apart from the test's.
dockerd --data-root "$root/data" --exec-root "$root/exec" --pidfile "$root/docker.pid" \
    -H "$DOCKER_HOST" --bridge=none --iptables=false --ip-masq=false \
    --containerd-namespace supervisor-engine --containerd-plugins-namespace supervisor-engine-plugins \
    --default-address-pool base=10.213.0.0/16,size=24 >"$root/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 240); do
    "$docker" info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
done
if ! "$docker" info >/dev/null 2>&1; then
    reason="$(grep -m1 -iE 'level=(fatal|error)' "$root/dockerd.log" | cut -c1-300)"
    kill -0 "$dockerd_pid" 2>/dev/null && fail "dockerd runs but did not answer within 120 s: ${reason:-see its log}"
    skip "dockerd did not start here: ${reason:-see its log}"
fi
driver="$("$docker" info -f '{{.Driver}}')"
[ "$driver" = overlay2 ] || skip "dockerd has no overlay file system here (storage driver $driver): 84 containers would each copy the image"
echo "dockerd $("$docker" version -f '{{.Server.Version}}'), storage $driver, cgroup v$("$docker" info -f '{{.CgroupVersion}}')"

IMAGE_CACHE=.build/image deploy/image/build.sh "$bin_dir" || fail "the image could not be built"
PYTHONDONTWRITEBYTECODE=1 "$python" Tests/engine/engine_test.py --bin "$bin_dir" --work "$root/work" || fail "see above"
echo "test-engine: passed"
