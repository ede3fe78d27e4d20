#!/usr/bin/env python3
"""`make bench`: the supervisor against the critical path and against supervisord and circus.

Runs the six workloads of the benchmark issue, prints one markdown table and writes it, with a
description of the machine, to BENCHMARKS.md. Every figure is a median with its min and max over
several runs, and the ratio to a reference measured (or computed) in the same run.

    .build/bench-venv/bin/python bench/bench.py            # full (about 12-15 min)
    .build/bench-venv/bin/python bench/bench.py --quick    # fewer runs, smaller scale (< 3 min)

`make bench` creates the virtualenv, installs supervisor 4.3.0, circus 0.19.0, pyzmq and PyYAML in
it and runs this file with it. Every process the bench starts carries the environment variable
SUPERVISOR_BENCH_RUN; on exit (normal, exception or Ctrl-C) every such process is killed, so
nothing is left behind, and the temporary folder is removed.
"""

import argparse
import atexit
import datetime
import importlib.metadata
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

import yaml
import zmq

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".build" / "release"
SUPERVISOR = BIN / "supervisor"
AGENT_SIM = BIN / "agent-sim"
PY_AGENT = Path(__file__).resolve().parent / "py_agent.py"
VENV_BIN = Path(sys.executable).parent
MARK_VAR = "SUPERVISOR_BENCH_RUN"
MARK = f"{os.getpid()}-{int(time.time())}"
os.environ[MARK_VAR] = MARK
HEALTH_REQUEST = json.dumps({"action": "health_check"}).encode()
CTX = zmq.Context.instance()


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Cleanup: every process carries MARK in its environment; kill them all on the way out.
# ---------------------------------------------------------------------------------------------

STARTED = []  # Popen objects started in their own session


def marked_pids():
    pids = []
    needle = f"{MARK_VAR}={MARK}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def kill_group(proc, sig=signal.SIGKILL):
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def sweep(grace=2.0):
    """Kill every process this bench started: first the groups it owns, then any marked pid."""
    for proc in STARTED:
        if proc.poll() is None:
            kill_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(p.poll() is None for p in STARTED):
        time.sleep(0.05)
    for proc in STARTED:
        kill_group(proc)
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            pass
    STARTED.clear()
    for _ in range(20):
        pids = marked_pids()
        if not pids:
            return 0
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    return len(marked_pids())


def spawn(argv, cwd=None, env=None, stdout=None):
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=stdout or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    STARTED.append(proc)
    return proc


def on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


# ---------------------------------------------------------------------------------------------
# Statistics, /proc and ports
# ---------------------------------------------------------------------------------------------

def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "p99": pct(values, 99), "n": len(values)}


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def children_of(pid):
    kids = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    kids.update(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return kids


def env_of(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
    except OSError:
        return {}


def port_free(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def all_free(ports):
    return all(port_free(p) for p in ports)


def free_ports(count, start=22000, stop=29999, avoid=()):
    """`count` consecutive free ports, not in `avoid`."""
    base = start
    while base + count < stop:
        block = list(range(base, base + count))
        if not set(block) & set(avoid) and all_free(block):
            return block
        base += count + random.randint(1, 37)
    raise RuntimeError("no free ports")


def utc_ts(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


# ---------------------------------------------------------------------------------------------
# The manifest: resolve ${...}, dependency levels and critical path
# ---------------------------------------------------------------------------------------------

VAR = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def resolve(value, env):
    if isinstance(value, str):
        text = VAR.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), value)
        m = re.fullmatch(r"\s*(\d+)\s*\+\s*(\d+)\s*", text)
        if m:
            return int(m.group(1)) + int(m.group(2))
        if re.fullmatch(r"\d+", text) and VAR.search(value):
            return int(text)
        return text
    if isinstance(value, list):
        return [resolve(v, env) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, env) for k, v in value.items()}
    return value


def load_manifest(port_offset, ready):
    env = {"PORT_OFFSET": str(port_offset), "SIM_READY": ready, "SUPERVISOR_BIN_DIR": str(BIN)}
    with open(ROOT / "agents.yaml") as f:
        return resolve(yaml.safe_load(f), env)


def levels_of(deps):
    """Dependency level of each agent (1 = no dependencies); members of a cycle share a level."""
    index, low, on, stack, comp = {}, {}, set(), [], {}
    counter = [0]

    def strong(v):  # Tarjan, iterative enough for 5000 agents via recursion limit
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in deps.get(v, []):
            if w not in deps:
                continue
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            members = []
            while True:
                w = stack.pop()
                on.discard(w)
                members.append(w)
                if w == v:
                    break
            for w in members:
                comp[w] = tuple(sorted(members))

    sys.setrecursionlimit(max(10000, 4 * len(deps)))
    for v in deps:
        if v not in index:
            strong(v)
    level = {}

    def lvl(c):
        if c in level:
            return level[c]
        level[c] = 1  # guard
        best = 0
        for m in c:
            for d in deps.get(m, []):
                if d in deps and comp[d] != c:
                    best = max(best, lvl(comp[d]))
        level[c] = best + 1
        return level[c]

    return {v: lvl(comp[v]) for v in deps}


def host_agents(manifest, host):
    default_host = manifest.get("defaults", {}).get("host", "mainpc")
    return {n: a for n, a in manifest["agents"].items() if a.get("host", default_host) == host}


def write_single_host_manifest(manifest, path, command=None, extra_env=None):
    """The same agents on one host (mainpc): what supervisord and circus run as one daemon."""
    m = json.loads(json.dumps(manifest))
    for a in m["agents"].values():
        a.pop("host", None)
    m["defaults"]["host"] = "mainpc"
    m["defaults"].setdefault("env", {})[MARK_VAR] = MARK
    m["defaults"]["env"].update(extra_env or {})
    if command:
        m["defaults"]["command"] = command
    with open(path, "w") as f:
        yaml.safe_dump(m, f, sort_keys=False)
    return m


def agent_env(manifest, name):
    a = manifest["agents"][name]
    env = dict(manifest.get("defaults", {}).get("env", {}))
    env.update(a.get("env", {}))
    env.update({"AGENT_NAME": name, "AGENT_PORT": str(a["port"]),
                "HEALTH_CHECK_PORT": str(a["health"]["port"]), MARK_VAR: MARK})
    return {k: str(v) for k, v in env.items()}


def agent_ports(manifest):
    ports = []
    for a in manifest["agents"].values():
        ports.append(a["port"])
        ports.append(a["health"]["port"])
    for key in ("registry", "error_bus"):
        if isinstance(manifest.get(key), dict) and "port" in manifest[key]:
            ports.append(manifest[key]["port"])
    return ports


EPHEMERAL_LOW = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])


