"""Every process the bench starts: started in its own session, marked in its environment, and
killed on the way out (normal end, exception or Ctrl-C)."""

import os
import signal
import subprocess
import time

MARK_VARIABLE = "SUPERVISOR_BENCH_RUN"


def kill_group(proc, sig=signal.SIGKILL):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class ProcessRegistry:
    """Starts processes and kills them all, by process group and by the environment mark."""

    def __init__(self):
        self.mark = f"{os.getpid()}-{int(time.time())}"
        # Children inherit it: every agent of every daemon carries the mark.
        os.environ[MARK_VARIABLE] = self.mark
        self.started = []

    @property
    def marker(self):
        return {MARK_VARIABLE: self.mark}

    def spawn(self, argv, cwd=None, env=None, stdout=None):
        proc = subprocess.Popen([str(a) for a in argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=stdout or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.started.append(proc)
        return proc

    def marked_pids(self):
        needle = f"{MARK_VARIABLE}={self.mark}".encode()
        own = os.getpid()
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == own:
                continue
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if needle in f.read().split(b"\0"):
                        pids.append(int(entry))
            except OSError:
                pass
        return pids

    def sweep(self, grace=2.0):
        """Kill every process this bench started; returns how many could not be killed."""
        for proc in self.started:
            if proc.poll() is None:
                kill_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and any(p.poll() is None for p in self.started):
            time.sleep(0.05)
        for proc in self.started:
            kill_group(proc)
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        self.started.clear()
        for _ in range(20):
            pids = self.marked_pids()
            if not pids:
                return 0
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        return len(self.marked_pids())
