"""The files the bench writes: hosts files, the real agents on one host, a seeded random graph
of agent-sims, and a flat set of sleep agents. Values are left for the supervisor to expand."""

import random

import yaml

from .ports import free_ports


def write_hosts(work, avoid):
    """`hosts` in `work` with mainpc and pc2 on free control ports; returns (path, control
    port by host, every port it took)."""
    ports = free_ports(22, avoid=avoid)
    path = work / "hosts"
    path.write_text(f"mainpc 127.0.0.1 {ports[0]}\npc2 127.0.0.1 {ports[10]}\n")
    return path, {"mainpc": ports[0], "pc2": ports[10]}, ports


def read_yaml(path):
    with open(path) as f:
        return yaml.safe_load(f)


def write_yaml(data, path):
    with open(path, "w") as f:
        yaml.safe_dump(data, f, sort_keys=False)
    return path


def _local(dependency):
    """A dependency of another host's agent becomes one on the same agent, here."""
    if isinstance(dependency, str):
        return dependency.split("/", 1)[-1]
    dependency = dict(dependency)
    dependency.pop("host", None)
    return dependency


def single_host(raw, marker, command=None, ports=None):
    """The agents of every host of `raw` (agents.yaml, unexpanded) on host mainpc: what
    supervisord and circus run as one daemon. `ports` maps each agent to (port, health port)
    and names the registry and error bus ports, to run several such hosts side by side."""
    m = yaml.safe_load(yaml.safe_dump(raw))
    m["defaults"]["host"] = "mainpc"
    m["defaults"].setdefault("env", {}).update(marker)
    if command:
        m["defaults"]["command"] = list(command)
    for name, agent in m["agents"].items():
        agent.pop("host", None)
        if "depends_on" in agent:
            agent["depends_on"] = [_local(d) for d in agent["depends_on"]]
        if ports:
            agent["port"], health_port = ports[name]
            agent.setdefault("health", {})["port"] = health_port
    for key in ("registry", "error_bus"):
        if isinstance(m.get(key), dict):
            m[key]["host"] = "mainpc"
            if ports and key in ports:
                m[key]["port"] = ports[key]
    return m


def fresh_ports(raw, avoid, stop):
    """A fresh free port block for `single_host(..., ports=)`."""
    names = list(raw["agents"])
    block = free_ports(2 * len(names) + 2, start=10000, stop=stop - 1, avoid=avoid)
    ports = {n: (block[2 * i], block[2 * i + 1]) for i, n in enumerate(names)}
    ports["registry"], ports["error_bus"] = block[-2], block[-1]
    return ports, block


def scale_graph(agent_sim, n, levels, seed, base_port, marker):
    """`n` agent-sims in `levels` levels, each depending on 1-3 random agents of the level above."""
    rng = random.Random(seed)
    per = n // levels
    names = [[f"a{lvl:02d}_{i:04d}" for i in range(per)] for lvl in range(levels)]
    agents = {}
    k = 0
    for lvl in range(levels):
        for name in names[lvl]:
            deps = [] if lvl == 0 else sorted(rng.sample(names[lvl - 1], rng.randint(1, 3)))
            agents[name] = {"port": base_port + 2 * k, "health": {"port": base_port + 2 * k + 1}, "depends_on": deps}
            k += 1
    return {
        "version": 1,
        # Cheap starts (see the workload 6 note): the bound of a machine whose agents import for seconds.
        "max_concurrent_starts": 64,
        "defaults": {"host": "mainpc", "command": [str(agent_sim), "--ready-after", "0"],
                     "env": dict(marker), "required": True,
                     "health": {"kind": "zmq", "address": "127.0.0.1", "interval": "5s",
                                "timeout": "2s", "retries": 3, "start_period": "30s"},
                     "restart": {"policy": "on-failure", "max_restarts": 5, "window": "60s"},
                     "stop": {"signal": "SIGTERM", "timeout": "10s"}},
        "agents": agents,
    }


def sleep_agents(n, health, marker, concurrent_starts):
    """`n` agents running `/bin/sleep 100000`, no dependencies, health `none` or `exec`
    (/bin/true). No legacy environment: its endpoint map of 10 000 agents would exceed the
    kernel's 128 KiB limit on one environment string."""
    check = {"kind": "none", "start_period": "10ms"} if health == "none" else \
        {"kind": "exec", "command": ["/bin/true"], "interval": "30s", "timeout": "5s", "start_period": "60s"}
    return {
        "version": 1,
        "max_concurrent_starts": concurrent_starts,
        "defaults": {"host": "mainpc", "command": ["/bin/sleep", "100000"], "env": dict(marker),
                     "legacy_env": False, "health": check,
                     "restart": {"policy": "on-failure"}, "stop": {"signal": "SIGTERM", "timeout": "10s"}},
        "agents": {f"s{i:05d}": {} for i in range(n)},
    }
