import Foundation

/// Everything agent-sim was asked to simulate, resolved from its flags and the legacy
/// environment variables (flags win). Times are seconds since start, sizes are bytes.
struct AgentSimOptions: Equatable {
    /// How the simulated agent ends on its own, if it does.
    enum Crash: Equatable {
        /// `exit(code)` after the delay.
        case exit(code: Int32)
        /// Kill itself with this signal after the delay (for example SIGKILL or SIGSEGV).
        case signal(CrashSignal)
    }

    /// `--name` / `AGENT_NAME`.
    var name = "agent-sim"
    /// `--port` / `AGENT_PORT`: the main REP port, which echoes every request.
    var port: Int?
    /// `--health-port` / `HEALTH_CHECK_PORT`: the REP port answering `health_check`.
    var healthPort: Int?
    /// `--bind` / `BIND_ADDRESS`. Loopback by default: a test agent must never listen on every
    /// interface unless someone asks for it.
    var bindAddress = "127.0.0.1"

    /// `--ready-after`: health replies say `initializing` until then.
    var readyAfter: Double = 0
    /// `--unhealthy-after`: health replies say `unhealthy` from then on.
    var unhealthyAfter: Double?
    /// `--hang-after`: health requests go unanswered from then on; the process keeps running.
    var hangAfter: Double?
    /// `--crash-after`: when `crash` happens.
    var crashAfter: Double?
    /// `--exit-code` or `--crash-signal`: what happens at `crashAfter`.
    var crash: Crash = .exit(code: 1)

    /// `--memory`: bytes allocated and touched at start, then kept.
    var memoryBytes = 0
    /// `--grow-memory`: bytes allocated and touched every second on top.
    var growMemoryBytes = 0
    /// `--cpu`: cores' worth of busy looping (1.0 = one full core, 0.5 = half of one).
    var cpuShare: Double = 0
    /// `--children`: `sleep` child processes in agent-sim's own process group.
    var children = 0

    /// `--print-every`: period of the tick line on stdout.
    var printEvery: Double?
    /// `--line-text`: the tick line; `{n}` becomes the tick number and `{name}` the agent name.
    var lineText: String?
    /// `--spam-lines`: numbered lines written at start to stdout and stderr, alternately.
    var spamLines = 0
    /// `--ignore-sigterm`: SIGTERM is logged and ignored (SIGINT still stops the agent).
    var ignoreSigterm = false

    /// The health endpoint, if a health port was given.
    var healthEndpoint: String? { healthPort.map { endpoint(port: $0) } }
    /// The main endpoint, if a main port was given.
    var mainEndpoint: String? { port.map { endpoint(port: $0) } }

    private func endpoint(port: Int) -> String {
        // An IPv6 literal needs brackets in a ZeroMQ TCP endpoint.
        let host = bindAddress.contains(":") && !bindAddress.hasPrefix("[") ? "[\(bindAddress)]" : bindAddress
        return "tcp://\(host):\(port)"
    }

    /// The `--help` text: every flag and every environment variable read.
    static let usage = """
        usage: agent-sim [options]

        A simulated agent that speaks the legacy agents' protocols, for supervisor tests.

        Identity (flags win over the environment):
          --name NAME                 agent name (env AGENT_NAME; default agent-sim)
          --port PORT                 main REP port, echoes every request (env AGENT_PORT)
          --health-port PORT          health REP port (env HEALTH_CHECK_PORT)
          --bind ADDRESS              address to bind (env BIND_ADDRESS; default 127.0.0.1)

        Behaviour over time (DURATION: 500ms, 2s, 1.5m, 1h or bare seconds):
          --ready-after DURATION      answer "initializing" until then (default 0)
          --unhealthy-after DURATION  answer "unhealthy" from then on
          --hang-after DURATION       stop answering health checks from then on, keep running
          --crash-after DURATION      end the process then (default: never)
          --exit-code N               exit code used by --crash-after (default 1)
          --crash-signal NAME         kill itself with NAME (KILL, SEGV, ABRT, ...) instead
          --ignore-sigterm            log and ignore SIGTERM (SIGINT still stops it)

        Load (SIZE: 100M, 1.5G, 512K, bare bytes; powers of 1024):
          --memory SIZE               allocate and touch SIZE at start, and keep it
          --grow-memory SIZE          allocate and touch another SIZE every second
          --cpu FRACTION              busy-loop FRACTION of a core (1.0 = one core; 2 = two)
          --children N                start N `sleep` children in the same process group

        Output (stdout is written line by line, unbuffered):
          --print-every DURATION      print a line every DURATION
          --line-text TEXT            that line ({n} = tick number, {name} = agent name);
                                      without --print-every it is printed once at start
          --spam-lines N              at start, write N numbered lines to stdout and N to
                                      stderr, alternating, as fast as possible
          -h, --help                  show this text

        Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad usage, 3 a socket could not be bound,
        4 memory or children could not be set up, N from --exit-code.
        """
}
