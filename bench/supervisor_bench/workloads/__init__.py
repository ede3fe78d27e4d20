"""One module per workload; each has `run(bench)` and adds its rows and notes to the table."""
