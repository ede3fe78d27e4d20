# The whole cgroup is killed at stop, restart and down, and nothing is left after down, nor
# after a SIGKILL of the supervisor followed by `up` (sourced by checks.sh). `stray` starts a
# `setsid sleep`, which leaves the agent's process group but not its cgroup.

lifecycle_manifest() {
    cat <<EOF
defaults:
  host: mainpc
  health: {kind: none, start_period: 200ms}
agents:
  stray:
    command: ["/bin/sh", "-c", "setsid sleep 1000 & wait"]
    limits: {memory: 64M}
  loose:
    command: ["/bin/sh", "-c", "setsid sleep 1000 & wait"]
  limited:
    command: ["/bin/sleep", "1000"]
    limits: {memory: 64M, cpu: 0.5, pids: 50}
EOF
}

# escaped_of SUBTREE AGENT: waits for the agent's escaped sleep; prints its pid.
escaped_of() {
    local in_subtree="$1" of_agent="$2" pid="" escaped=""
    wait_for 60 eval 'pid="$(agent_pid "$of_agent")"; [ -n "$pid" ] && escaped="$(escaped_sleep "$in_subtree/$of_agent" "$pid")"'
    echo "$escaped"
}

# check_lifecycle_from_root [PREFIX CGROUP]: the checks for a supervisor started in the root
# cgroup, or (with CGROUP) in that delegated cgroup, names prefixed with PREFIX.
check_lifecycle_from_root() {
    local prefix="${1:-root}" cgroup="${2:-}"
    new_run "lifecycle-$prefix" < <(lifecycle_manifest)
    start_supervisor "$cgroup"
    if ! wait_for 120 logged "ready: 3/3"; then
        result FAIL "$prefix-lifecycle-start" "not ready: $(tail -3 "$log" 2>/dev/null) $(tail -3 "$run/up.out")"
        kill -9 "$supervisor_pid"
        return
    fi
    local subtree
    subtree="$(subtree_of_log)"
    result PASS "$prefix-lifecycle-start" "$(log_line 'limits: ' | sed 's/^[^ ]* //')"

    # stop: the escaped process dies with its agent, the cgroup goes.
    local escaped
    escaped="$(escaped_of "$subtree" stray)"
    cli stop stray >/dev/null
    check "$prefix-stop-kills-cgroup" "setsid sleep $escaped of stray after stop; $subtree/stray exists: $(test -e "$subtree/stray" && echo yes || echo no)" \
        eval '[ -n "$escaped" ] && wait_for 60 dead "$escaped" && wait_for 30 test ! -e "$subtree/stray"'

    # restart: the old cgroup's processes die, the new run gets a fresh cgroup.
    cli start stray >/dev/null
    escaped="$(escaped_of "$subtree" stray)"
    local old_pid new_pid=""
    old_pid="$(agent_pid stray)"
    cli restart stray >/dev/null
    wait_for 60 eval 'new_pid="$(agent_pid stray)"; [ -n "$new_pid" ] && [ "$new_pid" != "$old_pid" ]'
    check "$prefix-restart-kills-cgroup" "restart: old setsid sleep $escaped, agent $old_pid -> $new_pid, in $subtree/stray: $(value "$subtree/stray/cgroup.procs" | tr '\n' ' ')" \
        eval '[ -n "$escaped" ] && wait_for 60 dead "$escaped" && [ -n "$new_pid" ] && grep -qx "$new_pid" "$subtree/stray/cgroup.procs"'

    # SIGKILL of the supervisor: the agents die (parent-death signal); what left their process
    # groups stays in the stale cgroups until the next `up` of the folder kills it. Delegated,
    # the next supervisor starts in a new cgroup (one that hands controllers down takes no new
    # process; a new systemd scope is a new cgroup) and finds the old subtree all the same.
    local stray_escaped loose_escaped next_cgroup="$cgroup" old_subtree="$subtree"
    if [ -n "$cgroup" ]; then next_cgroup="$cgroup-next" && mkdir -p "$next_cgroup"; fi
    stray_escaped="$(escaped_of "$subtree" stray)"
    loose_escaped="$(escaped_of "$subtree" loose)"
    kill -9 "$supervisor_pid"
    wait_for 30 dead "$supervisor_pid"
    check "$prefix-sigkill-leaves-stale" "after SIGKILL: stale $(cgroups_in "$subtree")" test -d "$subtree/stray"
    : >"$log"
    start_supervisor "$next_cgroup"
    wait_for 120 logged "ready: 3/3"
    subtree="$(subtree_of_log)"
    check "$prefix-up-after-sigkill-cleans" "$(log_line 'removed stale cgroups' | sed 's/^[^ ]* //'); setsid sleeps $stray_escaped $loose_escaped; $old_subtree(.daemon) left: $(ls -d "$old_subtree" "$old_subtree.daemon" 2>/dev/null | wc -l)" \
        eval 'logged "removed stale cgroups" && wait_for 30 dead "$stray_escaped" && wait_for 30 dead "$loose_escaped" && { [ "$old_subtree" = "$subtree" ] || test ! -e "$old_subtree" -a ! -e "$old_subtree.daemon"; }'

    # down: every agent's cgroup killed, the host subtree removed.
    stray_escaped="$(escaped_of "$subtree" stray)"
    loose_escaped="$(escaped_of "$subtree" loose)"
    stop_supervisor
    check "$prefix-down-kills-and-removes" "after down: $subtree exists: $(test -e "$subtree" && echo yes || echo no); setsid sleeps $stray_escaped $loose_escaped" \
        eval 'test ! -e "$subtree" && wait_for 30 dead "$stray_escaped" && wait_for 30 dead "$loose_escaped"'
    local left
    left="$(find "$(dirname "$subtree")" -mindepth 1 -maxdepth 1 -type d -name "$(basename "$subtree")*" ! -name "*.daemon" 2>/dev/null)"
    check "$prefix-nothing-left" "cgroups under $(dirname "$subtree"): $(cgroups_in "$(dirname "$subtree")")" test -z "$left"
}
