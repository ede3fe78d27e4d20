"""BENCHMARKS.md: the machine, the table and the notes."""

import datetime
import importlib.metadata
import os
import platform
import subprocess

import zmq

HEADER = ["| Workload | Subject | median | min | max | p99 | n | unit | reference (same run) | ratio | target | met |",
          "|---|---|---:|---:|---:|---:|---:|---|---|---:|---|---|"]


def machine():
    with open("/proc/meminfo") as f:
        mem = int(f.read().split("MemTotal:")[1].split()[0])
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        swift = "?"
    versions = {p: importlib.metadata.version(p) for p in ("supervisor", "circus", "pyzmq")}
    return [
        f"- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"- CPU: {os.cpu_count()} cores ({cpu})",
        f"- Memory: {mem / 2**20:.1f} GiB",
        f"- Kernel: {platform.system()} {platform.release()}",
        f"- Swift: {swift}",
        f"- Python: {platform.python_version()}; peers: supervisor {versions['supervisor']}, "
        f"circus {versions['circus']}; pyzmq {versions['pyzmq']} (libzmq {zmq.zmq_version()})",
    ]


def table(rows):
    return HEADER + ["| " + " | ".join(row.cells()) + " |" for row in rows]


def render(bench, load_before, load_after, elapsed, standing_notes):
    options = bench.options
    mode = "quick (`make bench-quick`)" if options.quick else "full (`make bench`)"
    only = f"; workloads {','.join(sorted(options.only))} only (--only)" if options.only != frozenset(ALL) else ""
    limits = ("cgroups (limits enforced)" if options.cgroups
              else "`--no-cgroups` (watchdog; supervisord and circus have no limits either)")
    lines = ["# Benchmarks", "",
             "Written by `make bench` (bench/supervisor_bench); do not edit by hand. Latest run:", "",
             *machine(),
             f"- Mode: {mode}{only}; took {elapsed:.0f} s; supervisor run with {limits}",
             f"- Load average before: {load_before}; after: {load_after} (the machine has {os.cpu_count()} "
             "cores; a load above that means other work shared the CPU and the figures are noisy)", "",
             *table(bench.table.rows), "", "Notes:", ""]
    lines += [f"- {n}" for n in bench.table.notes + standing_notes]
    return "\n".join(lines) + "\n"


ALL = ("1", "2", "3", "6", "7", "model")
