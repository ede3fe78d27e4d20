import Foundation

extension HostSupervisor {
    mutating func onShutdown(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        if phase == .shuttingDown {
            // Asked twice: no more patience.
            for agent in order where runtimes[agent]!.state.hasProcess {
                actions.append(.signal(agent: agent, signal: StopSignal.sigkill.number))
            }
            return
        }
        phase = .shuttingDown
        starts.clearQueue()
        for agent in order {
            let state = runtimes[agent]!.state
            if state == .waiting || state == .backoff {
                move(agent, to: .stopped, because: "shutdown before it started", now: now, &actions)
            }
        }
    }

    /// Stops every running agent whose dependents have all stopped (dependents first; agents
    /// of one level stop in parallel), and ends with `.exit` once no process is left.
    mutating func continueShutdown(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard !exitAnnounced else { return }
        for agent in order {
            let state = runtimes[agent]!.state
            guard state == .starting || state == .ready else { continue }
            if runningDependents(of: agent).isEmpty {
                beginStop(agent, reason: .shutdown, because: "shutting down", now: now, &actions)
            }
        }
        if !order.contains(where: { runtimes[$0]!.state.hasProcess }) {
            exitAnnounced = true
            actions.append(.exit)
        }
    }

    /// Agents outside `agent`'s cycle that depend on it and still have a process.
    func runningDependents(of agent: String) -> [String] {
        guard let step = graph.stepOfAgent[agent] else { return [] }
        return order.filter { other in
            guard let otherStep = graph.stepOfAgent[other], otherStep != step else { return false }
            return graph.steps[otherStep].dependsOn.contains(step) && runtimes[other]!.state.hasProcess
        }
    }
}
