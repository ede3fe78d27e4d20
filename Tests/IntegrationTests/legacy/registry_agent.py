"""A service-registry agent as the legacy one behaves (no code of theirs): it binds
SERVICE_REGISTRY_PORT as its own port and SERVICE_REGISTRY_HEALTH_PORT as its health port,
answers register_agent / get_agent_endpoint / list_agents from what agents registered, and the
legacy health check.
"""
import os
import time

import zmq

bind = os.environ.get("BIND_ADDRESS", "127.0.0.1")
context = zmq.Context()
service = context.socket(zmq.REP)
service.bind(f"tcp://{bind}:{os.environ['SERVICE_REGISTRY_PORT']}")
health = context.socket(zmq.REP)
health.bind(f"tcp://{bind}:{os.environ['SERVICE_REGISTRY_HEALTH_PORT']}")
print(f"registry bound {os.environ['SERVICE_REGISTRY_PORT']} and {os.environ['SERVICE_REGISTRY_HEALTH_PORT']}", flush=True)

agents = {}
poller = zmq.Poller()
poller.register(service, zmq.POLLIN)
poller.register(health, zmq.POLLIN)
while True:
    for socket, _ in poller.poll(1000):
        request = socket.recv_json()
        action = request.get("action")
        if socket is health or action == "health_check":
            socket.send_json({"status": "ok", "message": "ServiceRegistry is healthy"})
        elif action == "register_agent":
            data = request.get("registration_data", {})
            agents[data.get("name")] = data
            socket.send_json({"status": "success"})
        elif action == "get_agent_endpoint":
            found = agents.get(request.get("agent_name"))
            socket.send_json(dict(found, status="success") if found else {"status": "error", "error": "not found"})
        elif action == "list_agents":
            socket.send_json({"status": "success", "agents": sorted(agents)})
        else:
            socket.send_json({"status": "error", "error": f"Unknown action: {action}"})
