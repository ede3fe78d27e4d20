"""The bench's own health prober: the same external check for every subject (the legacy
ZeroMQ `{"action": "health_check"}` protocol, first `status: ok` reply)."""

import json
import time

import zmq

HEALTH_REQUEST = json.dumps({"action": "health_check"}).encode()


class Prober:
    def __init__(self, context, ports):
        self.context = context
        self.ports = ports  # name -> health port
        self.sockets = {}

    def _open(self, name):
        s = self.context.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.setsockopt(zmq.RECONNECT_IVL, 2)
        s.setsockopt(zmq.RECONNECT_IVL_MAX, 20)
        s.connect(f"tcp://127.0.0.1:{self.ports[name]}")
        return s

    def close(self):
        for s in self.sockets.values():
            s.close(0)
        self.sockets.clear()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def wait_ready(self, names, timeout, interval=0.01):
        """Wall-clock time each agent first answered ready; agents that did not are left out."""
        pending = set(names)
        by_socket, next_send, ready_at = {}, {}, {}
        poller = zmq.Poller()
        for n in names:
            if n not in self.sockets:
                self.sockets[n] = self._open(n)
            by_socket[self.sockets[n]] = n
            poller.register(self.sockets[n], zmq.POLLIN)
            next_send[n] = 0.0
        deadline = time.monotonic() + timeout
        while pending and time.monotonic() < deadline:
            now = time.monotonic()
            for n in pending:
                if now >= next_send[n]:
                    self.sockets[n].send_multipart([b"", HEALTH_REQUEST])
                    next_send[n] = now + 0.25  # resend if unanswered (the agent restarted)
            for sock, _ in poller.poll(2):
                n = by_socket[sock]
                while True:
                    try:
                        frames = sock.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    if n not in pending:
                        continue
                    try:
                        reply = json.loads(frames[-1])
                    except ValueError:
                        reply = {}
                    if reply.get("status") == "ok":
                        ready_at[n] = time.time()
                        pending.discard(n)
                    else:
                        next_send[n] = time.monotonic() + interval
        return ready_at
