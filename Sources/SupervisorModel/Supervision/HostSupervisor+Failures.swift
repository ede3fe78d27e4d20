import Foundation

extension HostSupervisor {
    /// The agent's process ended. `cause` is what its output said; it is kept with the exit
    /// (status, events, start-up summary) when the exit was not asked for, and for an exit the
    /// supervisor or the kernel caused (start timeout, failed health checks, memory) only when it
    /// names an error (a traceback, `Error in main:`), not a mere last line.
    mutating func onExited(
        _ agent: String, status: ExitStatus, cause: FailureCause? = nil, outOfMemory: Bool = false, now: TimeInterval,
        _ actions: inout [SupervisorAction]
    ) {
        guard let spec = specs[agent], let runtime = runtimes[agent], runtime.state.hasProcess else { return }
        runtimes[agent]!.pid = nil
        let namedError = cause?.kind.isRecognisedError == true ? cause : nil
        if retiring.contains(agent) {
            runtimes[agent]!.lastExit = ExitRecord(status: status, reason: "removed", at: now)
            forget(agent, now: now, &actions)
            return
        }
        if outOfMemory && runtime.state != .stopping {
            runtimes[agent]!.lastExit = ExitRecord(
                status: status, reason: "oom", detail: "killed by the kernel: memory limit exceeded", at: now, cause: namedError)
            handleFailure(agent, summary: "out of memory (\(status)): killed by the kernel at its memory limit", now: now, &actions)
            return
        }
        if runtime.state == .stopping {
            switch runtime.stopReason ?? .requested {
            case .shutdown, .requested:
                runtimes[agent]!.lastExit = ExitRecord(status: status, reason: "stopped", at: now)
                move(agent, to: .stopped, because: "stopped (\(status))", now: now, &actions)
            case .startTimeout:
                let period = Quantity.describe(seconds: spec.health.effectiveStartPeriod)
                runtimes[agent]!.lastExit = ExitRecord(
                    status: status, reason: "start_timeout", detail: runtime.lastProbeProblem, at: now, cause: namedError)
                handleFailure(agent, summary: "not ready within \(period)", now: now, &actions)
            case .memoryLimit:
                runtimes[agent]!.lastExit = ExitRecord(
                    status: status, reason: "oom", detail: "stopped by the watchdog: memory limit exceeded", at: now,
                    cause: namedError)
                handleFailure(agent, summary: "out of memory: above its memory limit (watchdog)", now: now, &actions)
            case .livenessFailed:
                runtimes[agent]!.lastExit = ExitRecord(
                    status: status, reason: "liveness_failed", detail: runtime.lastProbeProblem, at: now, cause: namedError)
                handleFailure(agent, summary: "health check failed \(spec.health.retries) times", now: now, &actions)
            case .restartRequested:
                runtimes[agent]!.lastExit = ExitRecord(status: status, reason: "restarted", at: now)
                runtimes[agent]!.backoff.reset()
                runtimes[agent]!.restarts += 1
                spawn(agent, because: "restart requested", now: now, &actions)
            }
            // The kernel's OOM kill came while stopping: the stop goes on as asked, but the
            // record says what ended the process.
            if outOfMemory { runtimes[agent]!.lastExit?.reason = "oom" }
            return
        }
        // An exit nobody asked for.
        let crashed = !status.isSuccess
        runtimes[agent]!.lastExit = ExitRecord(status: status, reason: crashed ? "crashed" : "exited", at: now, cause: cause)
        if phase == .shuttingDown {
            move(agent, to: .stopped, because: "\(status) during shutdown", cause: cause, now: now, &actions)
        } else if !crashed && spec.restart.policy != .always {
            runtimes[agent]!.readyAt = nil
            move(agent, to: .exited, because: "\(status); policy \(spec.restart.policy.rawValue) does not restart it",
                 cause: cause, now: now, &actions)
        } else {
            handleFailure(agent, summary: "\(status)", now: now, &actions)
        }
    }

