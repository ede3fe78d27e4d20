import Foundation

/// Something the I/O layer must do, returned by `HostSupervisor.handle`.
public enum SupervisorAction: Equatable, Sendable {
    /// Start the agent's process; answer with `.spawned` or `.spawnFailed`.
    case spawn(agent: String)
    /// Run one health probe; answer with `.probed` carrying the same generation.
    case probe(agent: String, generation: Int)
    /// Send a signal to the agent's whole process group.
    case signal(agent: String, signal: Int32)
    /// Feed `.timerFired(key)` back after `after` seconds (replacing a timer with that key).
    case setTimer(TimerKey, after: TimeInterval)
    /// An agent changed state: log and publish it.
    case announce(AgentTransition)
    /// A run of the agent failed (crash, failed start, failed liveness, out of memory); `givingUp`
    /// when it is now `failed`; `cause` when its output (or the launcher) said why. For the error
    /// stream.
    case agentFailed(agent: String, summary: String, givingUp: Bool, cause: FailureCause?)
    /// A health check result changed the agent's health (healthy again, or first failure).
    case healthChanged(agent: String, healthy: Bool, detail: String)
    /// The agent answers health checks on another port than the configured one (said once per
    /// agent and port). For logs, status notes and the `agent.health` event.
    case healthPortDiscovered(HealthPortDiscovery)
    /// The agent's health port answered as another agent (said once until it changes or the
    /// agent becomes ready). For logs and the `agent.health` event.
    case portClash(agent: String, PortClash)
    /// A remote dependency became ready or stopped being ready (its agent changed state or its
    /// host became unreachable). Local agents keep running; `dependents` are the local agents
    /// that depend on it. For logs and events.
    case remoteDependencyChanged(RemoteAgent, ready: Bool, detail: String, dependents: [String])
    /// Another host's supervisor started or stopped answering; `waiting` are the local agents
    /// still waiting for one of its agents.
    case remoteHostChanged(host: String, reachable: Bool, waiting: [String])
    /// Start-up has ended (every agent ready, or failed, or blocked by a failure).
    case startupFinished(StartupSummary)
    /// Shutdown is complete: every process is reaped.
    case exit
}

/// One state change of one agent, for logs and events.
public struct AgentTransition: Equatable, Sendable {
    public var agent: String
    public var from: AgentState
    public var to: AgentState
    public var pid: Int32?
    /// Human explanation: "exit code 1, restarting in 2s", "ready after 2.01s", ...
    public var reason: String
    public var at: TimeInterval
    /// For a change that follows an exit or a failed start: why, in the agent's words.
    public var cause: FailureCause? = nil
}

/// The outcome of start-up, printed as `ready: N/M agents in X.XX s (critical path Y.YY s)`.
public struct StartupSummary: Equatable, Sendable {
    public var ready: Int
    public var total: Int
    /// From `.startAll` to the end of start-up.
    public var elapsed: TimeInterval
    /// The longest dependency chain, weighed with each agent's measured spawn-to-ready time.
    public var criticalPath: TimeInterval
    /// The agents on that chain, earliest first.
    public var criticalChain: [String]
    /// Agents that failed, with the supervisor's account and, when known, the cause in the
    /// agent's own words.
    public var failed: [(agent: String, reason: String, cause: FailureCause?)]
    /// Agents that never started, with the dependency that blocks them.
    public var blocked: [(agent: String, blockedBy: String)]
    /// Agents that started without some of their dependencies (not required, or
    /// `--keep-going`), with those dependencies and why.
    public var startedWithout: [(agent: String, skipped: [SkippedDependency])]
    /// Required agents among `failed` and `blocked`.
    public var requiredMissing: [String]

    public static func == (lhs: StartupSummary, rhs: StartupSummary) -> Bool {
        lhs.ready == rhs.ready && lhs.total == rhs.total && lhs.elapsed == rhs.elapsed
            && lhs.criticalPath == rhs.criticalPath && lhs.criticalChain == rhs.criticalChain
            && lhs.failed.map(\.agent) == rhs.failed.map(\.agent) && lhs.failed.map(\.reason) == rhs.failed.map(\.reason)
            && lhs.failed.map(\.cause) == rhs.failed.map(\.cause)
            && lhs.blocked.map(\.agent) == rhs.blocked.map(\.agent)
            && lhs.blocked.map(\.blockedBy) == rhs.blocked.map(\.blockedBy)
            && lhs.startedWithout.map(\.agent) == rhs.startedWithout.map(\.agent)
            && lhs.startedWithout.map(\.skipped) == rhs.startedWithout.map(\.skipped)
            && lhs.requiredMissing == rhs.requiredMissing
    }

    /// `ready: 58/58 agents in 16.31 s (critical path 16.02 s)`
    public var headline: String {
        String(format: "ready: %d/%d agents in %.2f s (critical path %.2f s)", ready, total, elapsed, criticalPath)
    }
}
