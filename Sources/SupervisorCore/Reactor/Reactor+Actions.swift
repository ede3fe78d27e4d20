import Foundation
import SupervisorModel

extension Reactor {
    /// Carries out one action of the model.
    func perform(_ action: SupervisorAction) {
        switch action {
        case .spawn(let agent):
            spawn(agent)
        case .probe(let agent, let generation):
            guard let spec = model.specs[agent] else { return }
            let found = model.runtimes[agent]?.discoveredHealthPort
            if let result = probes.start(spec, generation: generation, port: found, now: MonotonicClock.now()) {
                pendingEvents.append(probeEvent(result))
            }
        case .signal(let agent, let signal):
            if signal == SIGKILL { noteOwnKill(of: agent) }
            if let pid = processes.signal(agent, signal) {
                signalDescendants(of: agent, signal, group: pid)
                log.note("sent \(SignalName.of(signal)) to \(agent) (process group \(pid))")
            }
        case .setTimer(let key, let after):
            let now = MonotonicClock.now()
            // Probes due close together go out in one wake-up (at most 5 % of the interval late).
            timers.set(key, at: key.kind == .probe ? TimerSlack.deadline(after: after, now: now) : now + after)
            // A start holding a slot: free it as soon as the start goes quiet.
            if key.kind == .startSettled {
                startQuiet.watch(key, now: now)
                scheduleStartQuiet()
            }
        case .announce(let transition):
            let cause = transition.cause.map { "; cause: \($0.text)" } ?? ""
            log.note("\(transition.agent): \(transition.from.rawValue) -> \(transition.to.rawValue) (\(transition.reason)\(cause))", weight: .of(transition))
            progress.record(transition, model: model)
            publish(transition)
            expireRegistration(transition)
            onTransition?(transition)
        case .agentFailed(let agent, let summary, let givingUp, let cause):
            events?.publish(.agentErrors, AgentFailureEvent(agent: agent, summary: summary, givingUp: givingUp, cause: cause))
        case .healthChanged(let agent, let healthy, let detail):
            events?.publish(.agentHealth, HealthEvent(agent: agent, healthy: healthy, detail: detail))
        case .healthPortDiscovered(let discovery):
            log.warn("warning: \(discovery.agent): \(discovery.detail) (probed there until it restarts; set health.port to keep it)")
            events?.publish(.agentHealth, discovery)
        case .portClash(let agent, let clash):
            log.warn("warning: \(agent): \(clash); not healthy while it answers so")
            events?.publish(.agentHealth, clash)
        case .remoteDependencyChanged(let remote, let ready, let detail, let dependents):
            reportRemoteDependency(remote, ready: ready, detail: detail, dependents: dependents)
        case .remoteHostChanged(let host, let reachable, let waiting):
            reportRemoteHost(host, reachable: reachable, waiting: waiting)
        case .startupFinished(let summary):
            for line in StartupReport.lines(for: summary) { log.note(line) }
            log.flush()
            progress.finish(summary, model: model, host: options.host, logDirectory: options.logDirectory)
            onStartupFinished?(summary)
        case .exit:
            finished = true
        }
    }

    private func spawn(_ agent: String) {
        guard let spec = model.specs[agent] else { return }
        let agentLog: AgentLog
        do {
            agentLog = try processes.log(for: spec)
        } catch {
            pendingEvents.append(.spawnFailed(agent: agent, reason: "cannot open its log file: \(error)"))
            return
        }
        let cgroupProcs: [String]
        switch prepareCgroup(for: spec) {
        case .success(let files): cgroupProcs = files
        case .failure(let failure):
            log.note("\(agent) cannot start: \(failure.message)")
            pendingEvents.append(.spawnFailed(agent: agent, reason: failure.message))
            return
        }
        switch launcher.launch(spec, cgroupProcs: cgroupProcs) {
        case .success(let process):
            do {
                try processes.add(process, for: agent)
            } catch {
                log.warn("warning: \(agent): its exit and output cannot be watched: \(error)")
            }
            log.note("\(agent) spawned pid \(process.pid): \(spec.command.joined(separator: " "))")
            pendingEvents.append(.spawned(agent: agent, pid: process.pid))
            watchFromSpawn(agent, pid: process.pid)
        case .failure(let failure):
            releaseCgroup(of: agent)
            processes.record(agentLog.receive(Array("supervisor: cannot start \(agent): \(failure.message)\n".utf8), from: .err))
            log.note("\(agent) cannot start: \(failure.message)")
            pendingEvents.append(.spawnFailed(agent: agent, reason: failure.message))
        }
    }
}
