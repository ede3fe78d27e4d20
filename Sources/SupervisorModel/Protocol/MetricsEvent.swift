/// The body of an `agent.metrics` event, one per agent every few seconds: its state and
/// restarts; while it has a process, its pid, uptime and resource figures; its lost log lines
/// once there are any.
public struct MetricsEvent: Equatable, Sendable, Codable, JSONObjectWritable {
    public var agent: String
    public var state: AgentState
    public var restarts: Int
    public var pid: Int32?
    /// Seconds since the current process was spawned.
    public var uptime: Double?
    /// The last sample's figures (while there is a process); before the first sample only
    /// `enforcement` is known.
    public var resources: ResourceFigures?
    public var enforcement: LimitEnforcement?
    public var logLinesLost: Int?

    public init(agent: String, state: AgentState, restarts: Int, pid: Int32? = nil, uptime: Double? = nil,
                resources: ResourceFigures? = nil, enforcement: LimitEnforcement? = nil, logLinesLost: Int? = nil) {
        self.agent = agent
        self.state = state
        self.restarts = restarts
        self.pid = pid
        self.uptime = uptime
        self.resources = resources
        self.enforcement = enforcement
        self.logLinesLost = logLinesLost
    }

    enum CodingKeys: String, CodingKey {
        case agent, state, restarts, pid, uptime, resources, enforcement
        case logLinesLost = "log_lines_lost"
    }

    /// The figures are fields of the event itself, not a nested object.
    public func writeFields(to writer: inout JSONWriter) {
        writer.field("agent", agent)
        if let resources {
            resources.writeFields(to: &writer, emptyUnenforced: false)
        } else {
            writer.field("enforcement", enforcement?.rawValue)
        }
        writer.field("log_lines_lost", logLinesLost)
        writer.field("pid", pid)
        writer.field("restarts", restarts)
        writer.field("state", state.rawValue)
        writer.field("uptime", uptime)
    }
}
