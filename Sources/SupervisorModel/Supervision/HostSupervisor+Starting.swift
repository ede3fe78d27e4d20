import Foundation

extension HostSupervisor {
    /// Starts every waiting agent whose start step has no outside dependency holding it back
    /// (each is met, or skipped: see `HostSupervisor+Dependencies`). Members of a cycle start
    /// together. During start-up the agents with the longest dependency chain behind them are
    /// spawned first, so that when a wave competes for the cores (or for start slots) the
    /// critical path is not the one waiting.
    ///
    /// Only the steps released since the last scan are looked at (`DependencyCounters.released`:
    /// a dependency became met, went down for good, missed its start period, a remote agent
    /// changed, a member is waiting again); every step at `.startAll` and reload.
    mutating func startAgentsWhoseDependenciesAreReady(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        dependentsMayStart = false
        guard phase == .starting || phase == .running else { return }
        spreadDownChanges()
        guard !counters.released.isEmpty else { return }
        let released = counters.released.sorted()
        counters.released = []
        // Steps are in topological order: an agent spawned here is no longer waiting by the time
        // its dependents are looked at, so the memo stays true through the pass.
        var cache: DownCache = [:]
        var eligible: [(agent: String, reason: String)] = []
        for stepIndex in released {
            let step = graph.steps[stepIndex]
            let waiting = step.members.filter { runtimes[$0]?.state == .waiting && !starts.isQueued($0) }
            guard !waiting.isEmpty, let first = step.members.first else { continue }
            let dependencies = stepDependencies(of: first, cache: &cache)
            if dependencies.contains(where: { $0.verdict == .pending }) {
                awaitOptionalRemotes(dependencies, now: now, &actions)
                continue
            }
            for member in waiting {
                let skipped = dependencies.compactMap { dependency -> SkippedDependency? in
                    guard dependency.member == member, case .skipped(let skip) = dependency.verdict else { return nil }
                    return skip
                }
                runtimes[member]!.startedWithout = skipped
                let reason = !skipped.isEmpty ? SkippedDependency.sentence(skipped)
                    : step.dependsOn.isEmpty && remoteDependencies[member] == nil ? "no dependencies" : "dependencies ready"
                eligible.append((member, reason))
            }
        }
        if phase == .starting && eligible.count > 1 {
            // Stable: equal chains keep manifest (topological) order. Only the agents released
            // by this event are sorted.
            eligible = eligible.enumerated().sorted { lhs, rhs in
                let left = starts.priority(of: lhs.element.agent, duringStartup: true)
                let right = starts.priority(of: rhs.element.agent, duringStartup: true)
                return left != right ? left > right : lhs.offset < rhs.offset
            }.map(\.element)
        }
        for (agent, reason) in eligible {
            spawn(agent, because: reason, needsDependencies: true, now: now, &actions)
        }
    }

    /// Releases the steps behind every agent that went down for good or is waiting again, and
    /// further through the waiting agents that are blocked by it: O(the agents behind them).
    mutating func spreadDownChanges() {
        guard !downChanged.isEmpty else { return }
        var queue = downChanged
        downChanged = []
        var cache: DownCache = [:]
        var seen: Set<AgentID> = []
        while let id = queue.popLast() {
            guard seen.insert(id).inserted, let runtime = runtimes[id] else { continue }
            if runtime.state == .waiting, let step = counters.step(of: id) { counters.released.insert(step) }
            let down = runtime.state.isSettledDown
                || (runtime.state == .waiting && downCause(index.name(of: id), cache: &cache) != nil)
            guard down else { continue }
            counters.releaseDependents(of: id)
            for step in counters.dependentSteps(of: id) {
                for member in counters.members[step] where runtimes[member]?.state == .waiting { queue.append(member) }
            }
        }
    }

