import Foundation

/// What a start/stop/restart did to each agent, answered to the client.
public struct CommandOutcome: Equatable, Sendable, Codable {
    public var agent: String
    /// `starting`, `waiting`, `stopping`, `stopped`, `already running`, ...
    public var result: String
}

extension HostSupervisor {
    /// The agents a selection names, in manifest order: names, `group:<g>`, or `all`.
    public func resolve(_ selection: [String]) -> Result<[String], ControlError> {
        // Agents removed by a reload are on their way out: they cannot be selected.
        let live = order.filter { !retiring.contains($0) }
        var chosen: Set<String> = []
        for item in selection {
            if item == "all" {
                chosen.formUnion(live)
            } else if item.hasPrefix("group:") {
                let group = String(item.dropFirst("group:".count))
                let members = live.filter { specs[$0]?.group == group }
                guard !members.isEmpty else {
                    let groups = Set(live.compactMap { specs[$0]?.group }).sorted()
                    return .failure(ControlError(.agentNotFound, "no agent of host \(host) is in group \(ControlError.quote(group))",
                                                 details: Spelling.closeMatches(to: group, among: groups)))
                }
                chosen.formUnion(members)
            } else if specs[item] != nil && !retiring.contains(item) {
                chosen.insert(item)
            } else {
                let close = Spelling.closeMatches(to: item, among: live)
                let hint = close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"
                return .failure(ControlError(.agentNotFound, "no agent named \(ControlError.quote(item)) on host \(host)\(hint)", details: close))
            }
        }
        return .success(order.filter { chosen.contains($0) })
    }

    /// Carries out `start`, `stop` or `restart`. Checks everything first, so a refused command
    /// changes nothing.
    public mutating func apply(
        _ command: ControlCommand, now: TimeInterval
    ) -> (result: Result<[CommandOutcome], ControlError>, actions: [SupervisorAction]) {
        guard phase != .shuttingDown else {
            return (.failure(ControlError(.shuttingDown, "the supervisor of \(host) is shutting down")), [])
        }
        var actions: [SupervisorAction] = []
        let result: Result<[CommandOutcome], ControlError>
        switch command {
        case .start(let selection, let withDependencies):
            result = resolve(selection).flatMap { start($0, withDependencies: withDependencies, now: now, &actions) }
        case .stop(let selection):
            result = resolve(selection).map { stop($0, now: now, &actions) }
        case .restart(let selection):
            result = resolve(selection).flatMap { restart($0, now: now, &actions) }
        default:
            result = .failure(ControlError(.unknownCommand, "\(command.name) is not an agent command"))
        }
        // A stopped agent may release dependents that do not require it.
        if dependentsMayStart { startAgentsWhoseDependenciesAreReady(now: now, &actions) }
        if case .success = result {
            admitQueuedStarts(now: now, &actions)
            if phase == .starting { finishStartupIfSettled(now: now, &actions) }
        }
        return (result, actions)
    }

    /// The refusal for the first agent with a dependency that is down for good (outside the
    /// selection), or nil when none has one.
    private func refusalForDownDependencies(of agents: [String], selected: Set<String>, orElse advice: String) -> ControlError? {
        for agent in agents {
            let down = downDependencies(of: agent, ignoring: selected)
            guard !down.isEmpty else { continue }
            let one = down.count == 1
            return ControlError(
                .dependencyNotReady,
                "\(agent) depends on \(down.joined(separator: ", ")), which \(one ? "is" : "are") not running; start \(one ? "it" : "them") first\(advice)",
                details: down)
        }
        return nil
    }