    /// After a failed run (crash, failed start, failed liveness): restart with backoff, or give up.
    mutating func handleFailure(_ agent: String, summary: String, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard let spec = specs[agent] else { return }
        let readySince = runtimes[agent]!.readyAt
        let cause = runtimes[agent]!.lastExit?.cause
        runtimes[agent]!.readyAt = nil
        if phase == .shuttingDown {
            move(agent, to: .stopped, because: "\(summary) during shutdown", cause: cause, now: now, &actions)
            return
        }
        actions.append(.agentFailed(
            agent: agent, summary: summary,
            givingUp: spec.restart.policy == .never || runtimes[agent]!.backoff.wouldGiveUp(now: now), cause: cause))
        if spec.restart.policy == .never {
            runtimes[agent]!.failureReason = summary
            move(agent, to: .failed, because: "\(summary); restart policy is never", cause: cause, now: now, &actions)
            return
        }
        switch runtimes[agent]!.backoff.next(now: now, readySince: readySince) {
        case .giveUp(let count):
            let window = Quantity.describe(seconds: spec.restart.window)
            let reason = "\(summary); \(count) restarts within \(window), giving up"
            runtimes[agent]!.failureReason = reason
            move(agent, to: .failed, because: reason, cause: cause, now: now, &actions)
        case .restart(let delay):
            runtimes[agent]!.restarts += 1
            if delay <= 0 {
                spawn(agent, because: "\(summary); restarting now", cause: cause, now: now, &actions)
            } else {
                runtimes[agent]!.restartDueAt = now + delay
                move(agent, to: .backoff, because: "\(summary); restarting in \(Quantity.describe(seconds: delay))",
                     cause: cause, now: now, &actions)
                let key = TimerKey(agent: agent, kind: .restart, generation: runtimes[agent]!.generation)
                actions.append(.setTimer(key, after: delay))
            }
        }
    }

    mutating func onProbed(
        _ agent: String, generation: Int, outcome: ProbeOutcome, now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        guard let spec = specs[agent], let runtime = runtimes[agent], runtime.generation == generation else { return }
        let probeKey = TimerKey(agent: agent, kind: .probe, generation: generation)
        switch (runtime.state, outcome) {
        case (.starting, .healthy):
            becomeReady(agent, now: now, &actions)
        case (.starting, .notReady(let message)), (.starting, .unhealthy(let message)):
            // Not ready yet: ask again shortly; the start deadline bounds the wait.
            runtimes[agent]!.lastProbeProblem = message
            actions.append(.setTimer(probeKey, after: Self.startupProbeInterval))
        case (.ready, .healthy):
            if runtime.probeFailures > 0 {
                actions.append(.healthChanged(agent: agent, healthy: true, detail: "healthy again"))
            }
            runtimes[agent]!.probeFailures = 0
            runtimes[agent]!.lastProbeProblem = nil
            actions.append(.setTimer(probeKey, after: spec.health.interval))
        case (.ready, .notReady(let message)), (.ready, .unhealthy(let message)):
            runtimes[agent]!.probeFailures += 1
            runtimes[agent]!.lastProbeProblem = message
            if runtime.probeFailures == 0 {
                actions.append(.healthChanged(agent: agent, healthy: false, detail: message))
            }
            if runtimes[agent]!.probeFailures >= spec.health.retries {
                beginStop(agent, reason: .livenessFailed,
                          because: "health check failed \(spec.health.retries) times in a row: \(message)",
                          now: now, &actions)
            } else {
                actions.append(.setTimer(probeKey, after: spec.health.interval))
            }
        default:
            break
        }
    }

    mutating func onTimer(_ key: TimerKey, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        guard let spec = specs[key.agent], let runtime = runtimes[key.agent], runtime.generation == key.generation else {
            return
        }
        switch (key.kind, runtime.state) {
        case (.probe, .starting), (.probe, .ready):
            actions.append(.probe(agent: key.agent, generation: key.generation))
        case (.startDeadline, .starting):
            let period = Quantity.describe(seconds: spec.health.effectiveStartPeriod)
            let detail = runtime.lastProbeProblem.map { " (last check: \($0))" } ?? ""
            beginStop(key.agent, reason: .startTimeout, because: "not ready within \(period)\(detail)", now: now, &actions)
        case (.startPeriodPassed, .starting):
            becomeReady(key.agent, now: now, &actions)
        case (.restart, .backoff):
            spawn(key.agent, because: "backoff over", now: now, &actions)
        case (.stopDeadline, .stopping):
            actions.append(.signal(agent: key.agent, signal: StopSignal.sigkill.number))
        case (.startSettled, .starting):
            starts.release(key.agent)
        default:
            break
        }
    }

    /// Sends the agent's stop signal to its process group, with SIGKILL after the stop timeout.
    mutating func beginStop(
        _ agent: String, reason: StopReason, because message: String, now: TimeInterval, _ actions: inout [SupervisorAction]
    ) {
        guard let spec = specs[agent], runtimes[agent]!.state == .starting || runtimes[agent]!.state == .ready else { return }
        runtimes[agent]!.stopReason = reason
        move(agent, to: .stopping, because: message, now: now, &actions)
        actions.append(.signal(agent: agent, signal: spec.stop.signal.number))
        let key = TimerKey(agent: agent, kind: .stopDeadline, generation: runtimes[agent]!.generation)
        actions.append(.setTimer(key, after: spec.stop.timeout))
    }
}
