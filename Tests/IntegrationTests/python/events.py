#!/usr/bin/env python3
"""Subscribes to the event stream, sends one command, and records what follows.

    events.py ENDPOINT CMD [--args JSON] --until AGENT=STATE [--until ...] [--then-status]
              [--settle S] [--timeout S]

Subscribes to every topic and waits until events flow (pings until their system.commands
event arrives). Then sends CMD on a DEALER (id "cmd-1"), and with --then-status a `status`
right behind it on the same socket (id "status-1"). Collects events until, for every
--until AGENT=STATE, an agent.state event of AGENT with "to": STATE has arrived after the
command, plus the command's system.commands event; then keeps listening for --settle seconds.

Prints {"reply", "status", "events", "complete"}: "events" are all events from the sync ping's
own event on, in arrival order. Exit 1 when the conditions were not met in time.
"""
import argparse
import json
import sys
import time

import protocol_client as pc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("cmd")
    parser.add_argument("--args")
    parser.add_argument("--until", action="append", default=[])
    parser.add_argument("--then-status", action="store_true")
    parser.add_argument("--settle", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=60.0)
    options = parser.parse_args()

    subscriber = pc.EventSubscriber(options.endpoint)
    subscriber.sync()
    # Keep only the events from the last sync ping's own event on.
    last_sync = max(i for i, e in enumerate(subscriber.events)
                    if e["topic"] == "system.commands" and e.get("cmd") == "ping")
    events = subscriber.events[last_sync:]

    control = pc.Client(options.endpoint, "dealer", timeout=options.timeout)
    args = json.loads(options.args) if options.args else None
    sent = {"cmd-1": pc.encode(options.cmd, args, "cmd-1"), "status-1": pc.encode("status", None, "status-1")}
    control.send_text(sent["cmd-1"])
    if options.then_status:
        control.send_text(sent["status-1"])
    expected_replies = 2 if options.then_status else 1
    replies = {}
    pending = {}
    for condition in options.until:
        agent, state = condition.split("=", 1)
        pending.setdefault(agent, set()).add(state)
    command_event_seen = False
    deadline = time.monotonic() + options.timeout

    def satisfied():
        return (len(replies) == expected_replies and command_event_seen
                and all(not states for states in pending.values()))

    while not satisfied() and time.monotonic() < deadline:
        if control.socket.poll(0):
            reply = json.loads(control.socket.recv_multipart()[-1])
            replies[reply.get("id")] = reply
            pc.record("request", socket="DEALER", request=sent.get(reply.get("id")), reply=reply)
        event = subscriber.next(0.05)
        if event is None:
            continue
        events.append(event)
        if event["topic"] == "system.commands" and event.get("cmd") == options.cmd:
            command_event_seen = True
        if event["topic"] == "agent.state" and event.get("agent") in pending:
            pending[event["agent"]].discard(event.get("to"))

    complete = satisfied()
    settle_end = time.monotonic() + options.settle
    while time.monotonic() < settle_end:
        event = subscriber.next(max(0.0, settle_end - time.monotonic()))
        if event is not None:
            events.append(event)

    pc.print_json({
        "reply": replies.get("cmd-1"),
        "status": replies.get("status-1"),
        "events": events,
        "complete": complete,
        "topic_frames_match": all(e["_topic_frame"] == e["topic"] for e in events),
    })
    subscriber.close()
    control.close()
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
