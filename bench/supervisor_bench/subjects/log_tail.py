"""Reads a growing supervisor.log incrementally: new bytes only, so 10 000 agents' lines are
read once, not once per poll."""

import datetime
import re

READY_LINE = re.compile(r"ready: (\d+)/(\d+) agents in ([\d.]+) s \(critical path ([\d.]+) s\)")


def utc_timestamp(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class LogTail:
    def __init__(self, path):
        self.path = path
        self.offset = 0
        self.partial = ""
        self.ready_agents = 0
        self.last_ready = None
        self.summary = None  # the `ready:` line's fields once seen

    def poll(self):
        try:
            with open(self.path) as f:
                f.seek(self.offset)
                chunk = f.read()
                self.offset = f.tell()
        except OSError:
            return
        lines = (self.partial + chunk).split("\n")
        self.partial = lines.pop()
        for line in lines:
            if "-> ready" in line:
                self.ready_agents += 1
                self.last_ready = utc_timestamp(line.split()[0])
            elif self.summary is None:
                m = READY_LINE.search(line)
                if m:
                    self.summary = {"ready": int(m.group(1)), "total": int(m.group(2)),
                                    "own": float(m.group(3)), "cp": float(m.group(4))}