def pick_offset(ready, avoid=()):
    # Every agent port stays below the kernel's ephemeral range: a client that reconnects fast to
    # a port nobody listens on yet can be given that very port as its source port and connect to
    # itself (TCP simultaneous open), and the agent then finds its port "in use".
    for offset in (3000, 4000, 5000, 2500, 4500, 5500, 3500):
        m = load_manifest(offset, ready)
        ports = agent_ports(m)
        if max(ports) < EPHEMERAL_LOW and not set(ports) & set(avoid) and all_free(ports):
            return offset
    raise RuntimeError("no PORT_OFFSET with every agent port free")


# ---------------------------------------------------------------------------------------------
# Health prober: the same external check for every host (the legacy ZeroMQ health protocol)
# ---------------------------------------------------------------------------------------------

class Prober:
    def __init__(self, ports):
        self.ports = ports  # name -> health port
        self.socks = {}

    def _open(self, name):
        s = CTX.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RECONNECT_IVL, 2)
        s.setsockopt(zmq.RECONNECT_IVL_MAX, 20)
        s.connect(f"tcp://127.0.0.1:{self.ports[name]}")
        return s

    def close(self):
        for s in self.socks.values():
            s.close(0)
        self.socks.clear()

    def wait_ready(self, names, timeout, interval=0.01, fresh=False):
        """Wall-clock time each agent first answered ready; missing ones are left out."""
        pending = set(names)
        if fresh:
            for n in names:
                if n in self.socks:
                    self.socks.pop(n).close(0)
        by_sock, next_send, ready_at = {}, {}, {}
        poller = zmq.Poller()
        for n in names:
            if n not in self.socks:
                self.socks[n] = self._open(n)
            by_sock[self.socks[n]] = n
            poller.register(self.socks[n], zmq.POLLIN)
            next_send[n] = 0.0
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            now = time.monotonic()
            for n in pending:
                if now >= next_send[n]:
                    self.socks[n].send_multipart([b"", HEALTH_REQUEST])
                    next_send[n] = now + 0.25  # resend if unanswered (agent restarted)
            for sock, _ in poller.poll(2):
                n = by_sock[sock]
                while True:
                    try:
                        frames = sock.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    if n not in pending:
                        continue
                    try:
                        reply = json.loads(frames[-1])
                    except ValueError:
                        reply = {}
                    if reply.get("status") == "ok":
                        ready_at[n] = time.time()
                        pending.discard(n)
                    else:
                        next_send[n] = time.monotonic() + interval
        return ready_at


# ---------------------------------------------------------------------------------------------
# The three hosts: our supervisor, supervisord, circus (plus a shell loop)
# ---------------------------------------------------------------------------------------------

