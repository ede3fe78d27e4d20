"""The rows of workload 6, each beside the plain loop measured in the same run."""

import statistics
from dataclasses import dataclass, field

from ..rows import Row, Stats, ms, ratio

WITHIN = 1.2              # start-up within 1.2x of the plain loop
STOP_TARGET_S = 2.0       # `supervisor down` under 2 s
RAW_TARGET_MS = 2.0       # raw `status` at 1000 agents
IDLE_TARGET_SHARE = 0.5   # % of a core


@dataclass
class Result:
    n: int
    levels: int
    loop_start: list = field(default_factory=list)
    loop_stop: list = field(default_factory=list)
    start: list = field(default_factory=list)
    own: list = field(default_factory=list)
    cpu_start: list = field(default_factory=list)
    rss: list = field(default_factory=list)
    cli: list = field(default_factory=list)
    raw: list = field(default_factory=list)
    idle_share: list = field(default_factory=list)
    idle_span: float = 0.0
    stop: list = field(default_factory=list)
    up_failures: list = field(default_factory=list)
    down_failures: list = field(default_factory=list)


def _median(values):
    return statistics.median(values) if values else None


def add(bench, r):
    w = f"6. scale: {r.n} agents, {r.levels} levels, seeded random graph, agent-sim T=0"
    loop = _median([ms(x) for x in r.loop_start])
    loop_text = f"plain loop {loop:.0f} ms" if loop else ""
    if r.start:
        s = Stats.of([ms(x) for x in r.start])
        met = loop is not None and s.median <= WITHIN * loop
        bench.add(Row(w, "`supervisor up` -> last agent ready", s, "ms", loop_text, ratio(s.median, loop),
                      f"within {WITHIN:g}x of the plain loop", met))
    for failure in r.up_failures:
        bench.add(Row(w, f"`supervisor up` -> last agent ready: {failure}", None, "ms", loop_text, None,
                      f"within {WITHIN:g}x of the plain loop", False))
    if r.loop_start:
        bench.add(Row(w, "plain loop (all at once): start -> all healthy (bench prober)",
                      Stats.of([ms(x) for x in r.loop_start]), "ms"))
    if r.own:
        bench.add(Row(w, "supervisor's own `ready:` figure", Stats.of([ms(x) for x in r.own]), "ms"))
    if r.cpu_start:
        bench.add(Row(w, "daemon CPU during start-up", Stats.of(r.cpu_start), "s", digits=2))
        bench.add(Row(w, "daemon CPU per agent start", Stats.of([1e6 * c / r.n for c in r.cpu_start]), "us", digits=0))
    if r.rss:
        bench.add(Row(w, "daemon RSS after start-up", Stats.of(r.rss), "MiB"))
    if r.cli:
        bench.add(Row(w, "`supervisor status` (whole process)", Stats.of([ms(x) for x in r.cli]), "ms", show_p99=True))
    if r.raw:
        s = Stats.of([ms(x) for x in r.raw])
        bench.add(Row(w, "raw `status` over ZeroMQ", s, "ms", target=f"median < {RAW_TARGET_MS:g} ms",
                      met=s.median < RAW_TARGET_MS, show_p99=True, digits=2))
    if r.idle_share:
        s = Stats.of(r.idle_share)
        bench.add(Row(w, f"daemon CPU idle over {r.idle_span:.0f} s", s, "% of a core",
                      target=f"< {IDLE_TARGET_SHARE:g} %", met=s.median < IDLE_TARGET_SHARE, digits=2))
    loop_stop = _median([ms(x) for x in r.loop_stop])
    if r.stop:
        s = Stats.of([ms(x) for x in r.stop])
        bench.add(Row(w, "stop all (`supervisor down` -> daemon exited)", s, "ms",
                      f"plain loop stop {loop_stop:.0f} ms" if loop_stop else "", ratio(s.median, loop_stop),
                      f"< {STOP_TARGET_S:g} s", s.median < 1000 * STOP_TARGET_S))
    for failure in r.down_failures:
        bench.add(Row(w, f"stop all (`supervisor down`): {failure}", None, "ms",
                      f"plain loop stop {loop_stop:.0f} ms" if loop_stop else "", None, f"< {STOP_TARGET_S:g} s", False))
    if r.loop_stop:
        bench.add(Row(w, "plain loop: SIGTERM to all -> all exited", Stats.of([ms(x) for x in r.loop_stop]), "ms"))
