"""The rows of workloads 3-5: ours against the issue's targets, supervisord as the reference."""

import statistics
from dataclasses import dataclass

from ..rows import Row, Stats, ms, ratio

RSS_TARGET_BYTES = 15e6        # daemon RSS under 15 MB
RESPAWN_TARGET_MS = 3.0        # kill -9 to new pid
STATUS_CLI_TARGET_MS = 8.0     # `supervisor status`, whole process
RAW_MEDIAN_TARGET_MS = 0.2     # raw `status` median
RAW_P99_TARGET_MS = 0.5        # raw `status` p99


@dataclass
class Result:
    label: str
    agents: int
    rss: list
    anon: list
    fds: list
    cpu: float
    span: float
    cli: list
    raw: list
    to_pid: list
    to_healthy: list


def add(bench, results, idle, kills):
    ours, sd = results["supervisor"], results.get("supervisord")
    ordered = [results[k] for k in ("supervisor", "supervisord", "circus") if k in results]
    w3 = f"3. footprint, {ours.agents} agents, {idle:.0f} s idle"
    for r in ordered:
        s = Stats.of(r.rss)
        if r is ours:
            ref = Stats.of(sd.rss).median if sd else None
            bench.add(Row(w3, f"{r.label}: daemon RSS (samples over the window)", s, "MiB",
                          f"supervisord {ref:.1f} MiB" if ref else "", ratio(s.median, ref),
                          "< 15 MB", s.median * 2**20 < RSS_TARGET_BYTES))
        else:
            bench.add(Row(w3, f"{r.label}: daemon RSS (samples over the window)", s, "MiB"))
    for r in ordered:
        s = Stats.of(r.anon)
        bench.add(Row(w3, f"{r.label}: daemon anonymous memory (RssAnon, part of the RSS above)", s, "MiB"))
    for r in ordered:
        v = r.cpu * 1000
        share = f"{100 * r.cpu / r.span:.2f} % of a core"
        subject = f"{r.label}: daemon CPU time over {r.span:.0f} s idle"
        if r is ours and sd:
            ref = sd.cpu * 1000
            bench.add(Row(w3, subject, Stats.single(v), "ms", f"supervisord {ref:.0f} ms; ours = {share}",
                          ratio(v, ref), "below supervisord", v < ref))
        else:
            bench.add(Row(w3, subject, Stats.single(v), "ms", f"= {share}"))
    for r in ordered:
        bench.add(Row(w3, f"{r.label}: daemon open fds", Stats.of(r.fds), "fds", digits=0))
    w4 = f"4. restart after kill -9 ({kills} distinct random agents, first restart each)"
    ref_pid = sd and sd.to_pid and ms(statistics.median(sd.to_pid))
    for r in ordered:
        if r.to_pid:
            s = Stats.of([ms(x) for x in r.to_pid])
            mine = r is ours
            bench.add(Row(w4, f"{r.label}: kill -> new pid", s, "ms", "supervisord" if mine else "",
                          ratio(s.median, ref_pid) if mine else None, f"median < {RESPAWN_TARGET_MS:g} ms" if mine else "",
                          (s.median < RESPAWN_TARGET_MS) if mine else None, show_p99=True))
    ref_ok = sd and sd.to_healthy and ms(statistics.median(sd.to_healthy))
    for r in ordered:
        if r.to_healthy:
            s = Stats.of([ms(x) for x in r.to_healthy])
            mine = r is ours
            bench.add(Row(w4, f"{r.label}: kill -> answers health ok", s, "ms", "supervisord" if mine else "",
                          ratio(s.median, ref_ok) if mine else None, show_p99=True))
    status_rows(bench, results, ours, sd)


def status_rows(bench, results, ours, sd):
    w5 = f"5. status latency, {ours.agents} agents"
    names = {"supervisor": ("`supervisor status` (whole process)", "raw `status` over ZeroMQ (DEALER)"),
             "supervisord": ("`supervisorctl status`", "XML-RPC getAllProcessInfo"),
             "circus": ("`circusctl status`", "ZeroMQ `status` (DEALER)")}
    for kind, r in results.items():
        s = Stats.of([ms(x) for x in r.cli])
        if r is ours:
            ref = Stats.of([ms(x) for x in sd.cli]).median if sd else None
            bench.add(Row(w5, names[kind][0], s, "ms", f"supervisorctl {ref:.0f} ms" if ref else "", ratio(s.median, ref),
                          f"< {STATUS_CLI_TARGET_MS:g} ms", s.median < STATUS_CLI_TARGET_MS, show_p99=True))
        else:
            bench.add(Row(w5, names[kind][0], s, "ms", show_p99=True))
    circus = results.get("circus")
    for kind, r in results.items():
        s = Stats.of([ms(x) for x in r.raw])
        if r is ours:
            cs = Stats.of([ms(x) for x in circus.raw]) if circus else None
            bench.add(Row(w5, names[kind][1], s, "ms",
                          f"circus median {cs.median:.2f}, p99 {cs.p99:.2f}" if cs else "",
                          ratio(s.median, cs.median if cs else None),
                          f"median < {RAW_MEDIAN_TARGET_MS:g} ms, p99 < {RAW_P99_TARGET_MS:g} ms",
                          s.median < RAW_MEDIAN_TARGET_MS and s.p99 < RAW_P99_TARGET_MS, show_p99=True, digits=2))
        else:
            bench.add(Row(w5, names[kind][1], s, "ms", show_p99=True, digits=2))
