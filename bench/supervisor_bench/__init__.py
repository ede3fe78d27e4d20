"""`make bench`: the supervisor against the critical path, a plain loop, supervisord and circus.

Run as `python -m supervisor_bench` from bench/ (the Makefile does). One module per subject
(`subjects/`) and per workload (`workloads/`); a `Run` (context.py) carries the options, the
process registry, the rows and the notes; nothing lives in module globals.
"""
