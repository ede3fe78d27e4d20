"""Workloads 3-5 run the 84 agents (agent-sim, ready at once) under our supervisor, supervisord
and circus side by side, each on ports of its own, every agent probed healthy first."""

import os
from dataclasses import dataclass

from ..manifests import fresh_ports, read_yaml, single_host, write_hosts, write_yaml
from ..plan import load_plan
from ..ports import free_ports
from ..prober import Prober
from ..subjects.circus import Circus
from ..subjects.supervisor import OurSupervisor
from ..subjects.supervisord import Supervisord


@dataclass
class Session:
    kind: str
    daemon: object
    raw_port: int | None  # our control port (the peers know their own)
    health_ports: dict


def start_session(bench, kind):
    work = bench.workdir(f"session-{kind}")
    raw = read_yaml(bench.paths.root / "agents.yaml")
    ports, block = fresh_ports(raw, bench.ports_in_use, bench.ephemeral_low)
    bench.ports_in_use.extend(block)
    hosts_path, control, used = write_hosts(work, bench.ports_in_use)
    bench.ports_in_use.extend(used)
    http, endpoint, pubsub = free_ports(3, avoid=bench.ports_in_use)
    bench.ports_in_use.extend([http, endpoint, pubsub])
    env = dict(os.environ, SIM_READY="0")
    manifest = write_yaml(single_host(raw, bench.processes.marker, ports=ports), work / "agents.yaml")
    plan = load_plan(bench, "mainpc", manifest, hosts_path, env)
    commands = {a.name: list(a.command) for a in plan.agents}
    if kind == "supervisor":
        daemon, raw_port = OurSupervisor(bench, work, manifest, hosts_path, "mainpc", env), control["mainpc"]
    elif kind == "supervisord":
        daemon, raw_port = Supervisord(bench, work, plan, commands, http), None
    else:
        daemon, raw_port = Circus(bench, work, plan, commands, endpoint, pubsub), None
    health_ports = plan.health_ports()
    daemon.start()
    with Prober(bench.zmq_context, health_ports) as prober:
        got = prober.wait_ready(list(health_ports), timeout=90)
    if len(got) < len(health_ports):
        bench.note(f"{kind} session: only {len(got)}/{len(health_ports)} agents healthy")
    if kind == "supervisor":
        daemon.wait_startup(timeout=60)
    return Session(kind, daemon, raw_port, health_ports)
