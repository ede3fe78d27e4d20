import Foundation

/// Dependencies on agents of other hosts. This host's supervisor learns their state from the
/// other supervisors (events, reconciled by status requests) and only waits for them: a remote
/// dependency that goes down later stops nothing here (ZeroMQ reconnects once it is back).
extension HostSupervisor {
    /// Reads the remote dependencies of this host's agents from the manifest (at start and at
    /// reload). Beliefs about agents still depended on are kept.
    mutating func learnRemoteDependencies(from manifest: Manifest) {
        remoteDependencies = [:]
        remoteDependents = [:]
        // One look-up table for the whole manifest (`manifest[name]` is a scan).
        var byName: [String: AgentSpec] = [:]
        for agent in manifest.agents where byName[agent.name] == nil { byName[agent.name] = agent }
        for agent in manifest.agents where agent.host == host {
            var remote: [RemoteAgent] = []
            for name in agent.dependsOn {
                guard let other = byName[name], other.host != agent.host else { continue }
                remote.append(RemoteAgent(host: other.host, name: name))
            }
            guard !remote.isEmpty else { continue }
            remoteDependencies[agent.name] = remote
            for dependency in remote where remoteDependents[dependency]?.last != agent.name {
                remoteDependents[dependency, default: []].append(agent.name)
            }
        }
        let needed = Set(remoteDependencies.values.joined())
        remoteStates = remoteStates.filter { needed.contains($0.key) }
        remoteStartPeriods = Dictionary(needed.compactMap { remote in
            byName[remote.name].map { (remote, $0.health.effectiveStartPeriod) }
        }, uniquingKeysWith: { first, _ in first })
        remoteWaitingSince = remoteWaitingSince.filter { needed.contains($0.key) }
        remoteOverdue = remoteOverdue.filter { needed.contains($0) }
        let hosts = Set(needed.map(\.host))
        remoteHosts = remoteHosts.filter { hosts.contains($0.key) }
        for remoteHost in hosts where remoteHosts[remoteHost] == nil { remoteHosts[remoteHost] = .unknown }
    }

    /// Every remote agent some local agent depends on.
    public var remoteAgentsNeeded: [RemoteAgent] {
        Set(remoteDependencies.values.joined()).sorted()
    }

    /// True when the remote agent's host answers and reported it ready.
    public func isReady(_ remote: RemoteAgent) -> Bool {
        remoteHosts[remote.host] == .reachable && remoteStates[remote] == .ready
    }

    /// Remote dependencies of the agent's start step (for a cycle, of every member) that are not
    /// ready.
    func remoteBlockers(of agent: String) -> [RemoteAgent] {
        guard let step = graph.stepOfAgent[agent] else { return [] }
        var result: [RemoteAgent] = []
        for member in graph.steps[step].members {
            for remote in remoteDependencies[member] ?? [] where !isReady(remote) && !result.contains(remote) {
                result.append(remote)
            }
        }
        return result
    }

    /// While start-up goes on only because agents wait for agents of other hosts, directly or
    /// through other waiting agents (those hosts may start after this one, as `up --all` does):
    /// those remote agents, as `host/name`. Nil while anything else is still pending.
    public var remoteAgentsAwaited: [String]? {
        guard phase == .starting, tally.count(.starting) == 0, tally.count(.stopping) == 0 else { return nil }
        var waiting: [String: [String]] = [:]
        var cache: DownCache = [:]
        for agent in order {
            switch runtimes[agent]?.state {
            case .starting?, .stopping?: return nil
            case .waiting?: waiting[agent] = blockers(of: agent, cache: &cache)
            default: break
            }
        }
        // Agents known to wait only on other hosts, grown until nothing changes.
        var remoteOnly: Set<String> = []
        var grew = true
        while grew {
            grew = false
            for (agent, blockers) in waiting where !remoteOnly.contains(agent) && !blockers.isEmpty
                && blockers.allSatisfy({ $0.contains("/") || remoteOnly.contains($0) }) {
                remoteOnly.insert(agent)
                grew = true
            }
        }
        guard !waiting.isEmpty, remoteOnly.count == waiting.count else { return nil }
        return Set(waiting.values.joined().filter { $0.contains("/") }).sorted()
    }

    /// How a remote dependency looks from here: `ready`, `starting`, `host unreachable`, ...
    public func remoteDescription(_ remote: RemoteAgent) -> String {
        switch remoteHosts[remote.host] ?? .unknown {
        case .unreachable: return "host unreachable"
        case .unknown: return "host not heard from yet"
        case .reachable: return remoteStates[remote]?.rawValue ?? "unknown to its host"
        }
    }

