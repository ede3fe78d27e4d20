/// An agent of another host that an agent of this host depends on, written `host/name`
/// (`pc2/MemoryOrchestratorService`).
public struct RemoteAgent: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var host: String
    public var name: String

    public init(host: String, name: String) {
        self.host = host
        self.name = name
    }

    public var description: String { "\(host)/\(name)" }

    public static func < (lhs: RemoteAgent, rhs: RemoteAgent) -> Bool { lhs.description < rhs.description }
}

/// Whether this host's supervisor can hear another host's supervisor.
public enum RemoteHostState: String, Sendable, Codable {
    /// Not heard from yet.
    case unknown
    /// Its status requests are answered.
    case reachable
    /// It stopped answering (network cut, supervisor down): what it last said is not trusted.
    case unreachable
}

extension Manifest {
    /// The dependencies of `agent` that run on another host.
    public func remoteDependencies(of agent: AgentSpec) -> [RemoteAgent] {
        agent.dependsOn.compactMap { name in
            guard let other = self[name], other.host != agent.host else { return nil }
            return RemoteAgent(host: other.host, name: name)
        }
    }

    /// Every agent of other hosts that some agent of `host` depends on, grouped by host.
    public func remoteAgentsNeeded(by host: String) -> [String: [RemoteAgent]] {
        var result: [String: [RemoteAgent]] = [:]
        for agent in agents(on: host) {
            for remote in remoteDependencies(of: agent) where result[remote.host]?.contains(remote) != true {
                result[remote.host, default: []].append(remote)
            }
        }
        return result.mapValues { $0.sorted() }
    }
}