    private mutating func start(
        _ agents: [String], withDependencies: Bool, now: TimeInterval, _ actions: inout [SupervisorAction]
    ) -> Result<[CommandOutcome], ControlError> {
        var chosen = agents
        if withDependencies {
            // Add every dependency further down that is not running.
            var queue = agents
            while let agent = queue.popLast() {
                for dep in externalDependencies(of: agent) where !chosen.contains(dep) {
                    chosen.append(dep)
                    queue.append(dep)
                }
            }
            chosen = order.filter { chosen.contains($0) }
        }
        let waiting = chosen.filter { runtimes[$0]!.state.isSettledDown || runtimes[$0]!.state == .waiting }
        if let refusal = refusalForDownDependencies(of: waiting, selected: Set(chosen), orElse: " or use --with-deps") {
            return .failure(refusal)
        }
        var outcomes: [CommandOutcome] = []
        for agent in chosen {
            let state = runtimes[agent]!.state
            switch state {
            case .ready, .starting:
                outcomes.append(CommandOutcome(agent: agent, result: "already \(state.rawValue)"))
            case .stopping:
                outcomes.append(CommandOutcome(agent: agent, result: "stopping; start it again once it has stopped"))
            case .backoff:
                spawn(agent, because: "start requested", now: now, &actions)
                outcomes.append(CommandOutcome(agent: agent, result: startedOrQueued(agent)))
            case .waiting, .stopped, .exited, .failed:
                runtimes[agent]!.backoff.reset()
                runtimes[agent]!.failureReason = nil
                runtimes[agent]!.startPeriodMissed = false
                if state != .waiting { move(agent, to: .waiting, because: "start requested", now: now, &actions) }
                releaseStep(of: agent)
                outcomes.append(CommandOutcome(agent: agent, result: "waiting"))
            }
        }
        startAgentsWhoseDependenciesAreReady(now: now, &actions)
        return .success(outcomes.map { outcome in
            var outcome = outcome
            if outcome.result == "waiting" {
                let state = runtimes[outcome.agent]!.state
                let blockers = blockers(of: outcome.agent)
                outcome.result = state != .waiting ? state.rawValue
                    : blockers.isEmpty ? startedOrQueued(outcome.agent) : "waiting for \(blockers.joined(separator: ", "))"
            }
            return outcome
        })
    }

    /// Has the next start scan look at the agent's start step.
    private mutating func releaseStep(of agent: String) {
        if let id = index[agent], let step = counters.step(of: id) { counters.released.insert(step) }
    }

    /// `starting`, or `queued: 8 agents starting (max_concurrent_starts 8)` for a start that
    /// waits for a slot.
    private func startedOrQueued(_ agent: String) -> String {
        starts.isQueued(agent) ? "queued: \(starts.waitingReason)" : runtimes[agent]!.state.rawValue
    }

    private mutating func stop(_ agents: [String], now: TimeInterval, _ actions: inout [SupervisorAction]) -> [CommandOutcome] {
        agents.map { agent in
            let state = runtimes[agent]!.state
            switch state {
            case .starting, .ready:
                beginStop(agent, reason: .requested, because: "stop requested", now: now, &actions)
                return CommandOutcome(agent: agent, result: "stopping")
            case .waiting, .backoff:
                starts.dequeue(agent)
                move(agent, to: .stopped, because: "stop requested", now: now, &actions)
                return CommandOutcome(agent: agent, result: "stopped")
            case .stopping:
                runtimes[agent]!.stopReason = .requested
                return CommandOutcome(agent: agent, result: "stopping")
            case .stopped, .exited, .failed:
                return CommandOutcome(agent: agent, result: "already \(state.rawValue)")
            }
        }
    }

    private mutating func restart(
        _ agents: [String], now: TimeInterval, _ actions: inout [SupervisorAction]
    ) -> Result<[CommandOutcome], ControlError> {
        let notRunning = agents.filter { !runtimes[$0]!.state.hasProcess }
        if let refusal = refusalForDownDependencies(of: notRunning, selected: Set(agents), orElse: "") {
            return .failure(refusal)
        }
        var outcomes: [CommandOutcome] = []
        for agent in agents {
            runtimes[agent]!.backoff.reset()
            runtimes[agent]!.failureReason = nil
            runtimes[agent]!.startPeriodMissed = false
            switch runtimes[agent]!.state {
            case .starting, .ready:
                beginStop(agent, reason: .restartRequested, because: "restart requested", now: now, &actions)
                outcomes.append(CommandOutcome(agent: agent, result: "restarting"))
            case .stopping:
                runtimes[agent]!.stopReason = .restartRequested
                outcomes.append(CommandOutcome(agent: agent, result: "restarting"))
            case .backoff:
                spawn(agent, because: "restart requested", now: now, &actions)
                outcomes.append(CommandOutcome(agent: agent, result: startedOrQueued(agent)))
            case .waiting, .stopped, .exited, .failed:
                let state = runtimes[agent]!.state
                if state != .waiting { move(agent, to: .waiting, because: "restart requested", now: now, &actions) }
                releaseStep(of: agent)
                outcomes.append(CommandOutcome(agent: agent, result: "waiting"))
            }
        }
        startAgentsWhoseDependenciesAreReady(now: now, &actions)
        return .success(outcomes.map { outcome in
            var outcome = outcome
            if outcome.result == "waiting" {
                outcome.result = starts.isQueued(outcome.agent) ? startedOrQueued(outcome.agent) : runtimes[outcome.agent]!.state.rawValue
            }
            return outcome
        })
    }
}
