import Foundation

/// Everything the supervisor needs to run one agent, with every default applied.
public struct AgentSpec: Equatable, Sendable {
    /// Unique name; also used in file paths, so it may not contain `/` or `..`.
    public var name: String
    /// The host (a name from the `hosts` file) this agent runs on.
    public var host: String
    /// Free-form group, used by `group:<g>` selections and status.
    public var group: String?
    /// argv; the first element is resolved through PATH. No shell is involved.
    public var command: [String]
    /// Working directory, relative paths taken from the manifest's folder.
    public var cwd: String?
    /// Extra environment for the agent.
    public var environment: [String: String]
    /// The agent's main port, if it has one (checked for clashes, injected as AGENT_PORT).
    public var port: Int?
    public var health: HealthCheckSpec
    /// The agents this one waits for before it starts, on this host or another, each with its
    /// condition (`ready` or `started`) and whether it is required, in the order written.
    public var dependencies: [DependencySpec]
    /// The names of `dependencies`, in order.
    public var dependsOn: [String] { dependencies.map(\.name) }
    /// A required agent that is not ready when start-up ends is called out in the start-up
    /// summary (`required agents not ready: ...`). It changes nothing else: whether dependents
    /// wait for an agent is said by each dependency's own `required` (`DependencySpec`).
    public var required: Bool
    public var restart: RestartSpec
    public var stop: StopSpec
    public var limits: ResourceLimits
    public var logs: LogRotation
    /// How long the agent usually takes to become ready; used by `plan` for predictions.
    public var expectedReady: TimeInterval
    /// Give the agent the environment the legacy agents read (addresses, ports, registry,
    /// error bus, dependencies); see docs/manifest.md.
    public var legacyEnvironment: Bool
    /// Line of the agent's entry in the manifest.
    public var line: Int?

    public init(name: String, host: String, command: [String]) {
        self.name = name
        self.host = host
        self.group = nil
        self.command = command
        self.cwd = nil
        self.environment = [:]
        self.port = nil
        self.health = HealthCheckSpec()
        self.dependencies = []
        self.required = false
        self.restart = RestartSpec()
        self.stop = StopSpec()
        self.limits = ResourceLimits()
        self.logs = LogRotation()
        self.expectedReady = 1
        self.legacyEnvironment = true
        self.line = nil
    }

    /// The spec without its source position, for "did this agent change?" comparisons.
    public var withoutPosition: AgentSpec {
        var copy = self
        copy.line = nil
        return copy
    }

    /// The port a `zmq` or `tcp` health check probes (a `tcp` check defaults to `port`).
    public var healthProbePort: Int? {
        switch health.kind {
        case .zmq: health.port
        case .tcp: health.port ?? port
        case .exec, .none: nil
        }
    }
}

/// How readiness and liveness are checked.
public struct HealthCheckSpec: Equatable, Sendable {
    /// The kinds of check.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        /// The legacy ZeroMQ REQ/REP `{"action": "health_check"}` protocol.
        case zmq
        /// A TCP connect succeeds.
        case tcp
        /// A command exits 0.
        case exec
        /// No check: ready once the process stayed up for `start_period`.
        case none
    }

    public var kind: Kind = .none
    /// Port to probe (zmq, tcp).
    public var port: Int?
    /// Address to probe, when set in the manifest. Unset: the address of the agent's host in
    /// `hosts` when it gets the legacy environment (it binds BIND_ADDRESS there), else loopback.
    public var address: String?

    /// Where the probe connects.
    public var probeAddress: String { address ?? "127.0.0.1" }
    /// argv for `exec` checks.
    public var command: [String] = []
    /// zmq replies whose `status` means healthy (compared case-insensitively).
    public var healthyStatus: [String] = ["ok", "healthy", "success", "online"]
    /// zmq replies whose `status` means "not ready yet".
    public var notReadyStatus: [String] = ["initializing", "starting"]
    /// Time between liveness checks once ready.
    public var interval: TimeInterval = 5
    /// How long one check may take.
    public var timeout: TimeInterval = 2
    /// Failed liveness checks in a row before a restart.
    public var retries: Int = 3
    /// When the probed port does not answer (or answers as another agent), look for the
    /// agent's health socket among the TCP ports its processes listen on (`zmq` and `tcp`).
    public var discover = false
    /// How long the agent has to become ready (for `none`: how long it must stay up).
    /// Unset: 30 s for checks, 1 s for `none`.
    public var startPeriod: TimeInterval?

    /// The start period in force.
    public var effectiveStartPeriod: TimeInterval {
        startPeriod ?? (kind == .none ? 1 : 30)
    }

    public init() {}
}

