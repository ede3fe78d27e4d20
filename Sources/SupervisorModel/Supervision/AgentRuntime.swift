import Foundation

/// What the supervisor knows about one running (or not running) agent. A value owned by
/// `HostSupervisor`; the I/O layer only reads it.
public struct AgentRuntime: Equatable, Sendable {
    public var state: AgentState = .waiting
    /// Incremented at every spawn; probe results and timers of an older generation are stale.
    public var generation = 0
    public var pid: Int32?
    /// When the current (or last) process was spawned.
    public var startedAt: TimeInterval?
    /// When the current process became ready.
    public var readyAt: TimeInterval?
    /// Spawn-to-ready time of the last start that became ready.
    public var lastReadyDuration: TimeInterval?
    /// Restarts made so far (all time).
    public var restarts = 0
    public var backoff: RestartBackoff
    /// How the last process ended, and why.
    public var lastExit: ExitRecord?
    /// Failed liveness checks in a row.
    public var probeFailures = 0
    /// The last probe's message when it was not healthy.
    public var lastProbeProblem: String?
    /// Why the current stop was started.
    public var stopReason: StopReason?
    /// When a scheduled restart is due (state `backoff`).
    public var restartDueAt: TimeInterval?
    /// Why the agent is `failed`.
    public var failureReason: String?
    /// The health port the current process answers on, found by discovery (nil: the
    /// configured one). Cleared at every spawn, so a new process is probed as configured first.
    public var discoveredHealthPort: Int?
    /// The discovered port last announced (kept across restarts, so it is said once).
    public var announcedHealthPort: Int?
    /// The port clash last announced (cleared when the agent becomes ready).
    public var announcedClash: PortClash?
    /// The reason of its last state change (`exited 0 after being ready 12 s; ...`).
    public var stateReason: String?
    /// A start period ran out before it became ready (since it was last ready, or asked to
    /// start): dependents that do not require it no longer wait for it.
    public var startPeriodMissed = false
    /// The dependencies it was last started without (from `waiting`), with why.
    public var startedWithout: [SkippedDependency] = []

    public init(restart: RestartSpec) {
        backoff = RestartBackoff(spec: restart)
    }
}

/// How and why a process ended.
public struct ExitRecord: Equatable, Sendable, CustomStringConvertible {
    /// nil when the process never started (spawn failure).
    public var status: ExitStatus?
    /// What led to it: `crashed`, `start_timeout`, `liveness_failed`, `spawn_failed`, `stopped`, ...
    public var reason: String
    /// Extra detail (spawn errno, probe message).
    public var detail: String?
    public var at: TimeInterval
    /// Why it ended in the agent's own words (its last output lines, or the launcher's reason);
    /// nil for an exit that was asked for.
    public var cause: FailureCause? = nil

    public var description: String {
        var text = status?.description ?? "did not start"
        text += " (\(reason))"
        if let detail { text += ": \(detail)" }
        return text
    }
}
