# The limits, held by the kernel (sourced by checks.sh): memory.max OOM kill reported as `oom`
# and restarted, memory.high throttling, cpu.max holding a busy loop, pids.max refusing forks,
# and a cgroup for every agent, limits or not. One supervisor started in the root cgroup.

check_limits_from_root() {
    new_run limits <<EOF
$(hog_manifest)
  high:
    command: ["$agent_sim", "--grow-memory", "8M"]
    limits: {memory_high: 24M, memory: 1G}
  burner:
    command: ["$agent_sim", "--cpu", "1.0"]
    limits: {cpu: 0.2}
  holder:
    command: ["/bin/bash", "-c", "for i in \$(seq 1 10); do sleep 100 & done; wait"]
    restart: {policy: never}
    limits: {pids: 4}
  plain:
    command: ["/bin/sleep", "1000"]
EOF
    start_supervisor
    if ! wait_for 120 logged "limits: "; then
        result FAIL root-up-line "no limits: line in 120 s: $(tail -5 "$run/up.out")"
        kill -9 "$supervisor_pid"
        return
    fi
    local subtree
    subtree="$(subtree_of_log)"
    check root-up-line "$(log_line 'limits: ' | sed 's/^[^ ]* //')" \
        test "${subtree%/*}" = "$cgroup_root/supervisor" -a -n "$(log_line 'limits: cgroup v2, a cgroup per agent')"
    wait_for 120 logged "ready: " || result FAIL root-start "no ready: line: $(tail -3 "$log")"

    # pids.max: forks past it refused, the cgroup never above it.
    check pids-max-written "pids.max of holder: $(value "$subtree/holder/pids.max")" test "$(value "$subtree/holder/pids.max")" = 4
    local highest=0 now
    wait_for 60 eval 'now="$(value "$subtree/holder/pids.current")"; [ "${now:-0}" -gt "$highest" ] && highest=$now; [ "$highest" -ge 4 ]'
    check pids-max-refuses "pids.current peaked at $highest, pids.events max $(keyed "$subtree/holder/pids.events" max)" \
        eval '[ "$highest" = 4 ] && greater "$(keyed "$subtree/holder/pids.events" max)" 0'
    check pids-max-agent-saw-it "$(grep -m1 -o 'fork: .*' "$run/logs/mainpc/holder.log")" \
        wait_for 60 grep -q "Resource temporarily unavailable" "$run/logs/mainpc/holder.log"

    # Every agent in a cgroup of its own, with or without limits, its process inside.
    local agent missing=""
    for agent in hog high burner holder plain; do
        wait_for 30 eval '[ -n "$(value "$subtree/$agent/cgroup.procs")" ]' || missing+=" $agent"
    done
    check own-cgroup-per-agent "under $subtree: hog high burner holder plain${missing:+ (missing:$missing)}" test -z "$missing"
    local plain_pid
    plain_pid="$(agent_pid plain)"
    check own-cgroup-without-limits "plain (no limits) pid $plain_pid in $subtree/plain; memory.max $(value "$subtree/plain/memory.max")" \
        grep -qx "$plain_pid" "$subtree/plain/cgroup.procs"

    # memory.max: OOM kill, reported as oom, restarted.
    check memory-max-written "memory.max of hog: $(value "$subtree/hog/memory.max")" test "$(value "$subtree/hog/memory.max")" = 67108864
    wait_for 120 logged "(oom)"
    local killed
    killed="$(log_line "hog exited: signal 9")"
    check memory-max-oom-kill "$killed" grep -q "killed by the kernel.*(oom)" <<<"$killed"
    local entry=""
    wait_for 60 eval 'entry="$(status_of hog)"; grep -q "\"reason\" *: *\"oom\"" <<<"$entry"'
    check memory-max-status-oom "last_exit: $(grep -o '"last_exit" *: *{[^}]*}' <<<"$entry")" grep -q '"reason" *: *"oom"' <<<"$entry"
    wait_for 60 logged "hog: ready -> backoff"
    check memory-max-restarted "$(log_line 'hog: ready -> backoff')" \
        wait_for 60 eval 'greater "$(json_number "$(status_of hog)" restarts)" 0'

    # memory.high: above it the kernel throttles and reclaims; no OOM kill.
    check memory-high-written "memory.high of high: $(value "$subtree/high/memory.high")" test "$(value "$subtree/high/memory.high")" = 25165824
    wait_for 60 eval 'greater "$(keyed "$subtree/high/memory.events" high)" 0'
    local high_pid steps_before steps_after current
    high_pid="$(agent_pid high)"
    steps_before="$(grep -c holding "$run/logs/mainpc/high.log")"
    sleep 5 # the measuring interval: unthrottled, high grows 8M a second
    steps_after="$(grep -c holding "$run/logs/mainpc/high.log")"
    current="$(value "$subtree/high/memory.current")"
    check memory-high-throttled "memory.events high $(keyed "$subtree/high/memory.events" high), memory.current $current, $((steps_after - steps_before)) growth steps of 8M in 5 s (unthrottled: 5); oom_kill $(keyed "$subtree/high/memory.events" oom_kill)" \
        eval 'greater "$(keyed "$subtree/high/memory.events" high)" 0 && alive "$high_pid" && [ $((steps_after - steps_before)) -le 2 ] && test "$(keyed "$subtree/high/memory.events" oom_kill)" = 0'

    # cpu.max: a busy loop near its 0.2-core quota (wide band: the guest is emulated).
    check cpu-max-written "cpu.max of burner: $(value "$subtree/burner/cpu.max")" test "$(value "$subtree/burner/cpu.max")" = "20000 100000"
    wait_for 60 grep -q burning "$run/logs/mainpc/burner.log"
    local before after began share
    before="$(keyed "$subtree/burner/cpu.stat" usage_usec)"
    began="$(date +%s.%N)"
    sleep 4 # the measuring interval
    after="$(keyed "$subtree/burner/cpu.stat" usage_usec)"
    share="$(awk -v a="$after" -v b="$before" -v t0="$began" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.3f", (a - b) / 1e6 / (t1 - t0) }')"
    check cpu-max-holds "burner used $share of a core under cpu.max 20000 100000; nr_throttled $(keyed "$subtree/burner/cpu.stat" nr_throttled)" \
        eval 'in_range "$share" 0.03 0.40 && greater "$(keyed "$subtree/burner/cpu.stat" nr_throttled)" 0'
    local throttled=""
    wait_for 60 eval 'throttled="$(json_number "$(status_of burner)" throttled)"; greater "$throttled" 0'
    check cpu-max-status-throttled "status resources.throttled $throttled s" greater "$throttled" 0

    stop_supervisor
    check limits-down-clean "after down, cgroups under $cgroup_root/supervisor: $(cgroups_in "$cgroup_root/supervisor")" test ! -e "$subtree"
}
