"""Workloads 3, 4 and 5, on the three daemons of `sessions`: idle footprint (sampled over the
same window for all three), kill -9 restarts and status latency (one daemon at a time)."""

import statistics

from ..measures import footprint, restarts, status_latency
from ..rows import ms
from . import daemon_rows
from .sessions import start_session

KINDS = ("supervisor", "supervisord", "circus")


def run(bench):
    quick = bench.options.quick
    idle = 6.0 if quick else 60.0
    n_cli, n_raw, kills = (5, 100, 3) if quick else (50, 1000, 20)
    results, sessions = {}, {}
    try:
        for kind in KINDS:
            sessions[kind] = start_session(bench, kind)
        rss, anon, fds, cpu, span = footprint({k: s.daemon.pid for k, s in sessions.items()}, idle)
        for kind, session in sessions.items():
            cli, raw = status_latency(session.daemon, session.raw_port, n_cli, n_raw)
            to_pid, to_healthy = restarts(bench, session.daemon, session.health_ports, kills, seed=42)
            results[kind] = daemon_rows.Result(
                label=session.daemon.label, agents=len(session.health_ports), rss=rss[kind], anon=anon[kind], fds=fds[kind],
                cpu=cpu[kind], span=span, cli=cli, raw=raw, to_pid=to_pid, to_healthy=to_healthy)
            bench.log(f"W3-5 {kind}: RSS {statistics.median(rss[kind]):.1f} MiB, CPU {cpu[kind]:.2f} s/{span:.0f} s, "
                      f"status {ms(statistics.median(cli)):.1f} ms, raw {ms(statistics.median(raw)):.2f} ms, "
                      f"respawn {ms(statistics.median(to_pid)) if to_pid else float('nan'):.1f} ms")
    finally:
        for session in sessions.values():
            session.daemon.stop()
        bench.processes.sweep(grace=0.5)
    if "supervisor" in results:
        daemon_rows.add(bench, results, idle, kills)
