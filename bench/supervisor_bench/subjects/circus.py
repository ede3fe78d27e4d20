"""circus 0.19, configured from the supervisor's own plan of the same agents."""

import json
import os
import shlex
import time

import zmq

from .peers import PeerDaemon


class Circus(PeerDaemon):
    label = "circus 0.19"

    def __init__(self, run, work, plan, commands, endpoint_port, pubsub_port):
        self.run, self.work, self.port = run, work, endpoint_port
        (work / "circus-logs").mkdir(parents=True, exist_ok=True)
        lines = ["[circus]", f"endpoint = tcp://127.0.0.1:{endpoint_port}",
                 f"pubsub_endpoint = tcp://127.0.0.1:{pubsub_port}", "statsd = False", ""]
        for agent in plan.agents:
            cmd = list(commands[agent.name])
            log = f"{work}/circus-logs/{agent.name}.log"
            lines += [f"[watcher:{agent.name}]", f"cmd = {shlex.quote(cmd[0])}",
                      "args = " + " ".join(shlex.quote(c) for c in cmd[1:]),
                      f"working_dir = {agent.working_directory}",
                      "numprocesses = 1", "copy_env = True",
                      f"priority = {100 - agent.level}",  # circus starts higher priority first
                      "stdout_stream.class = FileStream", f"stdout_stream.filename = {log}",
                      "stderr_stream.class = FileStream", f"stderr_stream.filename = {log}", ""]
            env = dict(agent.environment, **run.processes.marker)
            lines += [f"[env:{agent.name}]"] + [f"{k} = {v}" for k, v in env.items()] + [""]
        self.conf = work / "circus.ini"
        self.conf.write_text("\n".join(lines).replace("%", "%%"))

    def start(self):
        self.t0 = time.time()
        self.proc = self.run.processes.spawn(
            [self.run.paths.venv_bin / "circusd", "--log-output", self.work / "circusd.log", self.conf], cwd=self.work)
        return self.t0

    def status_cli(self):
        return [str(self.run.paths.venv_bin / "circusctl"), "--endpoint", f"tcp://127.0.0.1:{self.port}", "status"]

    def raw_status_client(self, _port=None):
        s = self.run.zmq_context.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://127.0.0.1:{self.port}")

        def once():
            msg = {"id": os.urandom(16).hex(), "command": "status", "properties": {}}
            s.send(json.dumps(msg).encode())
            if not s.poll(5000):
                raise RuntimeError("circus status: no reply")
            return s.recv()

        def check(raw):
            reply = json.loads(raw)
            assert reply.get("status") == "ok", reply
        return once, check, lambda: s.close(0)