/// When and how fast to restart.
public struct RestartSpec: Equatable, Sendable {
    /// Which exits lead to a restart.
    public enum Policy: String, Sendable, CaseIterable, Codable {
        case onFailure = "on-failure"
        case always
        case never
    }

    public var policy: Policy = .onFailure
    public var backoff = BackoffSpec()
    /// More restarts than this within `window` mark the agent `failed`.
    public var maxRestarts: Int = 5
    public var window: TimeInterval = 60
    /// After being ready this long, the backoff starts over from the first step.
    public var resetAfter: TimeInterval = 30

    public init() {}
}

/// Backoff between restarts: the first restart is immediate, then `initial`, `initial*factor`,
/// ... up to `max`.
public struct BackoffSpec: Equatable, Sendable {
    public var initial: TimeInterval = 1
    public var factor: Double = 2
    public var max: TimeInterval = 30

    public init() {}
}

/// How an agent is stopped: `signal` to its process group, SIGKILL after `timeout`.
public struct StopSpec: Equatable, Sendable {
    public var signal: StopSignal = .sigterm
    public var timeout: TimeInterval = 10

    public init() {}
}

/// Resource limits (parsed and validated now; enforced by the limits issue).
public struct ResourceLimits: Equatable, Sendable {
    /// Hard memory limit in bytes.
    public var memory: UInt64?
    /// Soft memory limit (cgroup v2 `memory.high`) in bytes.
    public var memoryHigh: UInt64?
    /// CPU in cores (0.8 = 80 % of one core).
    public var cpu: Double?
    /// Maximum number of processes and threads.
    public var pids: Int?

    public init() {}

    public var isEmpty: Bool { memory == nil && memoryHigh == nil && cpu == nil && pids == nil }
}

/// Size-based rotation of an agent's log file.
public struct LogRotation: Equatable, Sendable {
    public var maxSize: UInt64 = 10 << 20
    /// Rotated files kept besides the live one.
    public var maxFiles: Int = 5

    public init() {}
}

/// The signals a manifest may name for stopping an agent (Linux numbers).
public enum StopSignal: String, Sendable, CaseIterable, Codable {
    case sighup = "SIGHUP"
    case sigint = "SIGINT"
    case sigquit = "SIGQUIT"
    case sigkill = "SIGKILL"
    case sigusr1 = "SIGUSR1"
    case sigusr2 = "SIGUSR2"
    case sigterm = "SIGTERM"

    /// The Linux signal number.
    public var number: Int32 {
        switch self {
        case .sighup: 1
        case .sigint: 2
        case .sigquit: 3
        case .sigkill: 9
        case .sigusr1: 10
        case .sigusr2: 12
        case .sigterm: 15
        }
    }

    /// Accepts `SIGTERM`, `TERM`, `term`, or a number.
    public init?(manifestValue: String) {
        let upper = manifestValue.uppercased()
        let name = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        if let known = StopSignal(rawValue: name) {
            self = known
        } else if let number = Int32(manifestValue), let known = StopSignal.allCases.first(where: { $0.number == number }) {
            self = known
        } else {
            return nil
        }
    }
}
