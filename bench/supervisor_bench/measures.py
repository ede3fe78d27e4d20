"""Measurements more than one workload takes: idle footprint, status latency, kill -9 restarts."""

import os
import random
import signal
import subprocess
import time

from .procfs import anonymous_bytes, children_of, cpu_seconds, env_of, fd_count, rss_bytes
from .prober import Prober


def footprint(pids, idle):
    """RSS and anonymous memory (MiB) and fd samples, and CPU seconds over `idle` s, for each
    daemon pid."""
    time.sleep(1.0)
    c0 = {k: cpu_seconds(p) for k, p in pids.items()}
    t0 = time.monotonic()
    rss = {k: [] for k in pids}
    anon = {k: [] for k in pids}
    fds = {k: [] for k in pids}
    while time.monotonic() - t0 < idle:
        for k, p in pids.items():
            rss[k].append(rss_bytes(p) / 2**20)
            anon[k].append(anonymous_bytes(p) / 2**20)
            fds[k].append(fd_count(p))
        time.sleep(min(1.0, idle / 10))
    cpu = {k: cpu_seconds(p) - c0[k] for k, p in pids.items()}
    return rss, anon, fds, cpu, time.monotonic() - t0


def status_latency(daemon, raw_port, n_cli, n_raw):
    """Seconds per whole status command and per raw request on a connected socket."""
    cli = []
    argv = daemon.status_cli()
    for _ in range(n_cli):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30, cwd=daemon.work)
        cli.append(time.perf_counter() - t0)
    once, check, close = daemon.raw_status_client(raw_port)
    raw = []
    try:
        for _ in range(5):
            check(once())  # connect and warm up
        for _ in range(n_raw):
            t0 = time.perf_counter()
            reply = once()
            raw.append(time.perf_counter() - t0)
            check(reply)  # parsed and checked after the clock stops: the daemon is timed, not json.loads
    finally:
        close()
    return cli, raw


def agent_pids(daemon_pid):
    by_name = {}
    for pid in children_of(daemon_pid):
        name = env_of(pid).get(b"AGENT_NAME")
        if name:
            by_name[name.decode()] = pid
    return by_name


def restarts(bench, daemon, ports, kills, seed):
    """kill -9 of distinct random agents (each at its first restart): s to new pid, to healthy."""
    names = random.Random(seed).sample(sorted(ports), min(kills, len(ports)))
    to_pid, to_healthy = [], []
    by_name = agent_pids(daemon.pid)
    for name in names:
        old = by_name.get(name)
        if old is None:
            bench.note(f"restart: no pid found for {name} under {daemon.label}")
            continue
        before = children_of(daemon.pid)
        with Prober(bench.zmq_context, {name: ports[name]}) as prober:
            t0 = time.time()
            os.kill(old, signal.SIGKILL)
            new, t_new, deadline = None, None, time.monotonic() + 30
            while new is None and time.monotonic() < deadline:
                for pid in children_of(daemon.pid) - before:
                    if env_of(pid).get(b"AGENT_NAME", b"").decode() == name:
                        new, t_new = pid, time.time()
                        break
                else:
                    time.sleep(0.0002)
            if new is None:
                bench.note(f"restart: {daemon.label} did not respawn {name} in 30 s")
                continue
            got = prober.wait_ready([name], timeout=30, interval=0.002)
        to_pid.append(t_new - t0)
        if name in got:
            to_healthy.append(got[name] - t0)
        time.sleep(0.2)
    return to_pid, to_healthy
