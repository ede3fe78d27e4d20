import Foundation

extension HostSupervisor {
    /// Asks for a new process for the agent: at once when a start slot is free and no other
    /// start waits, else it waits in the queue (state `waiting`) until `admitQueuedStarts`.
    /// `needsDependencies` for a start because its dependencies became ready (checked again when
    /// it is admitted); restarts go ahead whatever their dependencies do, as before.
    mutating func spawn(
        _ agent: String, because reason: String, cause: FailureCause? = nil, needsDependencies: Bool = false,
        now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        // The run that ends here (an immediate restart) no longer holds a slot.
        starts.release(agent)
        guard starts.admitsNow else {
            starts.enqueue(agent, priority: starts.priority(of: agent, duringStartup: phase == .starting),
                           needsDependencies: needsDependencies, reason: reason, cause: cause, now: now)
            if runtimes[agent]!.state != .waiting {
                runtimes[agent]!.restartDueAt = nil
                move(agent, to: .waiting, because: "\(reason); waiting: \(starts.waitingReason)", cause: cause, now: now, &actions)
            }
            return
        }
        launch(agent, because: reason, cause: cause, now: now, &actions)
    }

    /// Starts queued agents while slots are free, best first; drops starts that no longer apply
    /// (the agent was stopped, removed, or a dependency went down meanwhile).
    mutating func admitQueuedStarts(now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard phase == .starting || phase == .running else { return }
        while starts.hasRoom, let entry = starts.next() {
            guard runtimes[entry.agent]?.state == .waiting else { continue }
            guard !entry.needsDependencies || blockers(of: entry.agent).isEmpty else {
                // Waiting for its dependencies again: the next start scan looks at it.
                if let id = index[entry.agent], let step = counters.step(of: id) { counters.released.insert(step) }
                continue
            }
            let waited = Quantity.describe(seconds: max(0, now - entry.since))
            launch(entry.agent, because: "\(entry.reason); after \(waited) waiting for a start slot", cause: entry.cause,
                   now: now, &actions)
        }
    }

    /// The process is spawned: it takes a slot, held until it is ready, exits, or settles.
    private mutating func launch(
        _ agent: String, because reason: String, cause: FailureCause?, now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        runtimes[agent]!.generation += 1
        runtimes[agent]!.startedAt = now
        runtimes[agent]!.readyAt = nil
        runtimes[agent]!.probeFailures = 0
        runtimes[agent]!.lastProbeProblem = nil
        runtimes[agent]!.discoveredHealthPort = nil
        runtimes[agent]!.stopReason = nil
        runtimes[agent]!.restartDueAt = nil
        starts.take(agent)
        move(agent, to: .starting, because: reason, cause: cause, now: now, &actions)
        actions.append(.spawn(agent: agent))
        // Only while the bound binds (a host with more agents than slots). A slot taken before a
        // reload made it bind is still freed when its agent is ready or exits.
        if starts.binds {
            let key = TimerKey(agent: agent, kind: .startSettled, generation: runtimes[agent]!.generation)
            actions.append(.setTimer(key, after: starts.settle))
        }
    }

    /// A start that went quiet frees its slot early (the busy part of its start is over).
    mutating func onStartQuiet(_ agent: String, generation: Int) {
        guard let runtime = runtimes[agent], runtime.state == .starting, runtime.generation == generation else { return }
        starts.release(agent)
    }

    /// For status: the slots in use, the bound and the queue.
    var startSlotsStatus: StartSlotsStatus {
        StartSlotsStatus(starting: starts.holders.count, limit: starts.limit, queued: starts.queuedCount, settle: starts.settle)
    }
}

/// A waiting agent's place in the start queue, for status (`start_queue`).
public struct StartQueueStatus: Equatable, Sendable, Codable {
    /// 1 for the next to start.
    public var position: Int
    /// `8 agents starting (max_concurrent_starts 8)`.
    public var reason: String
}

/// The host's start slots, for status (`starts`).
public struct StartSlotsStatus: Equatable, Sendable, Codable {
    /// Agents holding a slot: spawned, not yet ready, exited or settled.
    public var starting: Int
    /// `max_concurrent_starts` in force.
    public var limit: Int
    /// Starts waiting for a slot.
    public var queued: Int
    /// Seconds a start holds its slot at most (`start_settle`).
    public var settle: Double
}
