"""Workload 6: 1000 agent-sims (200 quick) in a seeded random 10-level graph, ready at once:
`supervisor up` against a plain loop that starts the same agents all at once, then daemon CPU,
RSS, status latency, idle CPU, and `supervisor down` against the loop's SIGTERM to all."""

import os
import statistics

from ..manifests import scale_graph, write_hosts, write_yaml
from ..measures import footprint, status_latency
from ..plan import load_plan
from ..ports import all_free
from ..procfs import children_of, cpu_seconds, mem_available_mib, pss_mib, rss_bytes
from ..prober import Prober
from ..subjects.loops import PlainLoop
from ..subjects.supervisor import OurSupervisor, StartupTimeout
from . import scale_rows


def port_base(bench, n):
    for base in (12000, 14000, 10000, 16000, 18000, 20000):
        if base + 2 * n < bench.ephemeral_low and all_free(range(base, base + 2 * n)):
            return base
    return None


def run(bench):
    quick = bench.options.quick
    sizes = [200] if quick else [1000, 5000]
    for n in sizes:
        if n == 5000:
            need = 5000 * (bench.agent_pss_mib or 12)
            if mem_available_mib() < 1.5 * need or (os.cpu_count() or 1) < 4:
                bench.note(f"6. scale: 5000 agents skipped: {os.cpu_count()} cores, {mem_available_mib()} MiB "
                           f"available; it needs about {need:.0f} MiB of agents and more than 2 cores to finish "
                           "within the time budget")
                continue
        base = port_base(bench, n)
        if base is None:
            bench.note(f"6. scale {n}: no free block of {2 * n} ports")
            continue
        scale(bench, n, base)


def plain_loop(bench, plan, result):
    ports = plan.health_ports()
    loop = PlainLoop(bench, plan)
    try:
        with Prober(bench.zmq_context, ports) as prober:
            t0 = loop.start()
            got = prober.wait_ready(list(ports), timeout=120)
        if len(got) < len(ports):
            bench.note(f"6. plain loop: only {len(got)}/{len(ports)} healthy in 120 s")
        else:
            result.loop_start.append(max(got.values()) - t0)
        stop = loop.stop()
        if stop is not None:
            result.loop_stop.append(stop)
    finally:
        loop.close()
        bench.processes.sweep(grace=0.5)


def supervised(bench, n, work, manifest, hosts_path, control, result, first):
    quick = bench.options.quick
    sup = OurSupervisor(bench, work, manifest, hosts_path, "mainpc", dict(os.environ))
    try:
        t0 = sup.start()
        try:
            r = sup.wait_startup(timeout=120 if quick else 300, total=n)
        except StartupTimeout as timeout:
            result.up_failures.append(str(timeout))
            return
        result.cpu_start.append(cpu_seconds(sup.pid))
        if r["ready"] != r["total"]:
            bench.note(f"6. scale {n}: only {r['ready']}/{r['total']} ready")
        result.start.append(r["last_ready"] - t0)
        result.own.append(r["own"])
        result.rss.append(rss_bytes(sup.pid) / 2**20)
        if first:
            pss = [p for p in (pss_mib(pid) for pid in list(children_of(sup.pid))[:50]) if p]
            if pss:
                bench.agent_pss_mib = statistics.median(pss)
            _, _, _, cpu, span = footprint({"ours": sup.pid}, 6.0 if quick else 30.0)
            result.idle_share.append(100 * cpu["ours"] / span)
            result.idle_span = span
        cli, raw = status_latency(sup, control, 3 if quick else 5, 50 if quick else 200)
        result.cli += cli
        result.raw += raw
        stop = sup.down(timeout=120)
        if stop is None:
            result.down_failures.append("did not end within 120 s (the daemon was killed)")
        else:
            result.stop.append(stop)
            left = len(bench.processes.marked_pids())
            if left:
                bench.note(f"6. scale {n}: {left} marked processes left after `supervisor down`")
    finally:
        sup.stop()
        bench.processes.sweep(grace=0.5)


def scale(bench, n, base):
    work = bench.workdir(f"scale-{n}")
    manifest = write_yaml(scale_graph(bench.paths.agent_sim, n, 10, 1234, base, bench.processes.marker),
                          work / "agents.yaml")
    hosts_path, control, _ = write_hosts(work, range(base, base + 2 * n))
    plan = load_plan(bench, "mainpc", manifest, hosts_path)
    result = scale_rows.Result(n=n, levels=plan.level_count)
    for i in range(bench.options.runs_scale):
        plain_loop(bench, plan, result)
        supervised(bench, n, work, manifest, hosts_path, control["mainpc"], result, first=i == 0)
        bench.log(f"W6 {n} run {i + 1}: loop {result.loop_start[-1:]} s, supervisor {result.start[-1:]} s, "
                  f"down {result.stop[-1:]} s {result.up_failures + result.down_failures}")
    scale_rows.add(bench, result)
