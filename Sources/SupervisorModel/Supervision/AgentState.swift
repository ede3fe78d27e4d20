/// Where an agent is in its life. Strings only on the wire (`rawValue`).
public enum AgentState: String, Sendable, Codable, CaseIterable {
    /// Not started: waiting for its dependencies to be ready.
    case waiting
    /// Process running, not ready yet.
    case starting
    /// Process running and healthy.
    case ready
    /// Stop signal sent, waiting for the process to exit.
    case stopping
    /// Exited; a restart is scheduled.
    case backoff
    /// Stopped on purpose (shutdown or request); will not restart by itself.
    case stopped
    /// Exited and its restart policy says not to restart (e.g. exit 0 under `on-failure`).
    case exited
    /// Gave up: crash loop, or a failure under policy `never`.
    case failed

    /// A process exists for the agent in this state.
    public var hasProcess: Bool { self == .starting || self == .ready || self == .stopping }

    /// The agent will not come back without an outside request.
    public var isSettledDown: Bool { self == .stopped || self == .exited || self == .failed }
}

/// Why an agent's process was or is being stopped.
public enum StopReason: String, Sendable, Codable {
    /// The supervisor is shutting down.
    case shutdown
    /// Not ready within `start_period`.
    case startTimeout = "start_timeout"
    /// `retries` failed liveness checks in a row.
    case livenessFailed = "liveness_failed"
    /// Asked to stop (control command).
    case requested
    /// Asked to restart (control command).
    case restartRequested = "restart_requested"
    /// Above its memory limit (watchdog enforcement).
    case memoryLimit = "memory_limit"
}
