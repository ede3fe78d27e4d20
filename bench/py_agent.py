#!/usr/bin/env python3
"""A small Python agent for the bench, shaped like the legacy ones: pyzmq, a REP health socket
answering {"action": "health_check"} and a REP main socket that echoes. Reads AGENT_NAME,
AGENT_PORT and HEALTH_CHECK_PORT; `--ready-after SECONDS` (default 0) delays `status: ok`.
Dies at once on SIGTERM, as the legacy agents do."""
import json
import os
import sys
import time

import zmq

start = time.monotonic()
ready_after = 0.0
if "--ready-after" in sys.argv:
    text = sys.argv[sys.argv.index("--ready-after") + 1]
    ready_after = float(text[:-2]) / 1000 if text.endswith("ms") else float(text.rstrip("s"))
name = os.environ.get("AGENT_NAME", "py-agent")
ctx = zmq.Context()
health = ctx.socket(zmq.REP)
health.bind(f"tcp://127.0.0.1:{os.environ['HEALTH_CHECK_PORT']}")
main = None
if os.environ.get("AGENT_PORT"):
    main = ctx.socket(zmq.REP)
    main.bind(f"tcp://127.0.0.1:{os.environ['AGENT_PORT']}")
poller = zmq.Poller()
poller.register(health, zmq.POLLIN)
if main is not None:
    poller.register(main, zmq.POLLIN)
while True:
    for sock, _ in poller.poll():
        request = sock.recv()
        if sock is main:
            sock.send(json.dumps({"agent": name, "echo": request.decode(errors="replace")}).encode())
            continue
        uptime = time.monotonic() - start
        if uptime >= ready_after:
            reply = {"agent": name, "ready": True, "status": "ok", "uptime": round(uptime, 3)}
        else:
            reply = {"agent": name, "ready": False, "status": "initializing", "uptime": round(uptime, 3)}
        sock.send(json.dumps(reply).encode())
