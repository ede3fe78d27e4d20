# Helpers for checks.sh (sourced; bash in the guest). Every wait polls for a condition with a
# generous deadline (the guest is emulated, so everything is slow); none is a fixed sleep.

share="${1:?usage: checks.sh SHARE}"
supervisor="$share/bin/supervisor"
agent_sim="$share/bin/agent-sim"
results="$share/results.tsv"
cgroup_root=/sys/fs/cgroup
next_port=17000

# One result line: STATUS (PASS, FAIL, SKIP) NAME DETAIL, to the share and the console.
result() {
    local detail="${3//$'\n'/ | }"
    printf '%s\t%s\t%s\n' "$1" "$2" "$detail" >>"$results"
    echo "check at ${SECONDS}s: $1 $2: $detail"
}

# check NAME DETAIL COMMAND...: PASS when COMMAND succeeds, else FAIL.
check() {
    local name="$1" detail="$2"
    shift 2
    if "$@"; then result PASS "$name" "$detail"; else result FAIL "$name" "$detail"; fi
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds or time runs out.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.1
    done
}

# new_run NAME: a folder /tmp/runs/NAME with agents.yaml from stdin and a `hosts` file; sets
# $run (the folder) and $log (its supervisor.log).
new_run() {
    run="/tmp/runs/$1"
    rm -rf "$run" && mkdir -p "$run"
    cat >"$run/agents.yaml"
    echo "mainpc 127.0.0.1 $next_port" >"$run/hosts"
    next_port=$((next_port + 2))
    log="$run/logs/mainpc/supervisor.log"
}

# hog_manifest: the head of a manifest whose `hog` agent outgrows its 64M memory limit and is
# restarted quickly each time; the caller appends its other agents.
hog_manifest() {
    cat <<EOF
defaults:
  host: mainpc
  health: {kind: none, start_period: 200ms}
  restart: {backoff: {initial: 500ms, max: 2s}, max_restarts: 50, window: 1m}
agents:
  hog:
    command: ["$agent_sim", "--memory", "20M", "--grow-memory", "30M"]
    limits: {memory: 64M}
EOF
}

# capped_manifest: one sleeping agent with a memory limit.
capped_manifest() {
    cat <<EOF
agents:
  capped:
    host: mainpc
    command: ["/bin/sleep", "1000"]
    health: {kind: none, start_period: 200ms}
    limits: {memory: 64M}
EOF
}

# start_supervisor [CGROUP]: `supervisor up mainpc` in $run, in the background, first moved into
# CGROUP (a folder under /sys/fs/cgroup) when one is given; sets $supervisor_pid.
start_supervisor() {
    local cgroup="${1:-}"
    (
        cd "$run" || exit 1
        if [ -n "$cgroup" ]; then echo "$BASHPID" >"$cgroup/cgroup.procs" || exit 1; fi
        exec "$supervisor" up mainpc
    ) >>"$run/up.out" 2>&1 &
    supervisor_pid=$!
}

# cli ARGS...: a supervisor verb run in $run, its output on stdout.
cli() { (cd "$run" && "$supervisor" "$@" 2>&1); }

# logged TEXT: whether supervisor.log has a line holding TEXT.
logged() { grep -qF -- "$1" "$log" 2>/dev/null; }

# log_line TEXT: the first supervisor.log line holding TEXT.
log_line() { grep -m1 -F -- "$1" "$log" 2>/dev/null; }

# subtree_of_log: the host subtree from the `limits: cgroup v2 ... under DIR` line.
subtree_of_log() { log_line "limits: " | sed -n 's/.* under \([^ ]*\).*/\1/p'; }

# cgroups_in DIR: the names of the cgroups directly under DIR, on one line.
cgroups_in() { find "$1" -mindepth 1 -maxdepth 1 -type d -printf '%f ' 2>/dev/null; }

# remove_cgroup_tree DIR: removes DIR and every cgroup below it (all must be empty).
remove_cgroup_tree() { [ -d "$1" ] && find "$1" -depth -type d -exec rmdir {} + 2>/dev/null; }

# value FILE: a cgroup file's content (empty when missing).
value() { cat "$1" 2>/dev/null; }

# keyed FILE KEY: the number after KEY in a `key value` file (0 when missing).
keyed() { awk -v key="$2" '$1 == key { print $2; found = 1 } END { if (!found) print 0 }' "$1" 2>/dev/null || echo 0; }

# alive PID: whether the process exists and is no zombie.
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

dead() { ! alive "$1"; }

# escaped_sleep CGROUP AGENT_PID: a `sleep` in CGROUP that is not AGENT_PID (the setsid one).
escaped_sleep() {
    local pid
    for pid in $(value "$1/cgroup.procs"); do
        [ "$pid" != "$2" ] && [ "$(value "/proc/$pid/comm")" = sleep ] && { echo "$pid"; return 0; }
    done
    return 1
}

# status_of AGENT: `supervisor status mainpc AGENT --json` on one line.
status_of() { cli status mainpc "$1" --json | tr -d '\n'; }

# json_number TEXT KEY: the first number after "KEY": in TEXT.
json_number() { grep -o "\"$2\" *: *[0-9.e+-]*" <<<"$1" | head -1 | sed 's/.*: *//'; }

# agent_pid AGENT: the agent's pid from status (empty while it has none).
agent_pid() { json_number "$(status_of "$1")" pid; }

# stop_supervisor: `down`, then wait for the supervisor to exit.
stop_supervisor() {
    cli down mainpc >/dev/null
    wait_for 120 dead "$supervisor_pid"
}

# in_range VALUE LOW HIGH: LOW <= VALUE <= HIGH for decimals.
in_range() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'; }

greater() { awk -v v="$1" -v lo="$2" 'BEGIN { exit !(v != "" && v > lo) }'; }
