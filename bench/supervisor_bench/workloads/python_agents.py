"""Workload 2: start-up of the 84 agents as small Python pyzmq agents (bench/py_agent.py) under
our supervisor (dependency order), supervisord, circus and a shell loop (all at once)."""

import sys

from ..manifests import read_yaml, single_host, write_hosts, write_yaml
from ..plan import load_plan
from ..ports import free_ports
from ..prober import Prober
from ..rows import Row, Stats, ms, ratio
from ..subjects.circus import Circus
from ..subjects.loops import ShellLoop
from ..subjects.supervisor import OurSupervisor
from ..subjects.supervisord import Supervisord
from .startup import pick_offset

LABELS = {"shell": ShellLoop.label, "supervisor": "supervisor (dependency order respected)",
          "supervisord": "supervisord 4.3 (all at once, priority order)",
          "circus": "circus 0.19 (all at once, priority order)"}


def run(bench):
    work = bench.workdir("python-agents")
    hosts_path, _, used = write_hosts(work, avoid=())
    _, env, _ = pick_offset(bench, hosts_path, "0")
    command = [sys.executable, str(bench.paths.py_agent), "--ready-after", "0"]
    manifest = write_yaml(single_host(read_yaml(bench.paths.root / "agents.yaml"), bench.processes.marker, command),
                          work / "agents-python.yaml")
    plan = load_plan(bench, "mainpc", manifest, hosts_path, env)
    http, endpoint, pubsub = free_ports(3, avoid=plan.ports() + used)
    commands = {a.name: list(a.command) for a in plan.agents}
    ports = plan.health_ports()

    def make(kind):
        if kind == "supervisor":
            return OurSupervisor(bench, work, manifest, hosts_path, "mainpc", env)
        if kind == "supervisord":
            return Supervisord(bench, bench.workdir("python-agents/sd"), plan, commands, http)
        if kind == "circus":
            return Circus(bench, bench.workdir("python-agents/circus"), plan, commands, endpoint, pubsub)
        return ShellLoop(bench, bench.workdir("python-agents/shell"), plan, commands)

    results = {}
    for kind in ("shell", "supervisor", "supervisord", "circus"):
        times = []
        for i in range(bench.options.runs_python):
            host = make(kind)
            try:
                with Prober(bench.zmq_context, ports) as prober:
                    t0 = host.start()
                    got = prober.wait_ready(list(ports), timeout=120)
                if len(got) < len(ports):
                    bench.note(f"W2 {kind} run {i + 1}: only {len(got)}/{len(ports)} ready in 120 s")
                    continue
                times.append(max(got.values()) - t0)
            finally:
                host.stop()
                bench.processes.sweep(grace=0.5)
        results[kind] = times
        bench.log(f"W2 {kind}: {['%.0f' % ms(x) for x in times]} ms")
    reference = Stats.of([ms(x) for x in results["shell"]]).median if results["shell"] else float("nan")
    for kind in ("supervisor", "supervisord", "circus", "shell"):
        if results[kind]:
            s = Stats.of([ms(x) for x in results[kind]])
            bench.add(Row(f"2. start-up, {len(plan.agents)} Python pyzmq agents ({plan.level_count} levels)",
                          f"{LABELS[kind]}: start -> all healthy", s, "ms", f"shell loop {reference:.0f} ms",
                          ratio(s.median, reference)))
