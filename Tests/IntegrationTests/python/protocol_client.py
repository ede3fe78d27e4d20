#!/usr/bin/env python3
"""A plain pyzmq client of the supervisor's control protocol, written from docs/protocol.md.

Requests are one JSON frame: {"v": 1, "cmd": ..., "args": {...}, "id": ...}; replies are one
JSON frame: {"ok": true, "data": {...}} or {"ok": false, "error": {"code", "message", ...}}.
A REQ socket adds and strips the empty delimiter frame itself; a DEALER socket sends the JSON
frame alone and matches replies by "id".

The scenario scripts next to this file import it. When PROTOCOL_TRANSCRIPT names a file, every
request, reply and event is appended to it as one JSON line (docs/protocol.md's examples are
taken from such a transcript).
"""
import json
import os
import sys
import threading
import time

import zmq

CONTEXT = zmq.Context.instance()
_TRANSCRIPT_LOCK = threading.Lock()


class NoReply(Exception):
    """No reply within the timeout."""


def record(kind, **fields):
    """Appends one line to the transcript, if one was asked for."""
    path = os.environ.get("PROTOCOL_TRANSCRIPT")
    if not path:
        return
    line = json.dumps(dict(kind=kind, script=os.path.basename(sys.argv[0]), **fields))
    with _TRANSCRIPT_LOCK, open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def encode(cmd, args=None, id=None, v=1):
    """The JSON text of one request."""
    body = {"v": v, "cmd": cmd}
    if args is not None:
        body["args"] = args
    if id is not None:
        body["id"] = id
    return json.dumps(body)


def events_endpoint(endpoint):
    """tcp://host:port -> tcp://host:port+1 (the event stream)."""
    base, port = endpoint.rsplit(":", 1)
    return f"{base}:{int(port) + 1}"


class Client:
    """One control connection: kind "req" or "dealer"."""

    def __init__(self, endpoint, kind="req", timeout=15.0):
        self.endpoint = endpoint
        self.kind = kind
        self.timeout = timeout
        self.socket = None
        self._open()

    def _open(self):
        if self.socket is not None:
            self.socket.close(linger=0)
        self.socket = CONTEXT.socket(zmq.REQ if self.kind == "req" else zmq.DEALER)
        self.socket.linger = 0
        self.socket.connect(self.endpoint)

    def close(self):
        if self.socket is not None:
            self.socket.close(linger=0)
            self.socket = None

    def send_text(self, text):
        """Sends one request frame as it is (for malformed input too)."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.socket.send(data)

    def receive(self, timeout=None):
        """The next reply frame, parsed; raises NoReply after the timeout."""
        timeout = self.timeout if timeout is None else timeout
        if not self.socket.poll(int(timeout * 1000)):
            if self.kind == "req":
                # A REQ socket is stuck after an unanswered request: start over.
                self._open()
            raise NoReply(f"no reply within {timeout} s from {self.endpoint}")
        frames = self.socket.recv_multipart()
        return json.loads(frames[-1])

    def call_text(self, text, timeout=None):
        """Sends one request text and returns the parsed reply (for a DEALER, the reply whose
        id matches, when the request has one)."""
        self.send_text(text)
        wanted = None
        if self.kind == "dealer":
            try:
                wanted = json.loads(text).get("id")
            except (ValueError, AttributeError):
                wanted = None
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while True:
            reply = self.receive(max(0.0, deadline - time.monotonic()))
            if wanted is None or reply.get("id") == str(wanted):
                break
        record("request", socket=self.kind.upper(), request=text, reply=reply)
        return reply

    def call(self, cmd, args=None, id=None, timeout=None):
        return self.call_text(encode(cmd, args, id), timeout)


def call(endpoint, cmd, args=None, id=None, kind="req", timeout=15.0):
    """One request on a fresh connection."""
    client = Client(endpoint, kind, timeout)
    try:
        return client.call(cmd, args, id)
    finally:
        client.close()


def agents_by_name(status_reply):
    return {agent["name"]: agent for agent in status_reply["data"]["agents"]}


def wait_for_status(endpoint, predicate, timeout=60.0, interval=0.05):
    """Polls `status` until predicate(reply) is true; returns (reply, matched)."""
    deadline = time.monotonic() + timeout
    client = Client(endpoint, "dealer", timeout=min(15.0, timeout))
    counter = 0
    last = None
    try:
        while True:
            counter += 1
            try:
                last = client.call("status", id=f"wait-{counter}")
            except NoReply:
                last = None
            if last is not None and last.get("ok") and predicate(last):
                return last, True
            if time.monotonic() >= deadline:
                return last, False
            time.sleep(interval)
    finally:
        client.close()


class EventSubscriber:
    """A SUB socket on the event stream, subscribed to every topic, in step with the
    supervisor: `sync()` returns once events are known to arrive."""

    def __init__(self, endpoint, topics=("",)):
        self.endpoint = endpoint
        self.socket = CONTEXT.socket(zmq.SUB)
        self.socket.linger = 0
        self.socket.rcvhwm = 0
        for topic in topics:
            self.socket.setsockopt(zmq.SUBSCRIBE, topic.encode())
        self.socket.connect(events_endpoint(endpoint))
        self.events = []

    def sync(self, timeout=30.0):
        """A subscription takes effect some time after connecting (the slow joiner): send
        pings until their `system.commands` events come through."""
        control = Client(self.endpoint, "dealer")
        deadline = time.monotonic() + timeout
        counter = 0
        try:
            while time.monotonic() < deadline:
                counter += 1
                control.call("ping", id=f"sync-{counter}")
                end = time.monotonic() + 0.2
                while time.monotonic() < end:
                    event = self.next(max(0.0, end - time.monotonic()))
                    if event and event["topic"] == "system.commands" and event.get("cmd") == "ping":
                        return
            raise NoReply("the event stream did not deliver within the timeout")
        finally:
            control.close()

    def next(self, timeout):
        """The next event (parsed, with the topic frame checked), or None."""
        if not self.socket.poll(int(timeout * 1000)):
            return None
        topic, body = self.socket.recv_multipart()
        event = json.loads(body)
        event["_topic_frame"] = topic.decode()
        self.events.append(event)
        record("event", topic=topic.decode(), event=json.loads(body))
        return event

    def close(self):
        self.socket.close(linger=0)


def print_json(value):
    json.dump(value, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    sys.stdout.flush()
