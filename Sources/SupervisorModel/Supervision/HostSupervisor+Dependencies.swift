import Foundation

/// When a dependency holds its dependent back. A dependency is met when it is ready (or, with
/// `condition: started`, once its process runs). One that is not met holds the dependent back
/// unless it no longer can come up in time: it is down for good (failed, exited, stopped, or
/// waiting behind such an agent) and not required (or `keepGoing`), or it is not required and
/// was not ready within its start period. Then the dependent starts without it.
extension HostSupervisor {
    /// Per agent: nil when it can still come up, else why it cannot (memo of `downCause`).
    typealias DownCache = [String: SkippedDependency.Why?]

    /// One dependency of an agent's start step, with its verdict.
    struct StepDependency {
        /// The member of the step that has this dependency.
        var member: String
        /// `Name`, or `host/Name` for an agent of another host.
        var written: String
        var remote: RemoteAgent?
        var verdict: DependencyVerdict
    }

    /// The verdict on every dependency of the agent's start step that lies outside the step
    /// (a cycle's members start together, so they share their outside dependencies).
    func stepDependencies(of agent: String, cache: inout DownCache) -> [StepDependency] {
        guard let step = graph.stepOfAgent[agent] else { return [] }
        let members = graph.steps[step].members
        var result: [StepDependency] = []
        for member in members {
            guard let spec = specs[member] else { continue }
            for dependency in spec.dependencies where !members.contains(dependency.name) {
                if graph.stepOfAgent[dependency.name] != nil {
                    let verdict = localVerdict(dependency, cache: &cache)
                    result.append(StepDependency(member: member, written: dependency.name, remote: nil, verdict: verdict))
                } else if let remote = remoteDependencies[member]?.first(where: { $0.name == dependency.name }) {
                    result.append(StepDependency(member: member, written: remote.description, remote: remote,
                                                 verdict: remoteVerdict(remote, dependency)))
                }
            }
        }
        return result
    }

    private func localVerdict(_ dependency: DependencySpec, cache: inout DownCache) -> DependencyVerdict {
        guard let runtime = runtimes[dependency.name] else { return .pending }
        let running = runtime.state == .starting && runtime.pid != nil
        if runtime.state == .ready || (dependency.condition == .started && running) { return .met }
        if let cause = downCause(dependency.name, cache: &cache) {
            if !dependency.required { return .skipped(SkippedDependency(agent: dependency.name, why: cause)) }
            if keepGoing { return .skipped(SkippedDependency(agent: dependency.name, why: cause, keptGoing: true)) }
            return .pending
        }
        if !dependency.required && runtime.startPeriodMissed, let spec = specs[dependency.name] {
            return .skipped(SkippedDependency(agent: dependency.name, why: .notReadyInTime(spec.health.effectiveStartPeriod)))
        }
        return .pending
    }

    private func remoteVerdict(_ remote: RemoteAgent, _ dependency: DependencySpec) -> DependencyVerdict {
        let reachable = remoteHosts[remote.host] == .reachable
        let state = remoteStates[remote]
        if reachable && (state == .ready || (dependency.condition == .started && state == .starting)) { return .met }
        if reachable, let state, state.isSettledDown {
            if !dependency.required { return .skipped(SkippedDependency(agent: remote.description, why: .down(state))) }
            if keepGoing { return .skipped(SkippedDependency(agent: remote.description, why: .down(state), keptGoing: true)) }
            return .pending
        }
        if !dependency.required && remoteOverdue.contains(remote) {
            let period = remoteStartPeriods[remote] ?? HealthCheckSpec().effectiveStartPeriod
            return .skipped(SkippedDependency(agent: remote.description, why: .notReadyInTime(period)))
        }
        return .pending
    }

    /// Why a local agent cannot come up without outside help, or nil when it still can: it is
    /// down for good, or it waits for a local dependency that holds it back and is itself down
    /// for good. (A dependency on another host never makes it so: that host may bring it back.)
    func downCause(_ agent: String, cache: inout DownCache) -> SkippedDependency.Why? {
        if let known = cache[agent] { return known }
        var cause: SkippedDependency.Why?
        if let state = runtimes[agent]?.state {
            if state.isSettledDown {
                cause = .down(state)
            } else if state == .waiting {
                for dependency in stepDependencies(of: agent, cache: &cache)
                where dependency.remote == nil && dependency.verdict == .pending {
                    switch downCause(dependency.written, cache: &cache) {
                    case .down(let state)?: cause = .blocked(by: dependency.written, state: state)
                    case .blocked(let root, let state)?: cause = .blocked(by: root, state: state)
                    default: continue
                    }
                    break
                }
            }
        }
        cache[agent] = .some(cause)
        return cause
    }

    /// The dependencies holding the agent (its start step) back, those of other hosts written
    /// `host/name`.
    public func blockers(of agent: String) -> [String] {
        var cache: DownCache = [:]
        return blockers(of: agent, cache: &cache)
    }

    /// The same, sharing the memo of what is down for good between the agents of one look
    /// (status of every agent: O(agents) in all, not per agent).
    func blockers(of agent: String, cache: inout DownCache) -> [String] {
        var result: [String] = []
        for dependency in stepDependencies(of: agent, cache: &cache)
        where dependency.verdict == .pending && !result.contains(dependency.written) {
            result.append(dependency.written)
        }
        return result
    }

    /// The dependencies (direct or further down) that are down for good and hold `agent` back:
    /// only through dependencies that are required (all of them are held to be optional
    /// with `keepGoing`, so none), and not those in `selected`.
    func downDependencies(of agent: String, ignoring selected: Set<String> = []) -> [String] {
        var down: [String] = []
        var seen: Set<String> = [agent]
        var queue = holdingDependencies(of: agent)
        while let dep = queue.popLast() {
            guard seen.insert(dep).inserted, !selected.contains(dep) else { continue }
            if runtimes[dep]?.state.isSettledDown == true { down.append(dep) }
            queue += holdingDependencies(of: dep)
        }
        return down.sorted()
    }

    /// Local dependencies of the agent's start step that hold it back even when they are down
    /// for good: the required ones, unless `keepGoing`.
    private func holdingDependencies(of agent: String) -> [String] {
        guard !keepGoing, let step = graph.stepOfAgent[agent] else { return [] }
        let members = graph.steps[step].members
        var result: [String] = []
        for member in members {
            for dependency in specs[member]?.dependencies ?? [] where dependency.required
                && !members.contains(dependency.name) && graph.stepOfAgent[dependency.name] != nil
                && !result.contains(dependency.name) {
                result.append(dependency.name)
            }
        }
        return result
    }

    /// Local agents that some local agent depends on with `condition: started`: their spawn
    /// may let a dependent start.
    static func startedConditionTargets(_ specs: [AgentSpec]) -> Set<String> {
        var targets: Set<String> = []
        for spec in specs {
            for dependency in spec.dependencies where dependency.condition == .started { targets.insert(dependency.name) }
        }
        return targets
    }
}
