#!/usr/bin/env python3
"""One control request, or a wait on `status`, from the command line; prints JSON.

    ctl.py call ENDPOINT CMD [--args JSON] [--id ID] [--dealer] [--timeout S]
        prints the reply; exit 0 for any reply (ok or error), 3 when none came.
    ctl.py batch ENDPOINT REQUEST_JSON ... [--timeout S]
        sends every request back to back on one DEALER (each needs an "id"), prints
        {id: reply}; exit 0 when every request was answered, 3 otherwise.
    ctl.py wait ENDPOINT [--timeout S] AGENT=STATE ... AGENT=absent ...
        polls status until every agent is in its state (or absent); prints the last status
        reply; exit 0 when matched, 1 on timeout.
"""
import argparse
import json
import sys

import protocol_client as pc


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="verb", required=True)
    call = sub.add_parser("call")
    call.add_argument("endpoint")
    call.add_argument("cmd")
    call.add_argument("--args")
    call.add_argument("--id")
    call.add_argument("--dealer", action="store_true")
    call.add_argument("--timeout", type=float, default=15.0)
    batch = sub.add_parser("batch")
    batch.add_argument("endpoint")
    batch.add_argument("requests", nargs="+")
    batch.add_argument("--timeout", type=float, default=15.0)
    wait = sub.add_parser("wait")
    wait.add_argument("endpoint")
    wait.add_argument("conditions", nargs="+")
    wait.add_argument("--timeout", type=float, default=60.0)
    options = parser.parse_args()

    if options.verb == "call":
        args = json.loads(options.args) if options.args else None
        try:
            reply = pc.call(options.endpoint, options.cmd, args, options.id,
                            "dealer" if options.dealer else "req", options.timeout)
        except pc.NoReply as error:
            print(str(error), file=sys.stderr)
            return 3
        pc.print_json(reply)
        return 0

    if options.verb == "batch":
        client = pc.Client(options.endpoint, "dealer", options.timeout)
        ids = [str(json.loads(text)["id"]) for text in options.requests]
        for text in options.requests:
            client.send_text(text)
        replies = {}
        try:
            while len(replies) < len(ids):
                reply = client.receive()
                replies[reply.get("id")] = reply
                pc.record("request", socket="DEALER", request=options.requests[ids.index(reply.get("id"))], reply=reply)
        except pc.NoReply as error:
            print(str(error), file=sys.stderr)
        client.close()
        pc.print_json(replies)
        return 0 if len(replies) == len(ids) else 3

    wanted = dict(condition.split("=", 1) for condition in options.conditions)

    def matches(reply):
        agents = pc.agents_by_name(reply)
        for name, state in wanted.items():
            if state == "absent":
                if name in agents:
                    return False
            elif name not in agents or agents[name]["state"] != state:
                return False
        return True

    reply, matched = pc.wait_for_status(options.endpoint, matches, options.timeout)
    pc.print_json(reply)
    if not matched:
        print(f"status did not reach {wanted} within {options.timeout} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