    /// Local agents depending on `remote`, in manifest order.
    func localDependents(of remote: RemoteAgent) -> [String] {
        remoteDependents[remote] ?? []
    }

    /// Releases the start steps of the local agents depending on `remote` for the next scan.
    mutating func releaseDependents(of remote: RemoteAgent) {
        for agent in localDependents(of: remote) {
            if let id = index[agent], let step = counters.step(of: id) { counters.released.insert(step) }
        }
    }

    mutating func onRemoteAgentChanged(
        _ remote: RemoteAgent, state: AgentState?, now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        guard remoteHosts[remote.host] != nil, !localDependents(of: remote).isEmpty else { return }
        let wasReady = isReady(remote)
        let before = remoteStates[remote]
        remoteStates[remote] = state
        let ready = isReady(remote)
        if ready {
            remoteWaitingSince[remote] = nil
            remoteOverdue.remove(remote)
        }
        // Started (for `condition: started`), failed (for dependents that do not require it):
        // any change may let a waiting agent start.
        if state != before {
            dependentsMayStart = true
            releaseDependents(of: remote)
        }
        guard ready != wasReady else { return }
        reportRemoteChange(remote, ready: ready, detail: remoteDescription(remote), &actions)
    }

    /// Starts the wait of each remote dependency among `dependencies` that is not required and
    /// holds its dependent back: after its start period it no longer does.
    mutating func awaitOptionalRemotes(
        _ dependencies: [StepDependency], now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        for dependency in dependencies where dependency.verdict == .pending {
            guard let remote = dependency.remote, remoteWaitingSince[remote] == nil, !remoteOverdue.contains(remote),
                  specs[dependency.member]?.dependency(on: remote.name)?.required == false else { continue }
            remoteWaitingSince[remote] = now
            let period = remoteStartPeriods[remote] ?? HealthCheckSpec().effectiveStartPeriod
            actions.append(.setTimer(TimerKey(agent: remote.description, kind: .remoteStartPeriod, generation: 0), after: period))
        }
    }

    /// The start period of waiting for a remote dependency ran out.
    mutating func onRemoteStartPeriodPassed(_ key: TimerKey) {
        guard let remote = remoteWaitingSince.keys.first(where: { $0.description == key.agent }) else { return }
        remoteWaitingSince[remote] = nil
        guard !isReady(remote) else { return }
        remoteOverdue.insert(remote)
        dependentsMayStart = true
        releaseDependents(of: remote)
    }

    mutating func onRemoteHostChanged(
        _ remoteHost: String, reachable: Bool, now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        guard let before = remoteHosts[remoteHost] else { return }
        let after: RemoteHostState = reachable ? .reachable : .unreachable
        guard before != after else { return }
        let affected = remoteAgentsNeeded.filter { $0.host == remoteHost }
        let readyBefore = Set(affected.filter(isReady))
        remoteHosts[remoteHost] = after
        // The agents depending on that host's agents, and the members of their cycles.
        var behind: Set<AgentID> = []
        for remote in affected {
            for agent in localDependents(of: remote) {
                guard let id = index[agent] else { continue }
                behind.insert(id)
                if let step = counters.step(of: id) { behind.formUnion(counters.members[step]) }
            }
        }
        let waiting = behind.sorted().map(index.name(of:)).filter { agent in
            runtimes[agent]?.state == .waiting && remoteBlockers(of: agent).contains { $0.host == remoteHost }
        }
        actions.append(.remoteHostChanged(host: remoteHost, reachable: reachable, waiting: waiting))
        for remote in affected where readyBefore.contains(remote) != isReady(remote) {
            reportRemoteChange(remote, ready: isReady(remote), detail: remoteDescription(remote), &actions)
        }
        if reachable {
            for remote in affected { releaseDependents(of: remote) }
            startAgentsWhoseDependenciesAreReady(now: now, &actions)
        }
    }

    private func reportRemoteChange(_ remote: RemoteAgent, ready: Bool, detail: String, _ actions: inout [SupervisorAction]) {
        let dependents = localDependents(of: remote).filter { runtimes[$0]?.state.hasProcess == true }
        actions.append(.remoteDependencyChanged(remote, ready: ready, detail: detail, dependents: dependents))
    }
}
