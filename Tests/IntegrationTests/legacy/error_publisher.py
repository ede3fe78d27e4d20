"""An agent that reports on the legacy error bus as the user's agents do (no code of theirs).

It waits for the file `go` in its working directory (so the test can first make sure it is
listening to the event stream), then, as the legacy ErrorPublisher does, creates a PUB socket,
connects it to ERROR_BUS_HOST:ERROR_BUS_PORT and, as soon as its start-up work is done (about
50 ms: binding its sockets, reading its configuration), publishes its reports in the shapes
named by REPORTS, stays alive a short while (STAY seconds), and exits 0, as a legacy `main()`
that logs "Error in main" and returns.
"""
import json
import os
import time
import uuid

import zmq

name = os.environ["AGENT_NAME"]
while not os.path.exists("go"):
    time.sleep(0.02)

context = zmq.Context()
bus = context.socket(zmq.PUB)
bus.connect(f"tcp://{os.environ['ERROR_BUS_HOST']}:{os.environ['ERROR_BUS_PORT']}")
# The rest of the agent's start-up, between creating its publisher and its first error.
health = context.socket(zmq.REP)
health.bind("tcp://127.0.0.1:0")
time.sleep(0.05)

for shape in os.environ.get("REPORTS", "publisher").split(","):
    if shape == "publisher":
        # The ErrorPublisher's frame: ERROR:{json} with error_data, and no "message" field.
        bus.send_string("ERROR:" + json.dumps({
            "message_type": "error_report", "source": name, "timestamp": "2025-07-19T10:00:00",
            "error_data": {"error_id": str(uuid.uuid4()), "error_type": "startup_failed", "severity": "critical",
                           "details": {"reason": f"{name} could not reach redis"}}}))
    elif shape == "multipart":
        bus.send_multipart([b"ERROR", json.dumps({"agent": name, "severity": "error", "error_type": "timeout",
                                                  "message": f"{name} multipart report"}).encode()])
    elif shape == "spaced":
        bus.send_string("ERROR: " + json.dumps({"source": name, "level": "WARNING",
                                                "error": {"type": "ValueError", "message": f"{name} spaced report"}}))
    elif shape == "text":
        bus.send_string(f"ERROR: {name} plain text report")
    print(f"{name}: published {shape}", flush=True)

time.sleep(float(os.environ.get("STAY", "2")))
bus.close(linger=1000)
print(f"{name}: Error in main: could not start", flush=True)
