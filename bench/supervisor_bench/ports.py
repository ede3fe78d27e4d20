"""Free TCP ports on loopback, below the kernel's ephemeral range (see the port note)."""

import random
import socket


def ephemeral_low():
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        return int(f.read().split()[0])


def port_free(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def all_free(ports):
    return all(port_free(p) for p in ports)


def free_ports(count, start=22000, stop=29999, avoid=()):
    """`count` consecutive free ports, none in `avoid`."""
    avoid = set(avoid)
    base = start
    while base + count < stop:
        block = list(range(base, base + count))
        if not avoid.intersection(block) and all_free(block):
            return block
        base += count + random.randint(1, 37)
    raise RuntimeError(f"no {count} free consecutive ports in {start}-{stop}")
