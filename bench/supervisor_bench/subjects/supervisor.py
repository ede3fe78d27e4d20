"""Our supervisor: `supervisor up HOST` in the foreground, stopped with `supervisor down`."""

import json
import shutil
import subprocess
import time

import zmq

from ..processes import kill_group
from .log_tail import LogTail


class StartupTimeout(Exception):
    def __init__(self, seconds, ready, total):
        super().__init__(f"timeout after {seconds:.0f} s, {ready} of {total} ready")
        self.seconds, self.ready, self.total = seconds, ready, total


class OurSupervisor:
    label = "supervisor"

    def __init__(self, run, work, manifest, hosts, host, env):
        self.run, self.work, self.manifest, self.hosts, self.host, self.env = run, work, manifest, hosts, host, env
        self.logs = work / "logs"
        self.proc = None
        self.t0 = None

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        shutil.rmtree(self.logs / self.host, ignore_errors=True)
        argv = [self.run.paths.supervisor, "up", self.host, "--manifest", self.manifest,
                "--hosts", self.hosts, "--logs", self.logs]
        if not self.run.options.cgroups:
            argv.append("--no-cgroups")
        self.t0 = time.time()
        self.proc = self.run.processes.spawn(argv, cwd=self.work, env=self.env,
                                             stdout=open(self.work / f"up-{self.host}.out", "ab"))
        return self.t0

    def wait_startup(self, timeout, total=None):
        """The `ready:` line's fields and the last `-> ready` time. Raises StartupTimeout (with
        how many agents were ready) when the line does not come within `timeout` s."""
        tail = LogTail(self.logs / self.host / "supervisor.log")
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"supervisor up {self.host} exited {self.proc.returncode}")
            tail.poll()
            if tail.summary:
                return dict(tail.summary, last_ready=tail.last_ready)
            time.sleep(0.005 if total is None or total < 2000 else 0.05)
        raise StartupTimeout(time.monotonic() - started, tail.ready_agents, total or "?")

    def down(self, timeout=60):
        """`supervisor down`: seconds from the command to the daemon's exit; None on timeout
        (the daemon is then killed)."""
        if not self.proc or self.proc.poll() is not None:
            return None
        t0 = time.monotonic()
        try:
            subprocess.run([str(self.run.paths.supervisor), "down", self.host, "--hosts", str(self.hosts)],
                           cwd=self.work, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout)
            self.proc.wait(timeout=max(1.0, timeout - (time.monotonic() - t0)))
            return time.monotonic() - t0
        except subprocess.TimeoutExpired:
            kill_group(self.proc)
            return None

    def stop(self):
        self.down()

    def status_cli(self):
        return [str(self.run.paths.supervisor), "status", self.host, "--hosts", str(self.hosts),
                "--manifest", str(self.manifest)]

    def raw_status_client(self, port):
        s = self.run.zmq_context.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://127.0.0.1:{port}")
        request = json.dumps({"v": 1, "cmd": "status"}).encode()

        def once():
            s.send(request)
            if not s.poll(5000):
                raise RuntimeError("supervisor status: no reply")
            return s.recv()

        def check(raw):
            reply = json.loads(raw)
            assert reply.get("ok"), reply
        return once, check, lambda: s.close(0)
