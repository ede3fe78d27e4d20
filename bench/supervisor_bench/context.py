"""The run: options, paths, the process registry, the table being filled and the work folder.
Passed to every workload and subject instead of module globals."""

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import zmq

from .processes import ProcessRegistry
from .rows import Table
from .ports import ephemeral_low


@dataclass(frozen=True)
class Paths:
    root: Path
    bin: Path
    supervisor: Path
    agent_sim: Path
    model_bench: Path
    py_agent: Path
    venv_bin: Path

    @classmethod
    def discover(cls):
        bench = Path(__file__).resolve().parent.parent
        root = bench.parent
        bin_dir = root / ".build" / "release"
        return cls(root=root, bin=bin_dir, supervisor=bin_dir / "supervisor", agent_sim=bin_dir / "agent-sim",
                   model_bench=bin_dir / "model-bench", py_agent=bench / "py_agent.py",
                   venv_bin=Path(sys.executable).parent)


@dataclass(frozen=True)
class Options:
    quick: bool
    cgroups: bool
    only: frozenset
    runs: int          # workload 1
    runs_python: int   # workload 2
    runs_scale: int    # workload 6


@dataclass
class Run:
    options: Options
    paths: Paths
    work: Path
    processes: ProcessRegistry = field(default_factory=ProcessRegistry)
    table: Table = field(default_factory=Table)
    zmq_context: zmq.Context = field(default_factory=zmq.Context)
    ephemeral_low: int = field(default_factory=ephemeral_low)
    # Ports held by daemons that run side by side (workloads 3-5).
    ports_in_use: list = field(default_factory=list)
    # Median PSS of one agent-sim, measured in workload 6 (for the 5000-agent estimate).
    agent_pss_mib: float | None = None

    def log(self, message):
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    def note(self, text):
        self.table.note(text)

    def add(self, row):
        self.table.add(row)

    def workdir(self, name):
        path = self.work / name
        path.mkdir(parents=True, exist_ok=True)
        return path
