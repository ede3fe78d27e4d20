#!/usr/bin/env python3
"""Sends malformed, oversized and hostile input to the control endpoint, each case on its own
connection, and records what came back. Prints one JSON object:

    {"cases": {NAME: {"frames": [reply frames as text] | null, "reply": parsed last frame | null}},
     "bystander": [replies to a client connected all along], "same_socket_after_oversize": reply,
     "final_status": a fresh client's status reply}

    malformed.py ENDPOINT [--silence S]

A case with "frames": null got no reply within --silence seconds (dropped).
"""
import argparse
import json
import random
import socket
import sys
import time

import zmq

import protocol_client as pc

REPLY_TIMEOUT = 15.0


def text_frames(frames):
    return [frame.decode("utf-8", errors="replace") for frame in frames]


def exchange(endpoint, frames, expect_reply=True, silence=3.0, kind=zmq.DEALER):
    """Sends one multipart message on a fresh socket; returns the reply frames or None."""
    sock = pc.CONTEXT.socket(kind)
    sock.linger = 0
    sock.connect(endpoint)
    try:
        sock.send_multipart(frames)
        if sock.poll(int((REPLY_TIMEOUT if expect_reply else silence) * 1000)):
            return sock.recv_multipart()
        return None
    finally:
        sock.close(linger=0)