class OurSupervisor:
    label = "supervisor"

    def __init__(self, work, manifest_path, hosts_path, host, env, cgroups):
        self.work, self.manifest_path, self.hosts_path, self.host = work, manifest_path, hosts_path, host
        self.env, self.cgroups = env, cgroups
        self.logs = work / "logs"
        self.proc = None

    @property
    def log_path(self):
        return self.logs / self.host / "supervisor.log"

    def start(self):
        shutil.rmtree(self.logs / self.host, ignore_errors=True)
        argv = [str(SUPERVISOR), "up", self.host, "--manifest", str(self.manifest_path),
                "--hosts", str(self.hosts_path), "--logs", str(self.logs)]
        if not self.cgroups:
            argv.append("--no-cgroups")
        self.t0 = time.time()
        self.proc = spawn(argv, cwd=self.work, env=self.env,
                          stdout=open(self.work / f"up-{self.host}.out", "ab"))
        return self.t0

    @property
    def pid(self):
        return self.proc.pid

    def wait_startup(self, timeout):
        """(ready_line_seen_at, fields of the `ready:` line, last `-> ready` timestamp)."""
        deadline = time.monotonic() + timeout
        pat = re.compile(r"ready: (\d+)/(\d+) agents in ([\d.]+) s \(critical path ([\d.]+) s\)")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"supervisor up {self.host} exited {self.proc.returncode}")
            try:
                text = self.log_path.read_text()
            except OSError:
                text = ""
            m = pat.search(text)
            if m:
                last = None
                for line in text.splitlines():
                    if "-> ready" in line:
                        last = utc_ts(line.split()[0])
                return {"ready": int(m.group(1)), "total": int(m.group(2)),
                        "own": float(m.group(3)), "cp": float(m.group(4)), "last_ready": last}
            time.sleep(0.005)
        raise RuntimeError(f"supervisor up {self.host}: no `ready:` line in {timeout} s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            subprocess.run([str(SUPERVISOR), "down", self.host, "--hosts", str(self.hosts_path)],
                           cwd=self.work, env=self.env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill_group(self.proc)

    def status_cli(self):
        return [str(SUPERVISOR), "status", self.host, "--hosts", str(self.hosts_path),
                "--manifest", str(self.manifest_path)]

    def raw_status_client(self, port):
        s = CTX.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://127.0.0.1:{port}")
        req = json.dumps({"v": 1, "cmd": "status"}).encode()

        def once():
            s.send(req)
            if not s.poll(5000):
                raise RuntimeError("supervisor status: no reply")
            reply = json.loads(s.recv())
            assert reply.get("ok"), reply
        return once, lambda: s.close(0)


def ini_quote(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%") + '"'


class PeerProcess:
    """What supervisord and circus share: one daemon process, stopped without being measured."""
    proc = None

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        # Its shutdown is not measured: give it 3 s, then the sweep kills what is left.
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass


class Supervisord(PeerProcess):
    label = "supervisord 4.3"

    def __init__(self, work, manifest, commands, http_port):
        self.work, self.port = work, http_port
        (work / "sd-logs").mkdir(exist_ok=True)
        levels = levels_of({n: a.get("depends_on", []) for n, a in manifest["agents"].items()})
        lines = ["[supervisord]", f"logfile={work}/supervisord.log", f"pidfile={work}/supervisord.pid",
                 f"childlogdir={work}/sd-logs", "nodaemon=true", "loglevel=info", "minfds=1024",
                 "", "[inet_http_server]", f"port=127.0.0.1:{http_port}", "",
                 "[rpcinterface:supervisor]",
                 "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
                 "", "[supervisorctl]", f"serverurl=http://127.0.0.1:{http_port}", ""]
        for name in manifest["agents"]:
            env = agent_env(manifest, name)
            lines += [f"[program:{name}]",
                      "command=" + " ".join(shlex.quote(str(c)) for c in commands[name]),
                      "environment=" + ",".join(f"{k}={ini_quote(v)}" for k, v in env.items()),
                      f"priority={100 + levels[name]}",  # start order hint; it does not wait
                      "autostart=true", "stopsignal=TERM", "stopwaitsecs=10",
                      f"stdout_logfile={work}/sd-logs/{name}.log", "redirect_stderr=true", ""]
        self.conf = work / "supervisord.conf"
        self.conf.write_text("\n".join(lines))
        self.proc = None

    def start(self):
        self.t0 = time.time()
        self.proc = spawn([str(VENV_BIN / "supervisord"), "-c", str(self.conf)], cwd=self.work,
                          env=dict(os.environ, TZ="UTC"))
        return self.t0

    def status_cli(self):
        return [str(VENV_BIN / "supervisorctl"), "-c", str(self.conf), "status"]

    def raw_status_client(self, _port=None):
        url = f"http://127.0.0.1:{self.port}/RPC2"

        def once():
            infos = xmlrpc.client.ServerProxy(url).supervisor.getAllProcessInfo()
            assert isinstance(infos, list)
        return once, lambda: None


class Circus(PeerProcess):
    label = "circus 0.19"

    def __init__(self, work, manifest, commands, endpoint_port, pubsub_port):
        self.work, self.port = work, endpoint_port
        (work / "circus-logs").mkdir(exist_ok=True)
        levels = levels_of({n: a.get("depends_on", []) for n, a in manifest["agents"].items()})
        lines = ["[circus]", f"endpoint = tcp://127.0.0.1:{endpoint_port}",
                 f"pubsub_endpoint = tcp://127.0.0.1:{pubsub_port}", "statsd = False", ""]
        for name in manifest["agents"]:
            cmd = [str(c) for c in commands[name]]
            lines += [f"[watcher:{name}]", f"cmd = {shlex.quote(cmd[0])}",
                      "args = " + " ".join(shlex.quote(c) for c in cmd[1:]),
                      "numprocesses = 1", "copy_env = True",
                      f"priority = {100 - levels[name]}",  # circus starts higher priority first
                      "stdout_stream.class = FileStream",
                      f"stdout_stream.filename = {work}/circus-logs/{name}.log",
                      "stderr_stream.class = FileStream",
                      f"stderr_stream.filename = {work}/circus-logs/{name}.log", ""]
            lines += [f"[env:{name}]"] + [f"{k} = {v}" for k, v in agent_env(manifest, name).items()]
            lines.append("")
        self.conf = work / "circus.ini"
        self.conf.write_text("\n".join(lines).replace("%", "%%"))
        self.proc = None

    def start(self):
        self.t0 = time.time()
        self.proc = spawn([str(VENV_BIN / "circusd"), "--log-output", str(self.work / "circusd.log"),
                           str(self.conf)], cwd=self.work)
        return self.t0

    def status_cli(self):
        return [str(VENV_BIN / "circusctl"), "--endpoint", f"tcp://127.0.0.1:{self.port}", "status"]

    def raw_status_client(self, _port=None):
        s = CTX.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(f"tcp://127.0.0.1:{self.port}")

        def once():
            msg = {"id": os.urandom(16).hex(), "command": "status", "properties": {}}
            s.send(json.dumps(msg).encode())
            if not s.poll(5000):
                raise RuntimeError("circus status: no reply")
            reply = json.loads(s.recv())
            assert reply.get("status") == "ok", reply
        return once, lambda: s.close(0)


class ShellLoop:
    label = "shell loop (all at once)"

    def __init__(self, work, manifest, commands):
        self.work = work
        lines = ["#!/bin/bash"]
        for name in manifest["agents"]:
            env = " ".join(f"{k}={shlex.quote(v)}" for k, v in agent_env(manifest, name).items())
            cmd = " ".join(shlex.quote(str(c)) for c in commands[name])
            lines.append(f"env {env} {cmd} >/dev/null 2>&1 &")
        lines.append("wait")
        self.script = work / "start-all.sh"
        self.script.write_text("\n".join(lines) + "\n")
        self.proc = None

    def start(self):
        self.t0 = time.time()
        self.proc = spawn(["/bin/bash", str(self.script)], cwd=self.work)
        return self.t0

    def stop(self):
        sweep(grace=0.5)


# ---------------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------------

ROWS = []
NOTES = []


def row(workload, subject, stats, unit, reference="", ratio=None, target="", met=None, n=None,
        p99=False, digits=1):
    def fmt(v):
        if v is None or (isinstance(v, float) and v != v):
            return "-"
        return f"{v:.{digits}f}"
    ROWS.append({
        "workload": workload, "subject": subject,
        "median": fmt(stats["median"]) if stats else "-",
        "min": fmt(stats["min"]) if stats else "-",
        "max": fmt(stats["max"]) if stats else "-",
        "p99": fmt(stats["p99"]) if stats and p99 else "",
        "n": str(n if n is not None else (stats["n"] if stats else "")),
        "unit": unit, "reference": reference,
        "ratio": (f"{ratio:.2f}x" if ratio is not None and ratio == ratio else ""),
        "target": target,
        "met": "" if met is None else ("yes" if met else "**MISSED**"),
    })


def make_hosts(work, avoid):
    ports = free_ports(22, avoid=avoid)
    path = work / "hosts"
    path.write_text(f"mainpc 127.0.0.1 {ports[0]}\npc2 127.0.0.1 {ports[10]}\n")
    return path, {"mainpc": ports[0], "pc2": ports[10]}, ports


def ms(seconds):
    return seconds * 1000.0


def workload1(args, work):
    """Start-up against the critical path, both hosts, agent-sim ready after T."""
    ts = [0.5] if args.quick else [0.5, 2.0]
    for t in ts:
        ready = f"{int(t * 1000)}ms"
        offset = pick_offset(ready)
        manifest = load_manifest(offset, ready)
        hosts_path, control, _ = make_hosts(work, agent_ports(manifest))
        manifest_path = ROOT / "agents.yaml"  # the real file, as users run it
        env = dict(os.environ, PORT_OFFSET=str(offset), SIM_READY=ready)
        runs = {h: {"times": [], "own": [], "cps": []} for h in ("mainpc", "pc2")}
        for i in range(args.runs):
            sups = {h: OurSupervisor(work, manifest_path, hosts_path, h, env, args.cgroups)
                    for h in ("mainpc", "pc2")}
            try:
                t0 = {h: sups[h].start() for h in sups}  # both hosts at once, as `make up` on each
                for h, sup in sups.items():
                    r = sup.wait_startup(timeout=60 + 10 * t)
                    if r["ready"] != r["total"]:
                        NOTES.append(f"W1 T={t}s {h} run {i + 1}: only {r['ready']}/{r['total']} ready")
                    runs[h]["times"].append(r["last_ready"] - t0[h])
                    runs[h]["own"].append(r["own"])
                    runs[h]["cps"].append(r["cp"])
            finally:
                for sup in sups.values():
                    sup.stop()
                sweep(grace=0.5)
        for host in ("mainpc", "pc2"):
            agents = host_agents(manifest, host)
            lv = levels_of({n: a.get("depends_on", []) for n, a in agents.items()})
            depth = max(lv.values())
            cp = depth * t
            times, own, cps = runs[host]["times"], runs[host]["own"], runs[host]["cps"]
            s = summary([ms(x) for x in times])
            over = s["median"] - ms(cp)
            per_level = over / depth
            w = f"1. start-up, agent-sim T={t:g}s"
            row(w, f"{host}: `supervisor up` -> last agent ready ({len(agents)} agents, {depth} levels)",
                s, "ms", f"critical path {ms(cp):.0f} ms", s["median"] / ms(cp),
                "overhead < 20 ms/level", per_level < 20)
            row(w, f"{host}: overhead above critical path, per level", summary(
                [(ms(x) - ms(cp)) / depth for x in times]), "ms/level", "", None,
                "< 20 ms/level", per_level < 20)
            row(w, f"{host}: supervisor's own `ready:` figure", summary([ms(x) for x in own]), "ms",
                f"its measured critical path (median {ms(statistics.median(cps)):.0f} ms)",
                statistics.median(own) / statistics.median(cps))
            seq = len(agents) * t
            legacy = depth * 10.0
            row(w, f"{host}: computed sequential start (one at a time, {len(agents)} x T)",
                {"median": ms(seq), "min": ms(seq), "max": ms(seq), "p99": 0, "n": 1}, "ms",
                "measured median / this", s["median"] / ms(seq), n="computed")
            row(w, f"{host}: computed legacy launcher ({depth} levels x 10 s sleep)",
                {"median": ms(legacy), "min": ms(legacy), "max": ms(legacy), "p99": 0, "n": 1}, "ms",
                "measured median / this", s["median"] / ms(legacy), n="computed")
            log(f"W1 T={t}s {host}: median {s['median']:.0f} ms vs critical path {ms(cp):.0f} ms")


def python_commands(manifest, ready):
    return {n: [sys.executable, str(PY_AGENT), "--ready-after", ready] for n in manifest["agents"]}


def sim_commands(manifest, ready):
    return {n: [str(AGENT_SIM), "--ready-after", ready] for n in manifest["agents"]}


def workload2(args, work):
    """Start-up with Python pyzmq agents under each host; time to every agent answering ok."""
    ready = "0"
    offset = pick_offset("0")
    manifest = load_manifest(offset, ready)
    hosts_path, control, used = make_hosts(work, agent_ports(manifest))
    http, ep, pub = free_ports(3, avoid=agent_ports(manifest) + used)
    commands = python_commands(manifest, ready)
    mpath = work / "agents-python.yaml"
    single = write_single_host_manifest(manifest, mpath, command=commands[next(iter(commands))])
    lv = levels_of({n: a.get("depends_on", []) for n, a in single["agents"].items()})
    ports = {n: a["health"]["port"] for n, a in single["agents"].items()}
    env = dict(os.environ)

    def make(kind):
        if kind == "supervisor":
            return OurSupervisor(work, mpath, hosts_path, "mainpc", env, args.cgroups)
        if kind == "supervisord":
            return Supervisord(work / "sd", single, commands, http)
        if kind == "circus":
            return Circus(work / "circus", single, commands, ep, pub)
        return ShellLoop(work / "shell", single, commands)

    for d in ("sd", "circus", "shell"):
        (work / d).mkdir(exist_ok=True)
    results = {}
    runs = args.runs_w2
    for kind in ("shell", "supervisor", "supervisord", "circus"):
        times = []
        for i in range(runs):
            host = make(kind)
            prober = Prober(ports)
            try:
                t0 = host.start()
                got = prober.wait_ready(list(ports), timeout=120)
                if len(got) < len(ports):
                    NOTES.append(f"W2 {kind} run {i + 1}: only {len(got)}/{len(ports)} ready in 120 s")
                    continue
                times.append(max(got.values()) - t0)
            finally:
                prober.close()
                host.stop()
                sweep(grace=0.5)
        results[kind] = times
        log(f"W2 {kind}: {['%.0f' % ms(x) for x in times]} ms")
    ref = statistics.median(results["shell"]) if results["shell"] else float("nan")
    labels = {"shell": ShellLoop.label, "supervisor": "supervisor (dependency order respected)",
              "supervisord": "supervisord 4.3 (all at once, priority order)",
              "circus": "circus 0.19 (all at once, priority order)"}
    for kind in ("supervisor", "supervisord", "circus", "shell"):
        if not results[kind]:
            continue
        s = summary([ms(x) for x in results[kind]])
        row(f"2. start-up, 84 Python pyzmq agents ({max(lv.values())} levels)", f"{labels[kind]}: start -> all healthy",
            s, "ms", f"shell loop {ms(ref):.0f} ms", s["median"] / ms(ref))


def relocate_ports(manifest, avoid):
    """Give every agent (and the registry/error bus) fresh free ports below the ephemeral range,
    so several hosts can run the same agents side by side."""
    n = len(manifest["agents"])
    block = free_ports(2 * n + 2, start=10000, stop=EPHEMERAL_LOW - 1, avoid=avoid)
    for i, a in enumerate(manifest["agents"].values()):
        a["port"], a["health"]["port"] = block[2 * i], block[2 * i + 1]
    for j, key in enumerate(("registry", "error_bus")):
        if isinstance(manifest.get(key), dict):
            manifest[key]["port"] = block[2 * n + j]
    return manifest


SESSION_PORTS = []


def start_session(kind, work, ready, args):
    """A host running the 84 agents as agent-sim (single host), all probed ready."""
    manifest = relocate_ports(load_manifest(0, ready), SESSION_PORTS)
    SESSION_PORTS.extend(agent_ports(manifest))
    d = work / f"session-{kind}"
    d.mkdir(exist_ok=True)
    hosts_path, control, used = make_hosts(d, SESSION_PORTS)
    SESSION_PORTS.extend(used)
    http, ep, pub = free_ports(3, avoid=SESSION_PORTS)
    SESSION_PORTS.extend([http, ep, pub])
    commands = sim_commands(manifest, ready)
    d.mkdir(exist_ok=True)
    mpath = d / "agents.yaml"
    single = write_single_host_manifest(manifest, mpath)
    if kind == "supervisor":
        host = OurSupervisor(d, mpath, hosts_path, "mainpc", dict(os.environ), args.cgroups)
        raw_port = control["mainpc"]
    elif kind == "supervisord":
        host, raw_port = Supervisord(d, single, commands, http), None
    else:
        host, raw_port = Circus(d, single, commands, ep, pub), None
    ports = {n: a["health"]["port"] for n, a in single["agents"].items()}
    host.start()
    prober = Prober(ports)
    got = prober.wait_ready(list(ports), timeout=90)
    prober.close()
    if len(got) < len(ports):
        NOTES.append(f"{kind} session: only {len(got)}/{len(ports)} agents healthy")
    if kind == "supervisor":
        host.wait_startup(timeout=60)
    return host, raw_port, ports


def measure_footprint(pids, idle):
    """RSS (MiB) and fd samples, and CPU seconds over `idle` s, for each daemon pid."""
    time.sleep(1.0)
    c0 = {k: cpu_seconds(p) for k, p in pids.items()}
    t0 = time.monotonic()
    rss = {k: [] for k in pids}
    fds = {k: [] for k in pids}
    while time.monotonic() - t0 < idle:
        for k, p in pids.items():
            rss[k].append(rss_bytes(p) / 2**20)
            fds[k].append(fd_count(p))
        time.sleep(min(1.0, idle / 10))
    cpu = {k: cpu_seconds(p) - c0[k] for k, p in pids.items()}
    return rss, fds, cpu, time.monotonic() - t0


def measure_status(host, raw_port, n_cli, n_raw):
    cli = []
    argv = host.status_cli()
    for _ in range(n_cli):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30,
                       cwd=host.work)
        cli.append(time.perf_counter() - t0)
    once, close = host.raw_status_client(raw_port)
    raw = []
    try:
        for _ in range(5):
            once()  # connect and warm up
        for _ in range(n_raw):
            t0 = time.perf_counter()
            once()
            raw.append(time.perf_counter() - t0)
    finally:
        close()
    return cli, raw


def measure_restarts(host, ports, kills, seed):
    """kill -9 of distinct random agents (each at its first restart): ms to new pid, to healthy."""
    rng = random.Random(seed)
    names = rng.sample(sorted(ports), min(kills, len(ports)))
    to_pid, to_healthy = [], []
    by_name = {}
    for pid in children_of(host.pid):
        name = env_of(pid).get(b"AGENT_NAME")
        if name:
            by_name[name.decode()] = pid
    for name in names:
        old = by_name.get(name)
        if old is None:
            NOTES.append(f"restart: no pid found for {name} under {host.label}")
            continue
        before = children_of(host.pid)
        prober = Prober({name: ports[name]})
        t0 = time.time()
        os.kill(old, signal.SIGKILL)
        new, deadline = None, time.monotonic() + 30
        while new is None and time.monotonic() < deadline:
            fresh = children_of(host.pid) - before
            for pid in fresh:
                if env_of(pid).get(b"AGENT_NAME", b"").decode() == name:
                    new = pid
                    t_new = time.time()
                    break
            else:
                time.sleep(0.0002)
        if new is None:
            NOTES.append(f"restart: {host.label} did not respawn {name} in 30 s")
            prober.close()
            continue
        got = prober.wait_ready([name], timeout=30, interval=0.002)
        prober.close()
        to_pid.append(t_new - t0)
        if name in got:
            to_healthy.append(got[name] - t0)
        time.sleep(0.2)
    return to_pid, to_healthy


def workload345(args, work):
    idle = 6.0 if args.quick else 60.0
    n_cli = 5 if args.quick else 50
    n_raw = 100 if args.quick else 1000
    kills = 3 if args.quick else 20
    res, hosts = {}, {}
    try:
        # All three daemons run their 84 agents side by side; their idle footprints are sampled
        # over the same window, then status and restarts are measured one daemon at a time.
        for kind in ("supervisor", "supervisord", "circus"):
            hosts[kind] = start_session(kind, work, "0", args)
        rss, fds, cpu, span = measure_footprint({k: h[0].pid for k, h in hosts.items()}, idle)
        for kind, (host, raw_port, ports) in hosts.items():
            cli, raw = measure_status(host, raw_port, n_cli, n_raw)
            to_pid, to_healthy = measure_restarts(host, ports, kills, seed=42)
            res[kind] = dict(label=host.label, rss=rss[kind], fds=fds[kind], cpu=cpu[kind], span=span,
                             cli=cli, raw=raw, to_pid=to_pid, to_healthy=to_healthy)
            r = res[kind]
            log(f"W3-5 {kind}: RSS {statistics.median(r['rss']):.1f} MiB, CPU {r['cpu']:.2f} s/{span:.0f} s, "
                f"status {ms(statistics.median(cli)):.1f} ms, raw {ms(statistics.median(raw)):.2f} ms, "
                f"respawn {ms(statistics.median(to_pid)) if to_pid else float('nan'):.1f} ms")
    finally:
        for host, _, _ in hosts.values():
            host.stop()
        sweep(grace=0.5)
    ours, sd, ci = res.get("supervisor"), res.get("supervisord"), res.get("circus")
    if not ours:
        return
    w3 = f"3. footprint, 84 agents, {idle:.0f} s idle"
    for r in (ours, sd, ci):
        if not r:
            continue
        ref = sd and statistics.median(sd["rss"])
        s = summary(r["rss"])
        is_ours = r is ours
        row(w3, f"{r['label']}: daemon RSS (samples over the window)", s, "MiB",
            f"supervisord {ref:.1f} MiB" if is_ours and ref else "", s["median"] / ref if is_ours and ref else None,
            "below supervisord" if is_ours else "", (s["median"] < ref) if is_ours and ref else None)
    for r in (ours, sd, ci):
        if not r:
            continue
        v = r["cpu"] * 1000
        refv = sd["cpu"] * 1000 if sd else None
        is_ours = r is ours
        row(w3, f"{r['label']}: daemon CPU time over {r['span']:.0f} s idle",
            {"median": v, "min": v, "max": v, "p99": 0, "n": 1}, "ms",
            f"supervisord {refv:.0f} ms" if is_ours and refv is not None else "", (v / refv) if is_ours and refv else None,
            "below supervisord" if is_ours else "", (v < refv) if is_ours and refv is not None else None)
    for r in (ours, sd, ci):
        if r:
            row(w3, f"{r['label']}: daemon open fds", summary(r["fds"]), "fds", digits=0)
    w4 = f"4. restart after kill -9 ({kills} distinct random agents, first restart each)"
    for r in (ours, sd, ci):
        if not r or not r["to_pid"]:
            continue
        is_ours = r is ours
        refv = sd and sd["to_pid"] and statistics.median(sd["to_pid"])
        s = summary([ms(x) for x in r["to_pid"]])
        row(w4, f"{r['label']}: kill -> new pid", s, "ms", "supervisord" if is_ours else "",
            s["median"] / ms(refv) if is_ours and refv else None,
            "median < 10 ms" if is_ours else "", (s["median"] < 10) if is_ours else None, p99=True)
    for r in (ours, sd, ci):
        if not r or not r["to_healthy"]:
            continue
        is_ours = r is ours
        refv = sd and sd["to_healthy"] and statistics.median(sd["to_healthy"])
        s = summary([ms(x) for x in r["to_healthy"]])
        row(w4, f"{r['label']}: kill -> answers health ok", s, "ms", "supervisord" if is_ours else "",
            s["median"] / ms(refv) if is_ours and refv else None, p99=True)
    w5 = "5. status latency, 84 agents"
    names = {"supervisor": ("`supervisor status` (whole process)", "raw `status` over ZeroMQ (DEALER)"),
             "supervisord": ("`supervisorctl status`", "XML-RPC getAllProcessInfo"),
             "circus": ("`circusctl status`", "ZeroMQ `status` (DEALER)")}
    for kind in ("supervisor", "supervisord", "circus"):
        r = res.get(kind)
        if not r:
            continue
        s = summary([ms(x) for x in r["cli"]])
        if kind == "supervisor":
            row(w5, names[kind][0], s, "ms", "supervisorctl", s["median"] / ms(statistics.median(sd["cli"])) if sd else None,
                "< 30 ms", s["median"] < 30, p99=True)
        else:
            row(w5, names[kind][0], s, "ms", p99=True)
    for kind in ("supervisor", "supervisord", "circus"):
        r = res.get(kind)
        if not r:
            continue
        s = summary([ms(x) for x in r["raw"]])
        if kind == "supervisor" and ci:
            cs = summary([ms(x) for x in ci["raw"]])
            row(w5, names[kind][1], s, "ms", f"circus median {cs['median']:.2f}, p99 {cs['p99']:.2f}",
                s["median"] / cs["median"], "median and p99 under circus's",
                s["median"] < cs["median"] and s["p99"] < cs["p99"], p99=True, digits=2)
        else:
            row(w5, names[kind][1], s, "ms", p99=True, digits=2)


def scale_manifest(n, levels, seed, base_port):
    rng = random.Random(seed)
    per = n // levels
    names = [[f"a{lvl:02d}_{i:04d}" for i in range(per)] for lvl in range(levels)]
    agents = {}
    k = 0
    for lvl in range(levels):
        for name in names[lvl]:
            deps = [] if lvl == 0 else sorted(rng.sample(names[lvl - 1], rng.randint(1, 3)))
            agents[name] = {"port": base_port + 2 * k, "health": {"port": base_port + 2 * k + 1},
                            "depends_on": deps}
            k += 1
    return {
        "version": 1,
        "defaults": {"host": "mainpc", "command": [str(AGENT_SIM), "--ready-after", "0"],
                     "env": {MARK_VAR: MARK}, "required": True,
                     "health": {"kind": "zmq", "address": "127.0.0.1", "interval": "5s",
                                "timeout": "2s", "retries": 3, "start_period": "30s"},
                     "restart": {"policy": "on-failure", "max_restarts": 5, "window": "60s"},
                     "stop": {"signal": "SIGTERM", "timeout": "10s"}},
        "agents": agents,
    }


def workload6(args, work):
    sizes = [200] if args.quick else [1000]
    mem_kb = int(open("/proc/meminfo").read().split("MemAvailable:")[1].split()[0])
    for n in sizes + ([5000] if not args.quick else []):
        if n == 5000:
            need = 5000 * (args.per_agent_mib or 12) * 1024
            if mem_kb < 1.5 * need or os.cpu_count() < 4:
                NOTES.append(f"6. scale: 5000 agents skipped: {os.cpu_count()} cores, "
                             f"{mem_kb // 1024} MiB available; it needs about {need // 1024} MiB "
                             "of agents and more than 2 cores to finish within the time budget")
                continue
        base = None
        for cand in (12000, 14000, 10000, 16000, 18000, 20000):
            if cand + 2 * n < EPHEMERAL_LOW and all_free(range(cand, cand + 2 * n)):
                base = cand
                break
        if base is None:
            NOTES.append(f"6. scale {n}: no free block of {2 * n} ports")
            continue
        d = work / f"scale-{n}"
        d.mkdir(exist_ok=True)
        m = scale_manifest(n, 10, seed=1234, base_port=base)
        mpath = d / "agents.yaml"
        with open(mpath, "w") as f:
            yaml.safe_dump(m, f, sort_keys=False)
        hosts_path, control, _ = make_hosts(d, range(base, base + 2 * n))
        times, own, rss, cli_all, raw_all = [], [], [], [], []
        runs = args.runs_scale
        for i in range(runs):
            sup = OurSupervisor(d, mpath, hosts_path, "mainpc", dict(os.environ), args.cgroups)
            try:
                t0 = sup.start()
                r = sup.wait_startup(timeout=300)
                if r["ready"] != r["total"]:
                    NOTES.append(f"6. scale {n} run {i + 1}: only {r['ready']}/{r['total']} ready")
                times.append(r["last_ready"] - t0)
                own.append(r["own"])
                time.sleep(1.0)
                rss.append(rss_bytes(sup.pid) / 2**20)
                if i == 0:
                    kids = list(children_of(sup.pid))[:50]
                    pss = []
                    for pid in kids:
                        try:
                            txt = open(f"/proc/{pid}/smaps_rollup").read()
                            pss.append(int(txt.split("Pss:")[1].split()[0]) / 1024)
                        except (OSError, IndexError):
                            pass
                    if pss:
                        args.per_agent_mib = max(args.per_agent_mib or 0, statistics.median(pss))
                cli, raw = measure_status(sup, control["mainpc"], 3 if args.quick else 5,
                                          50 if args.quick else 200)
                cli_all += cli
                raw_all += raw
            finally:
                sup.stop()
                sweep(grace=0.5)
        w = f"6. scale: {n} agents, 10 levels, seeded random graph, agent-sim T=0"
        row(w, "`supervisor up` -> last agent ready", summary([ms(x) for x in times]), "ms")
        row(w, "supervisor's own `ready:` figure", summary([ms(x) for x in own]), "ms")
        row(w, "daemon RSS after start-up", summary(rss), "MiB")
        row(w, "`supervisor status` (whole process)", summary([ms(x) for x in cli_all]), "ms",
            target="< 30 ms", met=statistics.median(cli_all) < 0.030, p99=True)
        row(w, "raw `status` over ZeroMQ", summary([ms(x) for x in raw_all]), "ms", p99=True, digits=2)
        log(f"W6 {n}: ready {ms(statistics.median(times)):.0f} ms, RSS {statistics.median(rss):.1f} MiB")


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def machine():
    mem = int(open("/proc/meminfo").read().split("MemTotal:")[1].split()[0])
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True,
                               timeout=60).stdout.splitlines()[0]
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


