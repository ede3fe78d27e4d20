"""supervisord 4.3, configured from the supervisor's own plan of the same agents."""

import os
import shlex
import time
import xmlrpc.client

from .peers import PeerDaemon, ini_quote


class Supervisord(PeerDaemon):
    label = "supervisord 4.3"

    def __init__(self, run, work, plan, commands, http_port):
        self.run, self.work, self.port = run, work, http_port
        (work / "sd-logs").mkdir(parents=True, exist_ok=True)
        lines = ["[supervisord]", f"logfile={work}/supervisord.log", f"pidfile={work}/supervisord.pid",
                 f"childlogdir={work}/sd-logs", "nodaemon=true", "loglevel=info", "minfds=1024",
                 "", "[inet_http_server]", f"port=127.0.0.1:{http_port}", "",
                 "[rpcinterface:supervisor]",
                 "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
                 "", "[supervisorctl]", f"serverurl=http://127.0.0.1:{http_port}", ""]
        for agent in plan.agents:
            env = dict(agent.environment, **run.processes.marker)
            lines += [f"[program:{agent.name}]",
                      "command=" + " ".join(shlex.quote(c) for c in commands[agent.name]),
                      f"directory={agent.working_directory}",
                      "environment=" + ",".join(f"{k}={ini_quote(v)}" for k, v in env.items()),
                      f"priority={100 + agent.level}",  # start order hint; it does not wait
                      "autostart=true", "stopsignal=TERM", "stopwaitsecs=10",
                      f"stdout_logfile={work}/sd-logs/{agent.name}.log", "redirect_stderr=true", ""]
        self.conf = work / "supervisord.conf"
        self.conf.write_text("\n".join(lines))

    def start(self):
        self.t0 = time.time()
        self.proc = self.run.processes.spawn([self.run.paths.venv_bin / "supervisord", "-c", self.conf],
                                             cwd=self.work, env=dict(os.environ, TZ="UTC"))
        return self.t0

    def status_cli(self):
        return [str(self.run.paths.venv_bin / "supervisorctl"), "-c", str(self.conf), "status"]

    def raw_status_client(self, _port=None):
        url = f"http://127.0.0.1:{self.port}/RPC2"

        def once():
            # xmlrpc.client parses inside the call: this row includes the parse.
            return xmlrpc.client.ServerProxy(url).supervisor.getAllProcessInfo()

        def check(infos):
            assert isinstance(infos, list)
        return once, check, lambda: None
