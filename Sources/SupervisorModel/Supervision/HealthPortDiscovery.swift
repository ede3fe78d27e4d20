/// An agent answers health checks on another port than its configured one: what the
/// supervisor says about it once, in supervisor.log and as an `agent.health` event.
public struct HealthPortDiscovery: Equatable, Sendable, Encodable {
    public var agent: String
    /// The port the manifest gives (`health.port`, or `port` for a `tcp` check).
    public var configuredPort: Int?
    /// The port that answered.
    public var discoveredPort: Int
    /// Whether that answer was healthy (it may also have said "initializing").
    public var healthy: Bool

    public init(agent: String, configuredPort: Int?, discoveredPort: Int, healthy: Bool) {
        self.agent = agent
        self.configuredPort = configuredPort
        self.discoveredPort = discoveredPort
        self.healthy = healthy
    }

    /// `health port 6575 configured; agent answers on 5576`
    public var detail: String {
        let configured = configuredPort.map { "health port \($0) configured" } ?? "no health port configured"
        return "\(configured); agent answers on \(discoveredPort)"
    }

    enum CodingKeys: String, CodingKey {
        case agent, healthy, detail
        case configuredPort = "configured_port"
        case discoveredPort = "discovered_port"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(agent, forKey: .agent)
        try container.encodeIfPresent(configuredPort, forKey: .configuredPort)
        try container.encode(discoveredPort, forKey: .discoveredPort)
        try container.encode(healthy, forKey: .healthy)
        try container.encode(detail, forKey: .detail)
    }
}
