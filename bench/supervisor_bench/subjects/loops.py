"""The references without a supervisor: a shell script and a Python loop that start every
agent at once, with the plan's commands and environment."""

import os
import shlex
import signal
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
    """A Python loop that spawns every agent at once (no order, no supervision) with
    posix_spawn, the cheapest spawn Python has, and stops them all with SIGTERM (the reference
    of workloads 6 and 7)."""
    label = "plain loop (all at once)"

    def __init__(self, run, plan):
        self.run, self.plan = run, plan
        self.pids = []
        self.t0 = None

    def start(self):
        base = dict(os.environ)
        quiet = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
                 (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0), (os.POSIX_SPAWN_DUP2, 1, 2)]
        by_directory = {}
        for agent in self.plan.agents:
            by_directory.setdefault(agent.working_directory, []).append(agent)
        here = os.getcwd()
        self.t0 = time.time()
        try:
            for directory, agents in by_directory.items():
                os.chdir(directory)  # posix_spawn has no chdir action in Python 3.11
                for agent in agents:
                    self.pids.append(os.posix_spawnp(agent.command[0], list(agent.command),
                                                     {**base, **agent.environment}, file_actions=quiet, setsid=True))
        finally:
            os.chdir(here)
        return self.t0

    def stop(self, timeout=30):
        """SIGTERM to every agent, then wait for every exit: seconds, or None on timeout."""
        t0 = time.monotonic()
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = t0 + timeout
        while self.pids:
            if os.waitpid(self.pids[-1], os.WNOHANG)[0]:
                self.pids.pop()  # reaped: never signalled again (its pid may be reused)
            elif time.monotonic() > deadline:
                return None
            else:
                time.sleep(0.0005)
        return time.monotonic() - t0

    def close(self):
        """Kill and reap whatever is left (zombies would hold their pids)."""
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.pids.clear()
