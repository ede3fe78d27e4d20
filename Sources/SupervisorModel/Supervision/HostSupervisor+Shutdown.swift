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
        downChanged = []
        counters.released = []
        counters.collectsStops = true
        for agent in order {
            let state = runtimes[agent]!.state
            if state == .waiting || state == .backoff {
                move(agent, to: .stopped, because: "shutdown before it started", now: now, &actions)
            }
        }
        // The one look at every agent: from here on, a step is looked at when its last running
        // dependent is gone (`DependencyCounters.emptied`).
        for agent in order {
            let state = runtimes[agent]!.state
            if state == .starting || state == .ready, let id = index[agent] { stopCandidates.insert(id) }
        }
    }

    /// Stops every running agent whose dependents have all stopped (dependents first; agents
    /// of one level stop in parallel), and ends with `.exit` once no process is left. Looks
    /// only at the agents of steps whose running dependents reached 0 since the last call, and
    /// at agents that began running again.
    mutating func continueShutdown(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard !exitAnnounced else { return }
        var candidates = stopCandidates
        stopCandidates = []
        for step in counters.emptied { candidates.formUnion(counters.members[step]) }
        counters.emptied = []
        for id in candidates.sorted() {
            guard let runtime = runtimes[id], runtime.state == .starting || runtime.state == .ready else { continue }
            if let step = counters.step(of: id), counters.runningDependents[step] > 0 { continue }
            beginStop(index.name(of: id), reason: .shutdown, because: "shutting down", now: now, &actions)
        }
        if tally.withProcess == 0 {
            exitAnnounced = true
            actions.append(.exit)
        }
    }
}
