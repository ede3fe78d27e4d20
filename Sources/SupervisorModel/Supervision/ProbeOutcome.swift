/// The result of one health probe.
public enum ProbeOutcome: Equatable, Sendable {
    /// Healthy and ready.
    case healthy
    /// Alive but says it is not ready yet (`initializing`, `starting`) or nothing answered yet.
    case notReady(String)
    /// Answered unhealthy, answered garbage, refused, or timed out.
    case unhealthy(String)
    /// The port answered as another agent: a port clash, never healthy (counted as unhealthy).
    case wrongAgent(PortClash)

    public var isHealthy: Bool { self == .healthy }

    /// What is wrong, for status and logs; nil when healthy.
    public var problem: String? {
        switch self {
        case .healthy: nil
        case .notReady(let message), .unhealthy(let message): message
        case .wrongAgent(let clash): clash.description
        }
    }
}

/// A health port answered by another agent than the one probed (found by the name in its reply).
public struct PortClash: Equatable, Sendable, CustomStringConvertible, Encodable {
    /// The port probed.
    public var port: Int
    /// The name the reply gives.
    public var answeredAs: String
    /// The agent that was probed.
    public var expected: String

    public init(port: Int, answeredAs: String, expected: String) {
        self.port = port
        self.answeredAs = answeredAs
        self.expected = expected
    }

    /// `port 8100 answers as ServiceRegistry, not TieredResponder: a port clash`
    public var description: String {
        "port \(port) answers as \(answeredAs), not \(expected): a port clash"
    }

    enum CodingKeys: String, CodingKey {
        case agent, healthy, detail, port
        case answeredAs = "answered_as"
    }

    /// As the body of an `agent.health` event: `agent`, `healthy` (false), `detail`, `port`,
    /// `answered_as`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(expected, forKey: .agent)
        try container.encode(false, forKey: .healthy)
        try container.encode(description, forKey: .detail)
        try container.encode(port, forKey: .port)
        try container.encode(answeredAs, forKey: .answeredAs)
    }
}