def case_result(frames):
    if frames is None:
        return {"frames": None, "reply": None}
    try:
        reply = json.loads(frames[-1])
    except ValueError:
        reply = None
    return {"frames": text_frames(frames), "reply": reply}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--silence", type=float, default=3.0)
    options = parser.parse_args()
    endpoint = options.endpoint
    rng = random.Random(20261127)
    cases = {}

    def one(name, body, expect_reply=True):
        frames = [body] if isinstance(body, bytes) else body
        cases[name] = case_result(exchange(endpoint, frames, expect_reply, options.silence))
        pc.record("malformed", case=name, sent=[f[:200].decode("utf-8", "replace") for f in frames],
                  reply=cases[name]["reply"])

    def js(value):
        return json.dumps(value).encode()

    # A client connected before any of this, asked again after the hostile cases.
    bystander = pc.Client(endpoint, "dealer")
    bystander_replies = [bystander.call("ping", id="bystander-before")]

    one("not_json", b"hello, supervisor")
    one("json_array", js([1, 2, 3]))
    one("json_string", js("status"))
    one("json_null", b"null")
    one("missing_v", js({"cmd": "status"}))
    one("wrong_v", js({"v": 2, "cmd": "status"}))
    one("string_v", js({"v": "1", "cmd": "status"}))
    one("boolean_v", js({"v": True, "cmd": "status"}))
    one("missing_cmd", js({"v": 1}))
    one("cmd_not_string", js({"v": 1, "cmd": 7}))
    one("unknown_cmd", js({"v": 1, "cmd": "stats"}))
    one("args_not_object", js({"v": 1, "cmd": "status", "args": ["alpha"]}))
    one("agents_not_list", js({"v": 1, "cmd": "status", "args": {"agents": "alpha"}}))
    one("agents_not_strings", js({"v": 1, "cmd": "stop", "args": {"agents": [1, 2]}}))
    one("lines_string", js({"v": 1, "cmd": "logs", "args": {"agent": "alpha", "lines": "10"}}))
    one("lines_zero", js({"v": 1, "cmd": "logs", "args": {"agent": "alpha", "lines": 0}}))
    one("lines_boolean", js({"v": 1, "cmd": "logs", "args": {"agent": "alpha", "lines": True}}))
    one("lines_fraction", js({"v": 1, "cmd": "logs", "args": {"agent": "alpha", "lines": 2.5}}))
    one("with_deps_number", js({"v": 1, "cmd": "start", "args": {"agents": ["alpha"], "with_deps": 1}}))
    one("lines_too_many", js({"v": 1, "cmd": "logs", "args": {"agent": "alpha", "lines": 100001}}))
    one("logs_without_agent", js({"v": 1, "cmd": "logs", "args": {}}))
    one("with_deps_string", js({"v": 1, "cmd": "start", "args": {"agents": ["alpha"], "with_deps": "yes"}}))
    one("start_without_agents", js({"v": 1, "cmd": "start"}))
    one("extra_arg_ping", js({"v": 1, "cmd": "ping", "args": {"verbose": True}}))
    one("extra_arg_status", js({"v": 1, "cmd": "status", "args": {"agents": [], "all": True}}))
    # Requests that fail validation but carry a readable id.
    one("unknown_cmd_with_id", js({"v": 1, "cmd": "stats", "id": "m-1"}))
    one("bad_argument_with_id", js({"v": 1, "cmd": "ping", "args": {"x": 1}, "id": "m-2"}))
    one("unicode_agent", js({"v": 1, "cmd": "status", "args": {"agents": ["\u00e5lpha\u0000"]}}))
    one("deeply_nested", b"[" * 200_000 + b"]" * 200_000)
    # The same key twice: refused whole (the first "cmd" used to win, so this ran down).
    one("duplicate_cmd", b'{"v": 1, "cmd": "down", "cmd": "ping", "id": "dup"}')
    one("duplicate_nested", b'{"v": 1, "cmd": "stop", "args": {"agents": ["alpha"], "agents": []}}')
    one("trailing_request", b'{"v": 1, "cmd": "ping"} {"v": 1, "cmd": "down"}')
    # Not UTF-8: UTF-16 with and without a byte order mark, Latin-1, an encoded surrogate.
    one("utf16_bom", json.dumps({"v": 1, "cmd": "ping", "id": "utf16"}).encode("utf-16"))
    one("utf16le", json.dumps({"v": 1, "cmd": "ping", "id": "utf16le"}).encode("utf-16-le"))
    one("latin1", '{"v": 1, "cmd": "status", "args": {"agents": ["café"]}}'.encode("latin-1"))
    one("encoded_surrogate", b'{"v": 1, "cmd": "ping", "id": "\xed\xa0\x80"}')
    one("large_valid", js({"v": 1, "cmd": "ping", "id": "large", "padding": "x" * 900_000}))
    # Framing: a DEALER sending a REQ-style envelope is fine; a lone empty frame, an empty
    # body after the delimiter, or several body frames are not.
    one("req_envelope_from_dealer", [b"", js({"v": 1, "cmd": "ping", "id": "enveloped"})])
    one("empty_frame_only", [b""])
    one("empty_body_after_delimiter", [b"", b""])
    one("three_frames", [js({"v": 1, "cmd": "ping"}), js({"v": 1, "cmd": "ping"}), js({"v": 1, "cmd": "ping"})])
    one("two_frames_after_delimiter", [b"", js({"v": 1, "cmd": "ping"}), b"extra"])
    one("random_bytes", rng.randbytes(4096))
    one("random_frames", [rng.randbytes(64) for _ in range(3)])
    cases["req_empty_request"] = case_result(exchange(endpoint, [b""], kind=zmq.REQ))
    cases["req_ping"] = case_result(exchange(endpoint, [js({"v": 1, "cmd": "ping", "id": "req"})], kind=zmq.REQ))

    # Over the 1 MiB limit: libzmq drops the connection, so there is no reply. The same DEALER
    # reconnects by itself and is served again.
    oversize = pc.CONTEXT.socket(zmq.DEALER)
    oversize.linger = 0
    oversize.connect(endpoint)
    oversize.send(js({"v": 1, "cmd": "ping", "id": "oversize", "padding": "x" * (2 << 20)}))
    got = oversize.recv_multipart() if oversize.poll(int(options.silence * 1000)) else None
    cases["oversize_2mib"] = case_result(got)
    bystander_replies.append(bystander.call("ping", id="bystander-after-oversize"))
    oversize.send(js({"v": 1, "cmd": "ping", "id": "after-oversize"}))
    after = None
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline and oversize.poll(int(max(0, deadline - time.monotonic()) * 1000)):
        reply = json.loads(oversize.recv_multipart()[-1])
        if reply.get("id") == "after-oversize":
            after = reply
            break
    oversize.close(linger=0)

    # Clients that send and vanish before the reply: the reply has nowhere to go.
    for n in range(20):
        for kind, frames in ((zmq.DEALER, [js({"v": 1, "cmd": "status", "id": f"gone-{n}"})]),
                             (zmq.REQ, [js({"v": 1, "cmd": "logs", "args": {"agent": "alpha", "lines": 5}})])):
            sock = pc.CONTEXT.socket(kind)
            sock.connect(endpoint)
            sock.send_multipart(frames)
            sock.close(linger=200)   # let the request leave, never read the reply

    # Not ZeroMQ at all: raw TCP garbage, a half greeting left open, an immediate close.
    host, port = endpoint.rsplit("//", 1)[1].rsplit(":", 1)
    for payload in (rng.randbytes(512), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b""):
        raw = socket.create_connection((host, int(port)), timeout=5)
        if payload:
            raw.sendall(payload)
        raw.close()
    half_open = socket.create_connection((host, int(port)), timeout=5)
    half_open.sendall(b"\xff\x00\x00\x00\x00\x00\x00\x00\x01\x7f")   # first bytes of a ZMTP greeting

    bystander_replies.append(bystander.call("ping", id="bystander-after-all"))
    bystander.close()
    final = pc.call(endpoint, "status", timeout=REPLY_TIMEOUT)
    half_open.close()
    pc.print_json({
        "cases": cases,
        "bystander": bystander_replies,
        "same_socket_after_oversize": after,
        "final_status": final,
    })


if __name__ == "__main__":
    main()