    mutating func onSpawned(_ agent: String, pid: Int32, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard let spec = specs[agent], runtimes[agent]?.state == .starting else { return }
        runtimes[agent]!.pid = pid
        recount(agent)
        // Its dependents with `condition: started` may start now.
        if startedConditionTargets.contains(agent) { dependentsMayStart = true }
        let generation = runtimes[agent]!.generation
        let period = spec.health.effectiveStartPeriod
        if spec.health.kind == .none {
            actions.append(.setTimer(TimerKey(agent: agent, kind: .startPeriodPassed, generation: generation), after: period))
        } else {
            // Probe at once: a ZeroMQ request queued before the agent binds is answered the
            // moment it binds, so readiness is seen within milliseconds.
            actions.append(.probe(agent: agent, generation: generation))
            actions.append(.setTimer(TimerKey(agent: agent, kind: .startDeadline, generation: generation), after: period))
        }
    }

    mutating func onSpawnFailed(_ agent: String, reason: String, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard runtimes[agent]?.state == .starting else { return }
        runtimes[agent]!.pid = nil
        recount(agent)
        runtimes[agent]!.lastExit = ExitRecord(
            status: nil, reason: "spawn_failed", detail: reason, at: now, cause: FailureCause(kind: .spawnFailed, message: reason))
        handleFailure(agent, summary: "failed to start: \(reason)", now: now, &actions)
    }

    mutating func becomeReady(_ agent: String, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard let spec = specs[agent] else { return }
        let took = now - (runtimes[agent]!.startedAt ?? now)
        runtimes[agent]!.readyAt = now
        runtimes[agent]!.lastReadyDuration = took
        runtimes[agent]!.startPeriodMissed = false
        runtimes[agent]!.probeFailures = 0
        runtimes[agent]!.lastProbeProblem = nil
        runtimes[agent]!.announcedClash = nil
        move(agent, to: .ready, because: "ready after \(FixedPoint.text(took, places: 2)) s", now: now, &actions)
        actions.append(.healthChanged(agent: agent, healthy: true, detail: spec.health.kind == .none ? "up" : "ready"))
        if spec.health.kind != .none {
            let key = TimerKey(agent: agent, kind: .probe, generation: runtimes[agent]!.generation)
            actions.append(.setTimer(key, after: spec.health.interval))
        }
        startAgentsWhoseDependenciesAreReady(now: now, &actions)
    }

    /// Ends start-up once no agent can still become ready without outside help: nothing has
    /// a process or a restart due (`tally`, O(1)), and every waiting agent is blocked by an
    /// agent down for good.
    mutating func finishStartupIfSettled(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard phase == .starting, let began = startupBegan, tally.active == 0 else { return }
        var cache: DownCache = [:]
        // Most often one waiting agent that is not blocked ends the look at once.
        for id in tally.waiting {
            guard case .blocked? = downCause(index.name(of: id), cache: &cache) else { return }
        }
        var blocked: [(agent: String, blockedBy: String)] = []
        for id in tally.waiting.sorted() {
            let agent = index.name(of: id)
            if case .blocked(let root, _)? = downCause(agent, cache: &cache) { blocked.append((agent, root)) }
        }
        phase = .running
        let critical = graph.criticalPath { runtimes[$0]?.lastReadyDuration ?? 0 }
        let down = order.filter { runtimes[$0]!.state.isSettledDown }
        let failed = down.map { agent in
            let runtime = runtimes[agent]!
            let exitReason = runtime.state == .exited ? runtime.stateReason : nil
            return (agent, runtime.failureReason ?? exitReason ?? runtime.lastExit?.description ?? runtime.state.rawValue,
                    runtime.lastExit?.cause)
        }
        let startedWithout = order.compactMap { agent -> (agent: String, skipped: [SkippedDependency])? in
            let runtime = runtimes[agent]!
            return runtime.startedWithout.isEmpty || runtime.state == .waiting ? nil : (agent, runtime.startedWithout)
        }
        let missing = Set(down + blocked.map(\.agent))
        let summary = StartupSummary(
            ready: order.filter { runtimes[$0]!.state == .ready }.count,
            total: order.count,
            elapsed: now - began,
            criticalPath: critical.seconds,
            criticalChain: critical.steps.flatMap { graph.steps[$0].members },
            failed: failed,
            blocked: blocked,
            startedWithout: startedWithout,
            requiredMissing: order.filter { missing.contains($0) && specs[$0]!.required })
        actions.append(.startupFinished(summary))
    }
}
