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

extension AgentStateEvent: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("cause", cause)
        writer.field("from", from.rawValue)
        writer.field("pid", pid)
        writer.field("reason", reason)
        writer.field("to", to.rawValue)
    }
}

extension AgentFailureEvent: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("cause", cause)
        writer.field("kind", kind.rawValue)
        writer.field("message", message)
        writer.field("reason", reason)
        writer.field("source", source)
    }
}

/// The body of an `agent.errors` event for a report from the legacy error bus
/// (`source: error_bus`, `kind: reported`).
public struct ErrorBusEvent: Equatable, Sendable, Codable, JSONObjectWritable {
    public var agent: String
    public var kind = "reported"
    public var message: String
    public var severity: String
    public var source = "error_bus"
    public var time: String
    public var type: String

    public init(_ report: ErrorReport) {
        agent = report.agent
        message = report.message
        severity = report.severity
        time = report.time
        type = report.type
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("kind", kind)
        writer.field("message", message)
        writer.field("severity", severity)
        writer.field("source", source)
        writer.field("time", time)
        writer.field("type", type)
    }
}

/// The body of an `agent.health` event for a change of a running agent's health (`ready`,
/// `up`, the check's problem, `healthy again`). Port discoveries and clashes have their own
/// bodies (`HealthPortDiscovery`, `PortClash`).
public struct HealthEvent: Equatable, Sendable, Codable, JSONObjectWritable {
    public var agent: String
    public var detail: String
    public var healthy: Bool

    public init(agent: String, healthy: Bool, detail: String) {
        self.agent = agent
        self.healthy = healthy
        self.detail = detail
    }

    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("detail", detail)
        writer.field("healthy", healthy)
    }
}

extension HealthPortDiscovery: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("configured_port", configuredPort)
        writer.field("detail", detail)
        writer.field("discovered_port", discoveredPort)
        writer.field("healthy", healthy)
    }
}

extension PortClash: JSONObjectWritable {
    /// As the body of an `agent.health` event: `agent`, `healthy` (false), `detail`, `port`,
    /// `answered_as`.
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", expected)
        writer.field("answered_as", answeredAs)
        writer.field("detail", description)
        writer.field("healthy", false)
        writer.field("port", port)
    }
}

extension LogWriteNotice: JSONObjectWritable {
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        writer.field("error", error)
        writer.field("file", file)
        writer.field("lines_lost", linesLost)
        writer.field("message", message)
        writer.field("outage_lines_lost", outageLinesLost)
        writer.field("state", state.rawValue)
    }
}
