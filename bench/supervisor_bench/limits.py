"""Whether this machine can hold N more processes with their descriptors and memory; raises
the bench's own descriptor limit (inherited by the daemons it starts) when it may."""

import os
import resource

from .procfs import mem_available_mib, process_count


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def raise_fd_limit(wanted):
    """Soft = hard = at least `wanted` if allowed (root with CAP_SYS_RESOURCE may raise the
    hard limit up to fs.nr_open); returns the soft limit in force and why it could not be
    raised (or None)."""
    refusal = None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < wanted:
        ceiling = int(_read("/proc/sys/fs/nr_open") or hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, ceiling), min(wanted, ceiling)))
        except (ValueError, OSError) as error:
            refusal = f"setrlimit: {error}"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0], refusal


def memory_cgroup_room_mib():
    """What the memory cgroup (v1) of this process still allows, or None without a limit."""
    for line in (_read("/proc/self/cgroup") or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3 and parts[1] == "memory":
            base = f"/sys/fs/cgroup/memory{parts[2]}"
            limit, usage = _read(f"{base}/memory.limit_in_bytes"), _read(f"{base}/memory.usage_in_bytes")
            if limit and usage and int(limit) < 1 << 60:
                return (int(limit) - int(usage)) // 2**20
    return None


def room_for(processes, fds_per_process, mib_per_process):
    """None when the machine can take them, else the reason it cannot."""
    fds = processes * fds_per_process + 1000
    limit, refusal = raise_fd_limit(fds)
    if limit < fds:
        return (f"the daemon needs about {fds} open files ({fds_per_process} per agent), RLIMIT_NOFILE is {limit} "
                f"and cannot be raised here ({refusal or 'fs.nr_open'})")
    pid_max = int(_read("/proc/sys/kernel/pid_max") or 32768)
    threads_max = int(_read("/proc/sys/kernel/threads-max") or pid_max)
    room = min(pid_max, threads_max) - process_count()
    if room < processes + 2000:
        return f"needs {processes + 2000} free pids, kernel.pid_max/threads-max leave {room}"
    pids_max = _read("/sys/fs/cgroup/pids/pids.max") or _read("/sys/fs/cgroup/pids.max")
    if pids_max and pids_max != "max" and int(pids_max) < processes + 2000:
        return f"needs {processes + 2000} pids, the pids cgroup allows {pids_max}"
    mib = processes * mib_per_process + 2048
    available = mem_available_mib()
    cgroup = memory_cgroup_room_mib()
    if min(available, cgroup if cgroup is not None else available) < mib:
        return f"needs about {mib} MiB, {available} MiB available (memory cgroup room: {cgroup} MiB)"
    return None


def cores():
    return os.cpu_count() or 1