def render(args, started, load_before, load_after, elapsed):
    head = ["| Workload | Subject | median | min | max | p99 | n | unit | reference (same run) | ratio | target | met |",
            "|---|---|---:|---:|---:|---:|---:|---|---|---:|---|---|"]
    body = [f"| {r['workload']} | {r['subject']} | {r['median']} | {r['min']} | {r['max']} | {r['p99']} | "
            f"{r['n']} | {r['unit']} | {r['reference']} | {r['ratio']} | {r['target']} | {r['met']} |"
            for r in ROWS]
    mode = "quick (`make bench-quick`)" if args.quick else "full (`make bench`)"
    lines = ["# Benchmarks", "",
             "Written by `make bench` (bench/bench.py); do not edit by hand. Latest run:", "",
             *machine(),
             f"- Mode: {mode}; took {elapsed:.0f} s; supervisor run with "
             f"{'cgroups (limits enforced)' if args.cgroups else '`--no-cgroups` (watchdog; supervisord and circus have no limits either)'}",
             f"- Load average before: {load_before}; after: {load_after} (the machine has "
             f"{os.cpu_count()} cores; a load above that means other work shared the CPU and the "
             "figures are noisy)", "",
             *head, *body, ""]
    lines += ["Notes:", ""]
    lines += [f"- {n}" for n in NOTES + STANDING_NOTES]
    return "\n".join(lines) + "\n", "\n".join(head + body)


