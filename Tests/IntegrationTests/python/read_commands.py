#!/usr/bin/env python3
"""The read commands over REQ and DEALER; prints every reply as one JSON object.

    read_commands.py ENDPOINT AGENT_WITH_TYPO LOG_AGENT LOG_LINES
"""
import json
import sys

import protocol_client as pc


def main():
    endpoint, typo, log_agent, log_lines = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    results = {}
    req = pc.Client(endpoint, "req")
    results["ping"] = req.call("ping")
    results["version"] = req.call("version")
    results["status"] = req.call("status")
    results["status_one"] = req.call("status", {"agents": [log_agent]})
    results["status_group"] = req.call("status", {"agents": ["group:tools"]})
    results["status_unknown"] = req.call("status", {"agents": [typo]})
    results["logs"] = req.call("logs", {"agent": log_agent, "lines": log_lines})
    results["logs_default"] = req.call("logs", {"agent": log_agent})
    req.close()

    dealer = pc.Client(endpoint, "dealer")
    results["dealer_ping"] = dealer.call("ping", id="ping-1")
    results["dealer_numeric_id"] = dealer.call("version", id=42)
    results["dealer_error_with_id"] = dealer.call("status", {"agents": [typo]}, id="bad-1")
    # Several requests in flight on one DEALER: every reply carries its request's id.
    ids = [f"pipelined-{n}" for n in range(5)]
    for request_id in ids:
        dealer.send_text(pc.encode("status" if request_id.endswith(("0", "2", "4")) else "ping", id=request_id))
    replies = [dealer.receive() for _ in ids]
    results["pipelined_ids"] = sorted(reply.get("id") for reply in replies)
    results["pipelined_all_ok"] = all(reply.get("ok") for reply in replies)
    dealer.close()
    pc.print_json(results)


if __name__ == "__main__":
    main()
