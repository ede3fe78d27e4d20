import Foundation

/// What a reload changed.
public struct ReloadOutcome: Equatable, Sendable, Codable {
    public var added: [String]
    public var removed: [String]
    public var changed: [String]
    public var unchanged: Int
}

extension HostSupervisor {
    /// Applies a new, valid manifest: starts added agents (when their dependencies are ready),
    /// stops removed ones, restarts only the running agents whose spec changed.
    public mutating func reload(
        _ manifest: Manifest, now: TimeInterval
    ) -> (result: Result<ReloadOutcome, ControlError>, actions: [SupervisorAction]) {
        guard phase != .shuttingDown else {
            return (.failure(ControlError(.shuttingDown, "the supervisor of \(host) is shutting down")), [])
        }
        var actions: [SupervisorAction] = []
        let newAgents = manifest.agents(on: host)
        let newNames = Set(newAgents.map(\.name))
        let removed = order.filter { !newNames.contains($0) && !retiring.contains($0) }
        var added: [String] = []
        var changed: [String] = []
        for spec in newAgents {
            if let old = specs[spec.name], !retiring.contains(spec.name) {
                if old.withoutPosition != spec.withoutPosition { changed.append(spec.name) }
            } else {
                added.append(spec.name)
            }
        }
        // A name that is retiring and comes back is a new agent once the old process is gone;
        // until then it keeps its runtime and is restarted with the new spec.
        for name in added where retiring.contains(name) {
            retiring.remove(name)
        }

        graph = DependencyGraph(manifest: manifest, host: host)
        renumber(newAgents, kept: order.filter { !newNames.contains($0) })
        learnRemoteDependencies(from: manifest)
        starts.configure(manifest, graph: graph, specs: specs)

        for name in removed {
            retiring.insert(name)
            let state = runtimes[name]!.state
            if state.hasProcess {
                if state != .stopping { beginStop(name, reason: .requested, because: "removed from the manifest", now: now, &actions) }
            } else {
                forget(name, now: now, &actions)
            }
        }
        for name in changed + added where runtimes[name] != nil {
            runtimes[name]!.backoff = RestartBackoff(spec: specs[name]!.restart)
            switch runtimes[name]!.state {
            case .starting, .ready:
                beginStop(name, reason: .restartRequested, because: "spec changed", now: now, &actions)
            case .stopping:
                runtimes[name]!.stopReason = .restartRequested
            default:
                break
            }
        }
        startAgentsWhoseDependenciesAreReady(now: now, &actions)
        admitQueuedStarts(now: now, &actions)
        if phase == .starting { finishStartupIfSettled(now: now, &actions) }
        let outcome = ReloadOutcome(added: added, removed: removed, changed: changed,
                                    unchanged: newAgents.count - added.count - changed.count)
        return (.success(outcome), actions)
    }

    /// Numbers the agents anew (the new manifest's in its order, then those still on their
    /// way out) and rebuilds the tables and counters from their current state: O(agents).
    private mutating func renumber(_ newAgents: [AgentSpec], kept: [String]) {
        let newSpecs = Dictionary(newAgents.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = newAgents.map(\.name) + kept
        let ids = AgentIndex(names)
        let specValues = names.map { newSpecs[$0] ?? specs[$0]! }
        let runtimeValues = names.map { runtimes[$0] ?? AgentRuntime(restart: newSpecs[$0]!.restart) }
        order = names
        index = ids
        specs = AgentTable(index: ids, values: specValues)
        runtimes = AgentTable(index: ids, values: runtimeValues)
        counters = DependencyCounters(index: ids, graph: graph, specs: specs, runtimes: runtimes)
        tally = AgentStateTally()
        for (position, runtime) in runtimeValues.enumerated() { tally.add(AgentID(position), runtime.state) }
        startedConditionTargets = Self.startedConditionTargets(specValues)
        // Every step is looked at by the scan that ends the reload.
        downChanged = []
        counters.released.formUnion(0..<counters.stepCount)
    }

    /// Drops a retiring agent whose process is gone.
    mutating func forget(_ agent: String, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        let from = runtimes[agent]?.state ?? .stopped
        actions.append(.announce(AgentTransition(
            agent: agent, from: from, to: .stopped, pid: nil, reason: "removed from the manifest", at: now)))
        retiring.remove(agent)
        starts.release(agent)
        starts.dequeue(agent)
        if let id = index[agent], let runtime = runtimes[id] { tally.remove(id, runtime.state) }
        specs[agent] = nil
        runtimes[agent] = nil
        index.remove(agent)
        order.removeAll { $0 == agent }
    }
}