STANDING_NOTES = [
    "Ports: every agent port is kept below the kernel's ephemeral range "
    f"({EPHEMERAL_LOW}+). With ports inside it (e.g. PORT_OFFSET=30000), a health prober that "
    "reconnects every few ms to an agent that is not listening yet can be handed the agent's own "
    "port as its source port and connect to itself (TCP simultaneous open); the agent then fails "
    "with 'Address already in use'. The bench hit this with its own prober at PORT_OFFSET=20000 "
    "(seen in `ss`: 127.0.0.1:47002 connected to itself); a trial `supervisor up pc2` at "
    "PORT_OFFSET=30000 also lost two agents to 'Address already in use' on ports in that range "
    "(cause not confirmed there).",
    "Ratios are measured median / reference median. The reference of workload 1 is the critical "
    "path computed from agents.yaml (T times the number of dependency levels on the longest chain; "
    "the TTSService cycle counts as one level), the physical limit for an order-respecting start; "
    "'overhead per level' is (measured - critical path) / levels.",
    "Workload 1 runs the real agents.yaml unchanged, both hosts' supervisors started at once on "
    "this machine (as `make up` on each host), with SIM_READY and a PORT_OFFSET that keeps every "
    "agent port below the ephemeral port range (see the port note). Workloads 2-5 run the same 84 agents on one host "
    "(one daemon each: `supervisor`, supervisord, circusd), generated from agents.yaml with the "
    "same commands, environment, AGENT_NAME/AGENT_PORT/HEALTH_CHECK_PORT; supervisord and circus "
    "get a start priority by dependency level but start everything at once.",
    "'healthy' is measured the same way for every host: the bench's own prober sends the legacy "
    "`{\"action\": \"health_check\"}` to each agent's health port (DEALER, every 10 ms, reconnect "
    "2 ms) and takes the first `status: ok` reply. supervisord and circus have no health checks.",
    "Workload 2's Python agent (bench/py_agent.py) imports zmq, binds the health and main REP "
    "sockets and is ready at once (T = 0): the time is the interpreter's start-up, in dependency "
    "order for `supervisor`, all at once for the others.",
    "Workload 3: RSS and fds are samples taken every second or so of the idle window (after all "
    "agents are healthy); CPU time is utime+stime of the daemon process over the window, one "
    "figure per run. Our supervisor probes every agent's health every 5 s and samples metrics "
    "every 5 s meanwhile; supervisord and circus do neither.",
    "Workload 4: each kill is of a different agent, so each is that agent's first restart (ours "
    "restarts at once the first time, then backs off). 'new pid' is seen by polling the daemon's "
    "/proc/<pid>/task/*/children every 0.2 ms; 'health ok' by the prober. supervisord and circus "
    "run with their defaults (circus reaps on its check_delay timer).",
    "Workload 5: the whole-process rows include process start-up of the client (Swift binary for "
    "`supervisor status`; Python for supervisorctl and circusctl). Raw rows time one request "
    "and reply on an already-connected socket (XML-RPC opens a new HTTP connection per call, as "
    "supervisorctl does).",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer runs, smaller scale, no 5000")
    ap.add_argument("--cgroups", action="store_true", help="run our supervisor with cgroups")
    ap.add_argument("--only", default="1,2,3,6", help="workloads to run (3 covers 3, 4 and 5)")
    ap.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    args = ap.parse_args()
    # The issue asks for >= 5 runs per figure; --quick trades that for its 3-minute budget.
    args.runs = 3 if args.quick else 5
    args.runs_w2 = 2 if args.quick else 5
    # 1000 agents take about 2 min per run on 2 cores (CPU-bound): 2 runs keep `make bench` < 15 min.
    args.runs_scale = 2
    args.per_agent_mib = None
    for path in (SUPERVISOR, AGENT_SIM):
        if not path.exists():
            sys.exit(f"bench: {path} missing; run `swift build -c release` first")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    atexit.register(sweep)
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ValueError, OSError):
        pass
    started = time.monotonic()
    load_before = " ".join(open("/proc/loadavg").read().split()[:3])
    work = Path(tempfile.mkdtemp(prefix="supervisor-bench-"))
    only = set(args.only.split(","))
    steps = [("1", workload1), ("2", workload2), ("3", workload345), ("6", workload6)]
    try:
        for key, fn in steps:
            if key not in only:
                continue
            log(f"workload {key} ...")
            t = time.monotonic()
            try:
                fn(args, work)
            except KeyboardInterrupt:
                raise
            except Exception as e:  # a broken workload is reported, the others still run
                NOTES.append(f"workload {key} failed: {type(e).__name__}: {e}")
                log(f"workload {key} FAILED: {e}")
            finally:
                left = sweep(grace=0.5)
                if left:
                    NOTES.append(f"{left} processes could not be killed after workload {key}")
            log(f"workload {key} took {time.monotonic() - t:.0f} s")
    finally:
        sweep()
        shutil.rmtree(work, ignore_errors=True)
    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
    text, table = render(args, started, load_before, load_after, time.monotonic() - started)
    Path(args.output).write_text(text)
    print(text)
    log(f"wrote {args.output} in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
