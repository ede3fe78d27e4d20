"""An agent that answers health checks the way some legacy agents do, for the health-port tests.

Settings come from the environment the supervisor injects (AGENT_NAME, AGENT_PORT,
HEALTH_CHECK_PORT, BIND_ADDRESS), and two more choose its behaviour:

- HEALTH_ON: "configured" (the default) binds the health REP socket on HEALTH_CHECK_PORT;
  "port+1" binds it on AGENT_PORT + 1 instead, as an agent does whose base class picks its
  health port itself when it is not told one.
- ANSWER_AS: the agent name its health replies give ("<name> is healthy"); the default is
  AGENT_NAME. Another name plays an agent whose port another agent holds.

Its main REP socket on AGENT_PORT answers every request with an error status, as an agent's
request handler does for an action it does not know.
"""
import json
import os
import time

import zmq

name = os.environ["AGENT_NAME"]
bind = os.environ.get("BIND_ADDRESS", "127.0.0.1")
agent_port = int(os.environ["AGENT_PORT"])
if os.environ.get("HEALTH_ON", "configured") == "port+1":
    health_port = agent_port + 1
else:
    health_port = int(os.environ["HEALTH_CHECK_PORT"])
answer_as = os.environ.get("ANSWER_AS", name)

context = zmq.Context()
main = context.socket(zmq.REP)
main.bind(f"tcp://{bind}:{agent_port}")
health = context.socket(zmq.REP)
health.bind(f"tcp://{bind}:{health_port}")
print(f"{name}: main socket on {agent_port}, health socket on {health_port}", flush=True)

poller = zmq.Poller()
poller.register(main, zmq.POLLIN)
poller.register(health, zmq.POLLIN)
started = time.time()
while True:
    for socket, _ in poller.poll(1000):
        request = socket.recv()
        if socket is health:
            reply = {"status": "ok", "message": f"{answer_as} is healthy", "uptime": time.time() - started}
        else:
            reply = {"status": "error", "message": f"unknown request: {request[:40]!r}"}
        socket.send_string(json.dumps(reply))
