import Foundation

/// `supervisor plan HOST`: levels, the critical path and predicted start-up time, from each
/// agent's `expected_ready`.
public struct StartPlan: Sendable {
    public let host: String
    public let graph: DependencyGraph
    public let expectedReady: [String: TimeInterval]
    /// Agents of other hosts that agents of this host wait for.
    public let remoteDependencies: [(agent: String, remote: [RemoteAgent])]

    public init(manifest: Manifest, host: String) {
        self.host = host
        graph = DependencyGraph(manifest: manifest, host: host)
        remoteDependencies = manifest.agents(on: host).compactMap { agent in
            let remote = manifest.remoteDependencies(of: agent)
            return remote.isEmpty ? nil : (agent.name, remote)
        }
        expectedReady = Dictionary(uniqueKeysWithValues: manifest.agents(on: host).map { ($0.name, $0.expectedReady) })
    }

    /// The critical path: steps and predicted seconds.
    public var criticalPath: (agents: [String], seconds: TimeInterval) {
        let path = graph.criticalPath { expectedReady[$0] ?? 0 }
        return (path.steps.map { graph.steps[$0].members.joined(separator: " + ") }, path.seconds)
    }

    /// Predicted time if agents started one after another (the sum of all ready times).
    public var sequentialSeconds: TimeInterval { expectedReady.values.reduce(0, +) }

    /// The human rendering printed by the CLI.
    public func rendered() -> String {
        var lines: [String] = []
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        lines.append("host \(host): \(count(graph.agents.count, "agent")) in \(count(graph.levelCount, "level"))")
        for (index, level) in graph.levels.enumerated() {
            lines.append("level \(index + 1) (\(count(level.count, "agent"))): \(level.joined(separator: ", "))")
        }
        for cycle in graph.cycles {
            lines.append("cycle (starts together): " + cycle.joined(separator: " -> "))
        }
        for (agent, remote) in remoteDependencies {
            lines.append("\(agent) also waits for " + remote.map(\.description).joined(separator: ", ")
                         + " (another host; not counted in the prediction)")
        }
        let path = criticalPath
        lines.append("critical path (\(path.agents.count) steps): " + path.agents.joined(separator: " -> "))
        lines.append(String(format: "predicted start-up: %.2f s (critical path); %.2f s if started one at a time",
                            path.seconds, sequentialSeconds))
        return lines.joined(separator: "\n")
    }
}
