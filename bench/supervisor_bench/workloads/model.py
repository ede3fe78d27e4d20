"""The model micro-benchmark: `model-bench` drives the pure model (HostSupervisor) with fake
events, no processes; 10 000 agents (2000 quick) per shape should start and shut down in under
1 s of CPU each."""

import json
import subprocess

from ..rows import Row, Stats

SHAPES = ("flat", "chain", "levels")
TARGET_S = 1.0
TIMEOUT_S = 120


def run(bench):
    binary = bench.paths.model_bench
    if not binary.exists():
        bench.note(f"model micro-benchmark skipped: {binary.relative_to(bench.paths.root)} is not built "
                   "(the model-bench product is not in this checkout)")
        return
    n = 2000 if bench.options.quick else 10000
    for shape in SHAPES:
        w = f"M. model micro-benchmark: {n} agents, shape {shape}, fake events"
        try:
            done = subprocess.run([str(binary), "--agents", str(n), "--shape", shape, "--json"],
                                  capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            bench.add(Row(w, f"start-up and shutdown: timeout after {TIMEOUT_S} s", None, "s CPU",
                          target=f"< {TARGET_S:g} s CPU", met=False))
            continue
        if done.returncode != 0:
            bench.note(f"model-bench {shape}: exit {done.returncode}: {done.stderr.strip()[-300:]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        counts = f"{result['events']} events, {result['actions']} actions"
        for key, label in (("startup_cpu_s", "start-up"), ("shutdown_cpu_s", "shutdown")):
            value = result[key]
            bench.add(Row(w, f"{label}: model CPU", Stats.single(value), "s", counts, None,
                          f"< {TARGET_S:g} s CPU", value < TARGET_S, digits=3))
        bench.log(f"model {shape}: {result}")
