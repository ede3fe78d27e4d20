import Foundation

/// A loaded `agents.yaml`: every agent with defaults applied, in file order.
public struct Manifest: Equatable, Sendable {
    /// The file it was read from (as given, for messages).
    public var file: String
    /// Every agent, in the order of the file.
    public var agents: [AgentSpec]
    /// Line numbers of keys, per agent and dotted key path, for validation messages.
    public var positions: [String: [String: Int]]
    /// Where the supervisor answers the legacy service-registry protocol.
    public var registry: ServiceEndpoint?
    /// Where the supervisor collects the legacy error bus (`ERROR:{json}` frames).
    public var errorBus: ServiceEndpoint?
    /// `max_concurrent_starts`: at most this many agents of a host start at once (see
    /// `StartGate`); nil: the machine's default.
    public var maxConcurrentStarts: Int?
    /// `start_settle`: the longest one start holds its slot; nil: 0.5 s.
    public var startSettle: TimeInterval?

    public init(file: String, agents: [AgentSpec], positions: [String: [String: Int]] = [:]) {
        self.file = file
        self.agents = agents
        self.positions = positions
    }

    /// The agent with this name.
    public subscript(name: String) -> AgentSpec? {
        agents.first { $0.name == name }
    }

    /// The agents of one host, in file order.
    public func agents(on host: String) -> [AgentSpec] {
        agents.filter { $0.host == host }
    }

    /// Every host some agent names, in first-seen order.
    public var hostNames: [String] {
        var seen: [String] = []
        for agent in agents where !seen.contains(agent.host) { seen.append(agent.host) }
        return seen
    }

    /// Line of a key of an agent, falling back to the agent's own line.
    public func line(of agent: String, key: String? = nil) -> Int? {
        if let key, let line = positions[agent]?[key] { return line }
        return self[agent]?.line
    }
}

/// A legacy endpoint (registry, error bus): served by the supervisor of `host` itself, or, for
/// the registry, by one of the agents (`registry: {agent: Name}`): then `host` and `port` are
/// that agent's, and the supervisor binds nothing.
public struct ServiceEndpoint: Equatable, Sendable {
    public var host: String
    public var port: Int
    public var line: Int?
    /// The agent that serves the endpoint; nil when the supervisor of `host` does.
    public var agent: String?

    public init(host: String, port: Int, line: Int? = nil, agent: String? = nil) {
        self.host = host
        self.port = port
        self.line = line
        self.agent = agent
    }

    /// True when the supervisor of `host` binds the endpoint.
    public var isServedBySupervisor: Bool { agent == nil }
}
