"""The standing notes under the table: how each figure is measured."""


def standing_notes(ephemeral_low):
    return [
        "Ports: every agent port is kept below the kernel's ephemeral range "
        f"({ephemeral_low}+). With ports inside it (e.g. PORT_OFFSET=30000), a health prober that "
        "reconnects every few ms to an agent that is not listening yet can be handed the agent's own "
        "port as its source port and connect to itself (TCP simultaneous open); the agent then fails "
        "with 'Address already in use'. The bench hit this with its own prober at PORT_OFFSET=20000 "
        "(seen in `ss`: 127.0.0.1:47002 connected to itself); a trial `supervisor up pc2` at "
        "PORT_OFFSET=30000 also lost two agents to 'Address already in use' on ports in that range "
        "(cause not confirmed there).",
        "Levels, commands, environment and ports come from `supervisor plan HOST --json`: the bench "
        "expands nothing of agents.yaml itself, so supervisord, circus and the loops run exactly what "
        "the supervisor would start (the legacy variables included).",
        "Ratios are measured median / reference median. The reference of workload 1 is the critical "
        "path from `supervisor plan --json` (T times the number of dependency levels on the longest chain; "
        "the TTSService cycle counts as one level) plus one agent-sim cold start per level (spawn to "
        "first healthy reply, measured in the same run): the physical limit for an order-respecting start. "
        "'overhead per level' is (measured - reference) / levels.",
        "Workload 1 runs the real agents.yaml unchanged, both hosts' supervisors started at once on "
        "this machine (as `make up` on each host), with SIM_READY and a PORT_OFFSET that keeps every "
        "agent port below the ephemeral port range (see the port note). Workloads 2-5 run the same 84 agents on one host "
        "(one daemon each: `supervisor`, supervisord, circusd), written from agents.yaml with the "
        "same commands, environment, AGENT_NAME/AGENT_PORT/HEALTH_CHECK_PORT; supervisord and circus "
        "get a start priority by dependency level but start everything at once.",
        "'healthy' is measured the same way for every host: the bench's own prober sends the legacy "
        "`{\"action\": \"health_check\"}` to each agent's health port (DEALER, every 10 ms, reconnect "
        "2 ms) and takes the first `status: ok` reply. supervisord and circus have no health checks.",
        "Workload 2's Python agent (bench/py_agent.py) imports zmq, binds the health and main REP "
        "sockets and is ready at once (T = 0): the time is the interpreter's start-up, in dependency "
        "order for `supervisor`, all at once for the others.",
        "Workload 3: RSS and fds are samples taken every second or so of the idle window (after all "
        "agents are healthy); CPU time is utime+stime of the daemon process over the window, one "
        "figure per run. Our supervisor probes every agent's health every 5 s and samples metrics "
        "every 5 s meanwhile; supervisord and circus do neither. RssAnon is the part of the RSS "
        "that is the daemon's own memory (heap, stacks, written data); the rest are file pages of "
        "its binary and libraries, shared with every process that maps them and reclaimable: for "
        "our static binary, the code it runs is spread over most of its 17 MiB of text, and the "
        "kernel maps 64 KiB around each page touched (fault-around).",
        "Workload 4: each kill is of a different agent, so each is that agent's first restart (ours "
        "restarts at once the first time, then backs off). 'new pid' is seen by polling the daemon's "
        "/proc/<pid>/task/*/children every 0.2 ms; 'health ok' by the prober. supervisord and circus "
        "run with their defaults (circus reaps on its check_delay timer).",
        "Workload 5: the whole-process rows include process start-up of the client (Swift binary for "
        "`supervisor status`; Python for supervisorctl and circusctl). Raw rows time one request "
        "until its reply's bytes are in, on an already-connected socket; each reply is then parsed "
        "and checked outside the timing (Python's json.loads takes about 0.23 ms for our 84-agent "
        "reply of 38 KB and 2.7 ms for the 1000-agent one of 400 KB, more than the daemon spends on "
        "either). XML-RPC opens a new HTTP connection per call, as supervisorctl does, and its row "
        "includes xmlrpc.client's parse.",
        "Workload 6: `supervisor up` is timed to the last `-> ready` line of supervisor.log (its own "
        "probes) with max_concurrent_starts 64, as docs/manifest.md advises for agents that are cheap to "
        "start (agent-sims: about 11 ms of CPU each; under the default of twice the cores, 4 here, the "
        "same 1000 took 7.9 s against 4.3 s with 16 in a trial run, the slots' turnaround then being the "
        "limit); the plain loop (Python, one posix_spawn per "
        "agent, with the plan's command and environment, no order) to the bench prober's last healthy reply, "
        "run just before in the same iteration. Stop: `supervisor down` to the daemon's exit (every "
        "agent stopped) against the loop's SIGTERM to every agent and wait for every exit. Daemon CPU is "
        "utime+stime from exec to the `ready:` line; idle CPU is over a window after start-up (first run).",
        "Workload 7: /bin/sleep agents, no legacy environment (an endpoint map of 10 000 agents would "
        "exceed the kernel's 128 KiB limit for one environment string), max_concurrent_starts 64, "
        "health `none` (ready after start_period 10 ms) or `exec` (/bin/true). Each of up and down has a "
        "time budget; when it runs out the row is MISSED with how far it got, and everything is killed. "
        "The plain loop (posix_spawn of every agent, then SIGTERM to all) is the reference. "
        "The machine's pids, open-file limit (4 per agent in the daemon; raised for the bench and its "
        "children where allowed) and memory are checked first; when 10 000 agents do not fit, the note "
        "says why and the largest whole thousand that fits runs instead (no 20 s target then; the CPU "
        "per agent start keeps its target).",
        "Model micro-benchmark (M): `.build/release/model-bench --agents N --shape flat|chain|levels --json` "
        "drives the pure model with fake events (no processes) and reports its CPU seconds for start-up "
        "and shutdown, with the events and actions it handled.",
    ]
