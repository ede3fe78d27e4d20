import Foundation
import SupervisorModel

/// What health-port discovery needs from the reactor: the agent's processes and their
/// listening ports, and probe results turned into model events.
extension Reactor {
    /// The event for a finished probe: answered on a port discovery found, or as usual.
    func probeEvent(_ result: ProbeRunner.Result) -> SupervisorEvent {
        if let port = result.discoveredPort {
            return .healthPortDiscovered(agent: result.agent, generation: result.generation, port: port, outcome: result.outcome)
        }
        return .probed(agent: result.agent, generation: result.generation, outcome: result.outcome)
    }

    /// The TCP ports the agent's processes listen on that its probe address reaches.
    func listeningHealthPorts(of spec: AgentSpec) -> [Int] {
        let pids = processIDs(of: spec.name)
        return pids.isEmpty ? [] : ListeningPorts.ports(of: pids, reachableAt: spec.health.probeAddress)
    }

    /// Every process of the agent that is known without scanning all of /proc: its cgroup's
    /// members where it has one; else the leader, its descendants, and the members of its
    /// process group that the last resource sample found.
    func processIDs(of agent: String) -> [Int32] {
        guard let leader = model.runtimes[agent]?.pid else { return [] }
        if let limiter, let cgroup = cgroups[agent] {
            let members = limiter.processes(cgroup)
            if !members.isEmpty { return members }
        }
        var pids = ProcessSampler.descendants(of: leader)
        for pid in sampledMembers[agent] ?? [] where !pids.contains(pid) { pids.append(pid) }
        return pids
    }
}
