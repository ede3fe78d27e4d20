#!/usr/bin/env python3
"""Many concurrent clients, each a thread with its own DEALER socket, sending well-formed
requests (a mix of status, ping and logs) with unique ids and matching every reply by id.

    load.py ENDPOINT --agents a,b,c [--clients 50] [--requests 200] [--window 4] [--timeout 300]

Prints {"sent", "replies", "ok", "error_count", "errors" (first 20), "missing", "duplicates",
"unknown_ids", "mismatched", "by_cmd", "elapsed", "latency_ms": {"p50", "p99", "max"}}.
Exit 1 when a request went unanswered.
"""
import argparse
import json
import sys
import threading
import time

import zmq

import protocol_client as pc


def run_client(index, options, agents, barrier, results, deadline):
    sock = pc.CONTEXT.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(options.endpoint)
    outstanding = {}          # id -> (cmd, sent at)
    answered = {}
    stats = {"sent": 0, "replies": 0, "ok": 0, "errors": [], "duplicates": 0, "unknown_ids": 0,
             "mismatched": 0, "latencies": [], "by_cmd": {}}
    next_request = 0
    barrier.wait()
    try:
        while time.monotonic() < deadline:
            while next_request < options.requests and len(outstanding) < options.window:
                kind = (index + next_request) % 3
                request_id = f"c{index}-r{next_request}"
                if kind == 0:
                    cmd, args = "status", None
                elif kind == 1:
                    cmd, args = "ping", None
                else:
                    cmd, args = "logs", {"agent": agents[next_request % len(agents)], "lines": 20}
                sock.send(pc.encode(cmd, args, request_id).encode())
                outstanding[request_id] = (cmd, time.monotonic())
                stats["sent"] += 1
                stats["by_cmd"][cmd] = stats["by_cmd"].get(cmd, 0) + 1
                next_request += 1
            if not outstanding:
                break
            if not sock.poll(int(max(0.0, min(1.0, deadline - time.monotonic())) * 1000)):
                continue
            reply = json.loads(sock.recv_multipart()[-1])
            stats["replies"] += 1
            reply_id = reply.get("id")
            if reply_id in answered:
                stats["duplicates"] += 1
                continue
            if reply_id not in outstanding:
                stats["unknown_ids"] += 1
                continue
            cmd, sent_at = outstanding.pop(reply_id)
            answered[reply_id] = True
            stats["latencies"].append(time.monotonic() - sent_at)
            if not reply.get("ok"):
                stats["errors"].append({"id": reply_id, "cmd": cmd, "reply": reply})
                continue
            data = reply.get("data", {})
            shape_ok = {"status": "agents" in data, "ping": data.get("pong") is True,
                        "logs": isinstance(data.get("lines"), list)}[cmd]
            if shape_ok:
                stats["ok"] += 1
            else:
                stats["mismatched"] += 1
    finally:
        sock.close(linger=0)
    stats["missing"] = len(outstanding) + (options.requests - next_request)
    results[index] = stats


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--agents", required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--window", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300.0)
    options = parser.parse_args()
    agents = options.agents.split(",")

    results = [None] * options.clients
    barrier = threading.Barrier(options.clients + 1)
    start = time.monotonic()
    deadline = start + options.timeout
    threads = [threading.Thread(target=run_client, args=(n, options, agents, barrier, results, deadline))
               for n in range(options.clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.monotonic()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start

    total = {"sent": 0, "replies": 0, "ok": 0, "duplicates": 0, "unknown_ids": 0, "mismatched": 0,
             "missing": 0}
    errors, latencies, by_cmd = [], [], {}
    for stats in results:
        for key in total:
            total[key] += stats[key]
        errors += stats["errors"]
        latencies += stats["latencies"]
        for cmd, count in stats["by_cmd"].items():
            by_cmd[cmd] = by_cmd.get(cmd, 0) + count
    latencies.sort()

    def percentile(fraction):
        return round(latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] * 1000, 1) if latencies else None

    pc.print_json(dict(total, error_count=len(errors), errors=errors[:20], by_cmd=by_cmd,
                       clients=options.clients, requests_per_client=options.requests,
                       elapsed=round(elapsed, 2),
                       latency_ms={"p50": percentile(0.5), "p99": percentile(0.99), "max": percentile(1.0)}))
    return 0 if total["missing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
