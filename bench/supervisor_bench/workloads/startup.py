"""Workload 1: start-up of both hosts of the real agents.yaml (agent-sim ready after T) against
the critical path from `supervisor plan --json`, plus the agents' own cold start."""

import os
import statistics
import time

from ..manifests import write_hosts
from ..plan import load_plan
from ..ports import all_free, free_ports
from ..prober import Prober
from ..rows import Row, Stats, ms, ratio
from ..subjects.supervisor import OurSupervisor

HOSTS = ("mainpc", "pc2")
OFFSETS = (3000, 4000, 5000, 2500, 4500, 5500, 3500)
TARGET_MS_PER_LEVEL = 5.0


def pick_offset(bench, hosts_path, ready):
    """A PORT_OFFSET that puts every agent port on free ports below the ephemeral range."""
    for offset in OFFSETS:
        env = dict(os.environ, PORT_OFFSET=str(offset), SIM_READY=ready)
        plans = {h: load_plan(bench, h, bench.paths.root / "agents.yaml", hosts_path, env) for h in HOSTS}
        ports = sorted(set().union(*(p.ports() for p in plans.values())))
        if max(ports) < bench.ephemeral_low and all_free(ports):
            return offset, env, plans
    raise RuntimeError("no PORT_OFFSET with every agent port free")


def cold_start(bench, runs=5):
    """Seconds from spawning one agent-sim (ready after 0) to its first healthy reply."""
    times = []
    for _ in range(runs):
        port, health = free_ports(2, start=12000, stop=bench.ephemeral_low - 1)
        env = dict(os.environ, AGENT_NAME="ColdStart", AGENT_PORT=str(port), HEALTH_CHECK_PORT=str(health))
        with Prober(bench.zmq_context, {"ColdStart": health}) as prober:
            t0 = time.time()
            bench.processes.spawn([bench.paths.agent_sim, "--ready-after", "0"], env=env)
            got = prober.wait_ready(["ColdStart"], timeout=10, interval=0.001)
        bench.processes.sweep(grace=0.2)
        if got:
            times.append(got["ColdStart"] - t0)
    return statistics.median(times) if times else 0.0


def run(bench):
    ts = [0.5] if bench.options.quick else [0.5, 2.0]
    work = bench.workdir("startup")
    hosts_path, _, _ = write_hosts(work, avoid=())
    cold = cold_start(bench)
    bench.log(f"W1 agent-sim cold start {ms(cold):.1f} ms")
    for t in ts:
        ready = f"{int(t * 1000)}ms"
        offset, env, plans = pick_offset(bench, hosts_path, ready)
        runs = {h: {"times": [], "own": [], "cps": []} for h in HOSTS}
        for i in range(bench.options.runs):
            sups = {h: OurSupervisor(bench, work, bench.paths.root / "agents.yaml", hosts_path, h, env) for h in HOSTS}
            try:
                t0 = {h: s.start() for h, s in sups.items()}  # both hosts at once, as `make up` on each
                for h, sup in sups.items():
                    r = sup.wait_startup(timeout=60 + 10 * t)
                    if r["ready"] != r["total"]:
                        bench.note(f"W1 T={t}s {h} run {i + 1}: only {r['ready']}/{r['total']} ready")
                    runs[h]["times"].append(r["last_ready"] - t0[h])
                    runs[h]["own"].append(r["own"])
                    runs[h]["cps"].append(r["cp"])
            finally:
                for sup in sups.values():
                    sup.stop()
                bench.processes.sweep(grace=0.5)
        for host in HOSTS:
            add_rows(bench, t, plans[host], runs[host], cold)


def add_rows(bench, t, plan, runs, cold):
    depth, count = plan.level_count, len(plan.agents)
    cp = plan.critical_path_s
    times, own, cps = runs["times"], runs["own"], runs["cps"]
    s = Stats.of([ms(x) for x in times])
    limit = cp + depth * cold
    per_level = (s.median - ms(limit)) / depth
    w = f"1. start-up, agent-sim T={t:g}s"
    host = plan.host
    target = f"overhead < {TARGET_MS_PER_LEVEL:g} ms/level"
    met = per_level < TARGET_MS_PER_LEVEL
    bench.add(Row(w, f"{host}: `supervisor up` -> last agent ready ({count} agents, {depth} levels)", s, "ms",
                  f"critical path {ms(cp):.0f} ms + {depth} x agent cold start {ms(cold):.1f} ms",
                  ratio(s.median, ms(limit)), target, met))
    bench.add(Row(w, f"{host}: overhead above critical path, per level",
                  Stats.of([(ms(x) - ms(cp)) / depth for x in times]), "ms/level"))
    bench.add(Row(w, f"{host}: overhead above critical path and agent cold start, per level",
                  Stats.of([(ms(x) - ms(limit)) / depth for x in times]), "ms/level", "", None,
                  f"< {TARGET_MS_PER_LEVEL:g} ms/level", met))
    bench.add(Row(w, f"{host}: supervisor's own `ready:` figure", Stats.of([ms(x) for x in own]), "ms",
                  f"its measured critical path (median {ms(statistics.median(cps)):.0f} ms)",
                  ratio(statistics.median(own), statistics.median(cps))))
    seq = plan.sequential_s
    legacy = depth * 10.0
    bench.add(Row(w, f"{host}: computed sequential start (one at a time, {count} x T)", Stats.single(ms(seq)), "ms",
                  "measured median / this", ratio(s.median, ms(seq)), n="computed"))
    bench.add(Row(w, f"{host}: computed legacy launcher ({depth} levels x 10 s sleep)", Stats.single(ms(legacy)),
                  "ms", "measured median / this", ratio(s.median, ms(legacy)), n="computed"))
    bench.log(f"W1 T={t}s {host}: median {s.median:.0f} ms vs critical path {ms(cp):.0f} ms")
