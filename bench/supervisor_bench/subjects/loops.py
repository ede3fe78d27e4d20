"""The references without a supervisor: a shell script and a Python loop that start every
agent at once, with the plan's commands and environment."""

import os
import shlex
import signal
import subprocess
import time


class ShellLoop:
    """A bash script: `env ... cmd &` per agent, then `wait` (workload 2's reference)."""
    label = "shell loop (all at once)"

    def __init__(self, run, work, plan, commands):
        self.run, self.work = run, work
        lines = ["#!/bin/bash"]
        for agent in plan.agents:
            env = dict(agent.environment, **run.processes.marker)
            assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
            cmd = " ".join(shlex.quote(c) for c in commands[agent.name])
            lines.append(f"(cd {shlex.quote(agent.working_directory)} && env {assignments} {cmd}) >/dev/null 2>&1 &")
        lines.append("wait")
        self.script = work / "start-all.sh"
        self.script.write_text("\n".join(lines) + "\n")
        self.proc = None
        self.t0 = None

    def start(self):
        self.t0 = time.time()
        self.proc = self.run.processes.spawn(["/bin/bash", self.script], cwd=self.work)
        return self.t0

    def stop(self):
        self.run.processes.sweep(grace=0.5)


class PlainLoop:
    """A Python loop that spawns every agent at once (no order, no supervision) and stops them
    all with SIGTERM (workload 6's reference)."""
    label = "plain loop (all at once)"

    def __init__(self, run, plan):
        self.run, self.plan = run, plan
        self.procs = []
        self.t0 = None

    def start(self):
        base = dict(os.environ)
        self.t0 = time.time()
        for agent in self.plan.agents:
            self.procs.append(subprocess.Popen(
                list(agent.command), cwd=agent.working_directory, env={**base, **agent.environment},
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
        self.run.processes.started.extend(self.procs)  # swept whatever happens
        return self.t0

    def stop(self, timeout=30):
        """SIGTERM to every agent, then wait for every exit: seconds, or None on timeout."""
        t0 = time.monotonic()
        for proc in self.procs:
            try:
                os.kill(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, timeout - (time.monotonic() - t0)))
            except subprocess.TimeoutExpired:
                return None
        return time.monotonic() - t0
