"""What /proc says about a process: memory, CPU, descriptors, children, environment."""

import os


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def anonymous_bytes(pid):
    """RssAnon: the resident memory that is the process's own (heap, stacks, written data),
    as opposed to file pages of its binary and libraries, which are shared and reclaimable."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid):
    """utime + stime of the process (all its threads)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def children_of(pid):
    kids = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.update(int(x) for x in f.read().split())
        except OSError:
            pass
    return kids


def env_of(pid):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
    except OSError:
        return {}


def pss_mib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return int(f.read().split("Pss:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return None


def mem_available_mib():
    with open("/proc/meminfo") as f:
        return int(f.read().split("MemAvailable:")[1].split()[0]) // 1024


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def process_count():
    return sum(1 for e in os.listdir("/proc") if e.isdigit())
