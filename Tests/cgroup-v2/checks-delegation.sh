# Delegation as on a user's machine (sourced by checks.sh). The guest has no systemd, so these
# checks prepare what systemd's Delegate=yes would: a child cgroup of the root, memory, cpu and
# pids enabled for it, the supervisor alone in it. The supervisor must build its subtree inside
# it and write nothing above it.

check_delegated() {
    local delegated="$cgroup_root/delegated"
    mkdir -p "$delegated"
    echo "+memory +cpu +pids" >"$cgroup_root/cgroup.subtree_control"
    local root_control_before
    root_control_before="$(value "$cgroup_root/cgroup.subtree_control")"
    remove_cgroup_tree "$cgroup_root/supervisor"

    # Limits in the delegated subtree: OOM kill reported as oom, cpu.max and pids.max written.
    new_run delegated-limits <<EOF
$(hog_manifest)
  limited:
    command: ["/bin/sleep", "1000"]
    limits: {cpu: 0.5, pids: 50}
EOF
    start_supervisor "$delegated"
    if ! wait_for 120 logged "limits: "; then
        result FAIL delegated-up-line "no limits: line: $(tail -5 "$run/up.out")"
        kill -9 "$supervisor_pid"
        return
    fi
    local subtree own
    subtree="$(subtree_of_log)"
    check delegated-up-line "$(log_line 'limits: ' | sed 's/^[^ ]* //')" \
        test "${subtree%/*}" = "$delegated/supervisor"
    own="$(value "/proc/$supervisor_pid/cgroup")"
    check delegated-supervisor-in-leaf "the supervisor's cgroup: $own; $delegated/cgroup.procs: $(value "$delegated/cgroup.procs" | tr '\n' ' ')" \
        test "$own" = "0::/delegated/supervisor/$(basename "$subtree").daemon" -a -z "$(value "$delegated/cgroup.procs")"
    check delegated-root-untouched "root cgroup.subtree_control '$(value "$cgroup_root/cgroup.subtree_control")'; $cgroup_root/supervisor exists: $(test -e "$cgroup_root/supervisor" && echo yes || echo no)" \
        test "$(value "$cgroup_root/cgroup.subtree_control")" = "$root_control_before" -a ! -e "$cgroup_root/supervisor"
    check delegated-limits-written "hog memory.max $(value "$subtree/hog/memory.max"), limited cpu.max $(value "$subtree/limited/cpu.max"), pids.max $(value "$subtree/limited/pids.max")" \
        wait_for 60 eval 'test "$(value "$subtree/hog/memory.max")" = 67108864 -a "$(value "$subtree/limited/cpu.max")" = "50000 100000" -a "$(value "$subtree/limited/pids.max")" = 50'
    wait_for 120 logged "(oom)"
    check delegated-memory-max-oom "$(log_line 'hog exited: signal 9' | sed 's/^[^ ]* //')" logged "(oom)"
    stop_supervisor
    check delegated-down-clean "after down, cgroups under $delegated/supervisor: $(cgroups_in "$delegated/supervisor") (the supervisor's own emptied leaf stays)" \
        test ! -e "$subtree"

    # stop, restart, SIGKILL + up and down, started in a fresh delegated cgroup (one that hands
    # controllers down takes no new process: a service's next start gets a new one from systemd).
    mkdir -p "$cgroup_root/delegated-lifecycle"
    check_lifecycle_from_root delegated "$cgroup_root/delegated-lifecycle"
    check delegated-root-still-untouched "$cgroup_root/supervisor exists: $(test -e "$cgroup_root/supervisor" && echo yes || echo no)" \
        test ! -e "$cgroup_root/supervisor"
    remove_cgroup_tree "$delegated"
    remove_cgroup_tree "$cgroup_root/delegated-lifecycle"
    remove_cgroup_tree "$cgroup_root/delegated-lifecycle-next"
}

# A delegated cgroup that holds another process besides the supervisor cannot hand controllers
# down: the supervisor says why, moves back, and falls back to its memory watchdog.
check_crowded_cgroup() {
    local crowded="$cgroup_root/crowded"
    mkdir -p "$crowded"
    (echo "$BASHPID" >"$crowded/cgroup.procs" && exec sleep 1000) &
    local neighbour=$!
    new_run crowded <<<"$(capped_manifest)"
    wait_for 30 grep -qx "$neighbour" "$crowded/cgroup.procs"
    start_supervisor "$crowded"
    wait_for 120 logged "limits: "
    check crowded-up-line "$(log_line 'limits: ' | sed 's/^[^ ]* //')" \
        eval 'logged "holds other processes" && logged "enforced by the watchdog"'
    check crowded-moved-back "the supervisor's cgroup: $(value "/proc/$supervisor_pid/cgroup"); $crowded: $(ls "$crowded" | grep -c supervisor) supervisor folders" \
        test "$(value "/proc/$supervisor_pid/cgroup")" = "0::/crowded" -a ! -e "$crowded/supervisor"
    wait_for 60 logged "ready: 1/1"
    local status
    status="$(status_of capped)"
    check crowded-watchdog-enforcement "status enforcement: $(grep -o '"enforcement" *: *"[^"]*"' <<<"$status")" \
        grep -q '"enforcement" *: *"watchdog"' <<<"$status"
    stop_supervisor
    kill -9 "$neighbour"
}

# A child cgroup whose parent hands down only memory offers no cpu or pids: no v2 subtree, and
# `up` says the cgroup lacks them.
check_undelegated_cgroup() {
    local parent="$cgroup_root/memory-only"
    mkdir -p "$parent/inner"
    echo "-cpu -pids" >"$parent/cgroup.subtree_control" 2>/dev/null
    echo "+memory" >"$parent/cgroup.subtree_control"
    new_run undelegated <<<"$(capped_manifest)"
    start_supervisor "$parent/inner"
    wait_for 120 logged "limits: "
    check undelegated-up-line "$(log_line 'limits: ' | sed 's/^[^ ]* //')" \
        eval 'logged "lacks cpu, pids" && ! test -e "$parent/inner/supervisor"'
    wait_for 60 logged "ready: 1/1"
    stop_supervisor
}
