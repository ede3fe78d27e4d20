/// The body of an `agent.state` event: one state change of one agent. The publisher adds the
/// envelope (`seq`, `ts`, `host`, `instance`, `topic`).
public struct AgentStateEvent: Equatable, Sendable, Codable {
    public var agent: String
    public var from: AgentState
    public var to: AgentState
    /// The supervisor's account: `exit code 1; restarting in 2s`, `ready after 0.04 s`, ...
    public var reason: String
    /// The process at that moment, if there is one.
    public var pid: Int32?
    /// For a change that follows an exit or a failed start: why, in the agent's own words.
    public var cause: FailureCause?

    /// The event of a transition the model announced.
    public init(_ transition: AgentTransition) {
        agent = transition.agent
        from = transition.from
        to = transition.to
        reason = transition.reason
        pid = transition.pid
        cause = transition.cause
    }
}

/// The body of an `agent.errors` event the supervisor raises itself (`source: supervisor`):
/// a run of the agent failed. (Reports from the legacy error bus have `source: error_bus`.)
public struct AgentFailureEvent: Equatable, Sendable, Codable {
    /// Whether the supervisor will try again.
    public enum Kind: String, Sendable, Codable {
        /// It exited unasked (or failed to start or to stay healthy) and will be restarted.
        case crashed
        /// The supervisor gave up: it is now `failed`.
        case failed
    }

    public var agent: String
    public var kind: Kind
    /// The supervisor's summary of the failed run: `exit code 1`, `not ready within 30s`, ...
    public var message: String
    public var source = "supervisor"
    /// `oom` when the run ended for exceeding its memory limit.
    public var reason: String?
    /// Why, in the agent's own words, when its output (or the launcher) said.
    public var cause: FailureCause?

    public init(agent: String, summary: String, givingUp: Bool, cause: FailureCause?) {
        self.agent = agent
        kind = givingUp ? .failed : .crashed
        message = summary
        reason = summary.hasPrefix("out of memory") ? "oom" : nil
        self.cause = cause
    }
}
