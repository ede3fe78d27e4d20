"""A small agent that behaves as the user's legacy Python agents do, with no address in its code.

It reads its settings from the environment the supervisor injects, binds a ZeroMQ REP health
socket and a REP main socket, optionally looks up a peer in the service registry and talks to
it, registers itself, and reports an error on the error bus as `ERROR:{json}`.
"""
import json
import os
import sys
import time

import zmq

name = os.environ["AGENT_NAME"]
bind = os.environ.get("BIND_ADDRESS", "127.0.0.1")
context = zmq.Context()


def log(message):
    print(f"{name}: {message}", flush=True)


health = context.socket(zmq.REP)
health.bind(f"tcp://{bind}:{os.environ['HEALTH_CHECK_PORT']}")
main = context.socket(zmq.REP)
main.bind(f"tcp://{bind}:{os.environ['AGENT_PORT']}")

registry_address = f"tcp://{os.environ['SERVICE_REGISTRY_HOST']}:{os.environ['SERVICE_REGISTRY_PORT']}"


def ask_registry(request):
    socket = context.socket(zmq.REQ)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(registry_address)
    socket.send_json(request)
    if not socket.poll(5000):
        raise RuntimeError("registry did not answer")
    reply = socket.recv_json()
    socket.close()
    return reply


peer = os.environ.get("PEER")
if peer:
    endpoint = ask_registry({"action": "get_agent_endpoint", "agent_name": peer})
    log(f"registry says {peer} is at {endpoint['host']}:{endpoint['port']} (state {endpoint.get('state')})")
    client = context.socket(zmq.REQ)
    client.setsockopt(zmq.LINGER, 0)
    client.connect(f"tcp://{endpoint['host']}:{endpoint['port']}")
    client.send_string(f"hello from {name}")
    if client.poll(5000):
        log(f"{peer} answered: {client.recv_string()}")
    else:
        log(f"{peer} did not answer")

registered = ask_registry({"action": "register_agent", "registration_data": {"name": name, "capabilities": ["demo"]}})
log(f"registered: {registered['status']}")

errors = context.socket(zmq.PUB)
errors.connect(f"tcp://{os.environ['ERROR_BUS_HOST']}:{os.environ['ERROR_BUS_PORT']}")
report_sent = False
poller = zmq.Poller()
poller.register(health, zmq.POLLIN)
poller.register(main, zmq.POLLIN)
started = time.time()
while True:
    for socket, _ in poller.poll(200):
        if socket is health:
            health.recv()
            health.send_json({"status": "HEALTHY", "ready": True, "uptime": time.time() - started})
        else:
            request = main.recv_string()
            main.send_string(f"{name} got: {request}")
    if not report_sent and time.time() - started > 0.5:
        # Both legacy shapes: flat, and nested under "error".
        errors.send_string("ERROR:" + json.dumps({"agent": name, "severity": "warning", "error_type": "demo",
                                                  "message": "flat report", "timestamp": time.time()}))
        errors.send_string("ERROR:" + json.dumps({"source": name, "level": "ERROR",
                                                  "error": {"type": "demo", "message": "nested report"}}))
        errors.send_string("not an error frame")
        report_sent = True
