#!/usr/bin/env python3
"""Floods the control endpoint with malformed request frames and reports the supervisor's
resident memory (VmRSS, in KB) before and after. Prints one JSON object:

    {"sent": N, "replies": N, "silent_sent": N, "large_replies": N, "rss_before": KB,
     "rss_after": KB, "rss_peak": KB, "rss_samples": [KB, ...], "elapsed": S,
     "stalled_subscriber": bool, "final_ping": reply}

    flood.py ENDPOINT PID [--frames N] [--per-connection N] [--window N] [--size BYTES]
             [--kinds SHAPE,...] [--stalled-subscriber] [--silent-clients N]
             [--silent-frames N] [--large N] [--settle S] [--timeout S]

What a careless or hostile client can do, all at once:
- `--frames` malformed frames from DEALERs that read their replies, a fresh DEALER every
  `--per-connection` frames, `--window` frames in flight;
- `--stalled-subscriber`: a SUB on the event stream (every topic) that stops reading once it
  is connected, so whatever the supervisor publishes for it piles up on the supervisor's side;
- `--silent-clients` DEALERs that send `--silent-frames` frames each and never read a reply;
- `--large` frames of 900 KB (garbage) from one DEALER.
"rss_before" is taken after a warm-up (one window of every shape and a few large frames), so
one-time allocations are not counted as growth; "rss_after" after the silent clients have
closed and `--settle` seconds, with the stalled subscriber still connected.
"""
import argparse
import json
import random
import time

import zmq

import protocol_client as pc

LARGE = 900_000


def rss_kb(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


# The kinds of malformed frame, each about `size` bytes; `n` makes each one different.
SHAPES = {
    "noise": lambda rng, size, n: rng.randbytes(size),
    "bad_cmd": lambda rng, size, n: b'{"v": 1, "cmd": ' + rng.randbytes(size // 2).hex().encode() + b"}",
    "unknown_cmd": lambda rng, size, n: json.dumps(
        {"v": 1, "cmd": f"stats{n}", "id": f"flood-{n}", "pad": "x" * size}).encode(),
    "bad_args": lambda rng, size, n: json.dumps(
        {"v": 1, "cmd": "ping", "args": {f"k{n}": list(range(size // 8))}}).encode(),
    "unique_keys": lambda rng, size, n: json.dumps(
        {"v": 1, "cmd": "ping", "args": {f"key-{n}-{i}": i for i in range(size // 16)}}).encode(),
    "duplicate_key": lambda rng, size, n: b'{"v": 1, "cmd": "down", "cmd": "ping", "id": "d%d"}' % n,
    "nested": lambda rng, size, n: b"[" * (size // 2) + b"]" * (size // 2),
    "string_v": lambda rng, size, n: json.dumps(
        {"v": "1", "cmd": "status", "text": rng.randbytes(size // 2).hex()}).encode(),
    "utf16": lambda rng, size, n: json.dumps({"v": 1, "cmd": "ping", "id": f"u{n}"}).encode("utf-16"),
}


def payloads(kinds, size, rng):
    """An endless supply of malformed request frames, the shapes in turn."""
    n = 0
    while True:
        for kind in kinds:
            n += 1
            yield SHAPES[kind](rng, size, n)


def dealer(endpoint):
    sock = pc.CONTEXT.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(endpoint)
    return sock


def flood(endpoint, supply, count, per_connection, window, deadline, on_sent=None):
    """Sends `count` frames, a fresh DEALER every `per_connection`, reading every reply;
    returns (sent, replies)."""
    sent = replies = 0
    while sent < count and time.monotonic() < deadline:
        sock = dealer(endpoint)
        in_flight = 0
        for _ in range(min(per_connection, count - sent)):
            if in_flight >= window:
                # Every frame is refused with a reply: wait for one, then take what is there.
                if not sock.poll(15_000):
                    break
                while in_flight > 0 and sock.poll(0):
                    sock.recv_multipart()
                    replies += 1
                    in_flight -= 1
            sock.send(next(supply))
            sent += 1
            in_flight += 1
            if on_sent:
                on_sent(sent)
        while in_flight > 0 and sock.poll(15_000):
            sock.recv_multipart()
            replies += 1
            in_flight -= 1
        sock.close(linger=0)
    return sent, replies


def stalled_subscriber(endpoint, deadline):
    """A SUB on every topic that reads one event (so it is surely subscribed), then stops."""
    sub = pc.CONTEXT.socket(zmq.SUB)
    sub.linger = 0
    sub.setsockopt(zmq.RCVHWM, 100)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(pc.events_endpoint(endpoint))
    while time.monotonic() < deadline:
        pc.call(endpoint, "ping", timeout=15)
        if sub.poll(500):
            sub.recv_multipart()
            return sub
    raise TimeoutError("the subscriber never got an event")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("pid", type=int)
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--per-connection", type=int, default=1000)
    parser.add_argument("--window", type=int, default=200)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--kinds", default=",".join(SHAPES),
                        help="comma-separated shapes: " + ", ".join(SHAPES))
    parser.add_argument("--stalled-subscriber", action="store_true")
    parser.add_argument("--silent-clients", type=int, default=0)
    parser.add_argument("--silent-frames", type=int, default=5000)
    parser.add_argument("--large", type=int, default=0)
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=600.0)
    options = parser.parse_args()
    rng = random.Random(20261128)
    kinds = options.kinds.split(",")
    supply = payloads(kinds, options.size, rng)
    large_frame = rng.randbytes(LARGE)
    deadline = time.monotonic() + options.timeout
    samples = []

    def sample(sent):
        if sent % 10_000 == 0:
            samples.append(rss_kb(options.pid))

    def large(count):
        sock = dealer(options.endpoint)
        for _ in range(count):
            sock.send(large_frame)
        got = 0
        while got < count and sock.poll(15_000):
            sock.recv_multipart()
            got += 1
        sock.close(linger=0)
        return got

    flood(options.endpoint, supply, options.window * len(kinds), options.per_connection, options.window, deadline)
    large(min(options.large, 16))
    subscriber = stalled_subscriber(options.endpoint, deadline) if options.stalled_subscriber else None
    time.sleep(options.settle)
    before = rss_kb(options.pid)
    started = time.monotonic()

    # Queued on this side without limit, so they reach the supervisor as fast as it reads.
    silent = []
    for _ in range(options.silent_clients):
        sock = pc.CONTEXT.socket(zmq.DEALER)
        sock.linger = 0
        sock.sndhwm = 0
        sock.connect(options.endpoint)
        silent.append(sock)
    silent_sent = 0
    for sock in silent:
        for _ in range(options.silent_frames):
            sock.send(next(supply))
            silent_sent += 1
    sent, replies = flood(options.endpoint, supply, options.frames, options.per_connection, options.window,
                          deadline, sample)
    large_replies = large(options.large)
    peak = max(samples + [rss_kb(options.pid)])
    for sock in silent:
        sock.close(linger=0)
    elapsed = time.monotonic() - started
    time.sleep(options.settle)
    after = rss_kb(options.pid)
    final = pc.call(options.endpoint, "ping", timeout=15)
    if subscriber is not None:
        subscriber.close(linger=0)
    pc.print_json({
        "sent": sent, "replies": replies, "silent_sent": silent_sent, "large_replies": large_replies,
        "rss_before": before, "rss_after": after, "rss_peak": peak, "rss_samples": samples,
        "elapsed": round(elapsed, 2), "stalled_subscriber": subscriber is not None, "final_ping": final,
    })


if __name__ == "__main__":
    main()
