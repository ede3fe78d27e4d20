"""`make bench` / `make bench-quick`: run the workloads, print the table, write BENCHMARKS.md.

    .build/bench-venv/bin/python -m supervisor_bench            # from bench/: full (about 20 min)
    .build/bench-venv/bin/python -m supervisor_bench --quick    # fewer runs, smaller scale (a few min)
    .build/bench-venv/bin/python -m supervisor_bench --only 6,7,model
"""

import argparse
import atexit
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from .context import Options, Paths, Run
from .limits import raise_fd_limit
from .notes import standing_notes
from .procfs import load_average
from .report import ALL, render
from .workloads import daemons, model, python_agents, scale, sleep_agents, startup

WORKLOADS = {"1": startup.run, "2": python_agents.run, "3": daemons.run, "6": scale.run,
             "7": sleep_agents.run, "model": model.run}
ALIASES = {"4": "3", "5": "3", "m": "model"}  # workloads 3, 4 and 5 share their daemons


def parse_options(paths):
    ap = argparse.ArgumentParser(prog="supervisor_bench", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, smaller scale (200 agent-sims, 1000 sleeps)")
    ap.add_argument("--cgroups", action="store_true", help="run our supervisor with cgroups")
    ap.add_argument("--only", default=",".join(ALL),
                    help="comma-separated workloads to run: 1, 2, 3 (covers 3, 4 and 5), 6, 7, model "
                         "(default: all)")
    ap.add_argument("--output", default=str(paths.root / "BENCHMARKS.md"))
    args = ap.parse_args()
    only = frozenset(ALIASES.get(w.strip(), w.strip()) for w in args.only.split(",") if w.strip())
    unknown = only - set(WORKLOADS)
    if unknown:
        ap.error(f"unknown workload(s) {', '.join(sorted(unknown))}; choose from {', '.join(ALL)}")
    # The issue asks for >= 5 runs per figure; --quick trades that for its few-minute budget.
    options = Options(quick=args.quick, cgroups=args.cgroups, only=only, runs=3 if args.quick else 5,
                      runs_python=2 if args.quick else 5, runs_scale=1 if args.quick else 2)
    return options, Path(args.output)


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def run_workloads(bench):
    for key in ALL:
        if key not in bench.options.only:
            continue
        bench.log(f"workload {key} ...")
        t = time.monotonic()
        try:
            WORKLOADS[key](bench)
        except KeyboardInterrupt:
            raise
        except Exception as e:  # a broken workload is reported, the others still run
            bench.note(f"workload {key} failed: {type(e).__name__}: {e}")
            bench.log(f"workload {key} FAILED: {type(e).__name__}: {e}")
        finally:
            left = bench.processes.sweep(grace=0.5)
            if left:
                bench.note(f"{left} processes could not be killed after workload {key}")
        bench.log(f"workload {key} took {time.monotonic() - t:.0f} s")


def main():
    paths = Paths.discover()
    options, output = parse_options(paths)
    for path in (paths.supervisor, paths.agent_sim):
        if not path.exists():
            sys.exit(f"bench: {path} missing; run `swift build -c release` first")
    bench = Run(options=options, paths=paths, work=Path(tempfile.mkdtemp(prefix="supervisor-bench-")))
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    atexit.register(bench.processes.sweep)
    raise_fd_limit(0)  # soft up to hard; the agents and daemons inherit it
    started = time.monotonic()
    load_before = load_average()
    try:
        run_workloads(bench)
    finally:
        bench.processes.sweep()
        shutil.rmtree(bench.work, ignore_errors=True)
    text = render(bench, load_before, load_average(), time.monotonic() - started, standing_notes(bench.ephemeral_low))
    output.write_text(text)
    print(text)
    bench.log(f"wrote {output} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
