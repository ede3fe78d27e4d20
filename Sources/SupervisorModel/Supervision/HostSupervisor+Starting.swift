import Foundation

extension HostSupervisor {
    /// Starts every waiting agent whose start step has all outside dependencies ready. Members
    /// of a cycle start together.
    /// With more of them than free start slots, during start-up the agents with the longest
    /// dependency chain behind them go first.
    mutating func startAgentsWhoseDependenciesAreReady(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard phase == .starting || phase == .running else { return }
        var eligible: [(agent: String, reason: String)] = []
        for step in graph.steps {
            let waiting = step.members.filter { runtimes[$0]?.state == .waiting && !starts.isQueued($0) }
            guard !waiting.isEmpty, let first = step.members.first, blockers(of: first).isEmpty else { continue }
            let reason = step.dependsOn.isEmpty ? "no dependencies" : "dependencies ready"
            eligible += waiting.map { ($0, reason) }
        }
        if phase == .starting && eligible.count > 1 && starts.binds {
            // Stable: equal chains keep manifest (topological) order.
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

    mutating func onSpawned(_ agent: String, pid: Int32, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard let spec = specs[agent], runtimes[agent]?.state == .starting else { return }
        runtimes[agent]!.pid = pid
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
        runtimes[agent]!.lastExit = ExitRecord(
            status: nil, reason: "spawn_failed", detail: reason, at: now, cause: FailureCause(kind: .spawnFailed, message: reason))
        handleFailure(agent, summary: "failed to start: \(reason)", now: now, &actions)
    }

    mutating func becomeReady(_ agent: String, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard let spec = specs[agent] else { return }
        let took = now - (runtimes[agent]!.startedAt ?? now)
        runtimes[agent]!.readyAt = now
        runtimes[agent]!.lastReadyDuration = took
        runtimes[agent]!.probeFailures = 0
        runtimes[agent]!.lastProbeProblem = nil
        move(agent, to: .ready, because: String(format: "ready after %.2f s", took), now: now, &actions)
        actions.append(.healthChanged(agent: agent, healthy: true, detail: spec.health.kind == .none ? "up" : "ready"))
        if spec.health.kind != .none {
            let key = TimerKey(agent: agent, kind: .probe, generation: runtimes[agent]!.generation)
            actions.append(.setTimer(key, after: spec.health.interval))
        }
        startAgentsWhoseDependenciesAreReady(now: now, &actions)
    }

    /// Ends start-up once no agent can still become ready without outside help.
    mutating func finishStartupIfSettled(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard phase == .starting, let began = startupBegan else { return }
        var rootCause: [String: String] = [:]
        var pending = false
        for step in graph.steps {
            for member in step.members {
                let state = runtimes[member]!.state
                if state.isSettledDown {
                    rootCause[member] = member
                } else if state == .waiting, let dead = externalDependencies(of: member).first(where: { rootCause[$0] != nil }) {
                    rootCause[member] = rootCause[dead]
                } else if state != .ready {
                    pending = true
                }
            }
        }
        guard !pending else { return }
        phase = .running
        let critical = graph.criticalPath { runtimes[$0]?.lastReadyDuration ?? 0 }
        let failed = order.filter { rootCause[$0] == $0 }.map { agent in
            (agent, runtimes[agent]!.failureReason ?? runtimes[agent]!.lastExit?.description ?? runtimes[agent]!.state.rawValue,
             runtimes[agent]!.lastExit?.cause)
        }
        let blocked = order.compactMap { agent in
            rootCause[agent].flatMap { $0 == agent ? nil : (agent, $0) }
        }
        let summary = StartupSummary(
            ready: order.filter { runtimes[$0]!.state == .ready }.count,
            total: order.count,
            elapsed: now - began,
            criticalPath: critical.seconds,
            criticalChain: critical.steps.flatMap { graph.steps[$0].members },
            failed: failed,
            blocked: blocked,
            requiredMissing: order.filter { rootCause[$0] != nil && specs[$0]!.required })
        actions.append(.startupFinished(summary))
    }
}
