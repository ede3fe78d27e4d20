"""`supervisor plan HOST --json`: levels, commands, environment and ports as the supervisor
itself expands them (the bench expands nothing of agents.yaml on its own)."""

import json
import os
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanAgent:
    name: str
    host: str
    level: int
    depends_on: tuple
    command: tuple
    working_directory: str
    environment: dict  # the whole set the supervisor adds (common + the agent's own)
    port: int | None
    health_kind: str
    health_port: int | None

    def ports(self):
        """Every port the agent binds or names: its own, its health port, and any *_PORT it is
        given (registry, error bus)."""
        found = {p for p in (self.port, self.health_port) if p}
        for key, value in self.environment.items():
            if key.endswith("_PORT") and value.isdigit():
                found.add(int(value))
        return found


@dataclass(frozen=True)
class Plan:
    host: str
    level_count: int
    critical_path_s: float
    sequential_s: float
    agents: tuple

    def by_name(self):
        return {a.name: a for a in self.agents}

    def health_ports(self):
        return {a.name: a.health_port for a in self.agents if a.health_port}

    def ports(self):
        return sorted(set().union(*(a.ports() for a in self.agents))) if self.agents else []


def _agent(raw, common):
    health = raw["health"]
    return PlanAgent(
        name=raw["name"], host=raw["host"], level=raw["level"],
        depends_on=tuple(d["name"] for d in raw["dependencies"]), command=tuple(raw["command"]),
        working_directory=raw["working_directory"], environment={**common, **raw["environment"]},
        port=raw.get("port"), health_kind=health["kind"], health_port=health.get("port"))


def load_plan(run, host, manifest, hosts, env=None):
    """The plan of `host` for `manifest` and `hosts`, expanded with `env` (default: ours)."""
    argv = [str(run.paths.supervisor), "plan", host, "--json", "--manifest", str(manifest), "--hosts", str(hosts)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env or dict(os.environ))
    if done.returncode != 0:
        raise RuntimeError(f"supervisor plan {host} --json: exit {done.returncode}: {done.stderr.strip()[-400:]}")
    raw = json.loads(done.stdout.strip().splitlines()[-1])
    common = raw.get("common_environment", {})
    return Plan(host=raw["host"], level_count=raw["level_count"], critical_path_s=raw["critical_path"]["seconds"],
                sequential_s=raw["sequential_s"], agents=tuple(_agent(a, common) for a in raw["agents"]))
