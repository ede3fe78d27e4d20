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
        recount(agent)
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
        // An exit nobody asked for. Exit 0 is a clean finish only for a policy that says so: a
        // server (the legacy agents) that returns 0 after a fatal error has still stopped
        // serving, so the words say how long it had been ready.
        let crashed = !status.isSuccess
        let cleanly = runtime.readyAt.map { "after being ready \(Self.spoken(seconds: now - $0))" } ?? "before becoming ready"
        runtimes[agent]!.lastExit = ExitRecord(
            status: status, reason: crashed ? "crashed" : "exited", detail: crashed ? nil : cleanly, at: now, cause: cause)
        let summary = crashed ? "\(status)" : "exited 0 \(cleanly)"
        if phase == .shuttingDown {
            move(agent, to: .stopped, because: "\(status) during shutdown", cause: cause, now: now, &actions)
        } else if !crashed && spec.restart.policy != .always {
            runtimes[agent]!.readyAt = nil
            move(agent, to: .exited, because: "\(summary); policy \(spec.restart.policy.rawValue) does not restart it",
                 cause: cause, now: now, &actions)
        } else {
            // Under `always`, exit 0 restarts like a crash and counts towards the crash-loop limit.
            handleFailure(agent, summary: summary, now: now, &actions)
        }
    }

    /// `0.4 s`, `2.5 s`, `12 s`, `2m5s`: a duration as status and the logs say it.
    static func spoken(seconds: TimeInterval) -> String {
        let tenths = (max(0, seconds) * 10).rounded() / 10
        if tenths < 10 { return "\(FixedPoint.text(tenths, places: 1)) s" }
        let whole = seconds.rounded()
        return whole < 60 ? "\(Int(whole)) s" : Quantity.describe(seconds: whole)
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
        if case .wrongAgent(let clash) = outcome, runtime.state == .starting || runtime.state == .ready,
           runtime.announcedClash != clash {
            runtimes[agent]!.announcedClash = clash
            actions.append(.portClash(agent: agent, clash))
        }
        switch (runtime.state, outcome) {
        case (.starting, .healthy):
            becomeReady(agent, now: now, &actions)
        case (.starting, _):
            // Not ready yet: ask again shortly; the start deadline bounds the wait.
            runtimes[agent]!.lastProbeProblem = outcome.problem
            actions.append(.setTimer(probeKey, after: Self.startupProbeInterval))
        case (.ready, .healthy):
            if runtime.probeFailures > 0 {
                actions.append(.healthChanged(agent: agent, healthy: true, detail: "healthy again"))
            }
            runtimes[agent]!.probeFailures = 0
            runtimes[agent]!.lastProbeProblem = nil
            actions.append(.setTimer(probeKey, after: spec.health.interval))
        case (.ready, _):
            let message = outcome.problem ?? ""
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

    /// A probe was answered on a port found among the agent's listening ports: that port is
    /// probed from now on, for this process; the first time for this port, it is said.
    mutating func onHealthPortDiscovered(
        _ agent: String, generation: Int, port: Int, outcome: ProbeOutcome, now: TimeInterval,
        _ actions: inout [SupervisorAction]
    ) {
        guard let spec = specs[agent], let runtime = runtimes[agent], runtime.generation == generation,
              runtime.state == .starting || runtime.state == .ready else { return }
        runtimes[agent]!.discoveredHealthPort = port
        if runtime.announcedHealthPort != port {
            runtimes[agent]!.announcedHealthPort = port
            actions.append(.healthPortDiscovered(HealthPortDiscovery(
                agent: agent, configuredPort: spec.healthProbePort, discoveredPort: port, healthy: outcome.isHealthy)))
        }
        onProbed(agent, generation: generation, outcome: outcome, now: now, &actions)
    }

    mutating func onTimer(_ key: TimerKey, now: TimeInterval, _ actions: inout [SupervisorAction]) {
        if key.kind == .remoteStartPeriod { return onRemoteStartPeriodPassed(key) }
        guard let spec = specs[key.agent], let runtime = runtimes[key.agent], runtime.generation == key.generation else {
            return
        }
        switch (key.kind, runtime.state) {
        case (.probe, .starting), (.probe, .ready):
            actions.append(.probe(agent: key.agent, generation: key.generation))
        case (.startDeadline, .starting):
            // Dependents that do not require it stop waiting for it.
            runtimes[key.agent]!.startPeriodMissed = true
            dependentsMayStart = true
            if let id = index[key.agent] { counters.releaseDependents(of: id) }
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
