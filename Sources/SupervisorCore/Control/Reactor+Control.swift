import Foundation
import SupervisorModel

extension Reactor {
    /// Answers every waiting control request (up to a batch per reactor turn).
    func serveControlRequests() {
        guard let control else { return }
        let batch = control.receiveBatch()
        guard !batch.isEmpty else { return }
        // One look at keys/authorized per batch (a stat; a read only when it changed).
        let authorizer = ControlAuthorizer(authorized: gate?.store.authorized().keys)
        for var incoming in batch {
            incoming.client = authorizer.identify(incoming.client)
            let reply: ControlReply
            var commandName = "?"
            switch incoming.request {
            case .failure(let refusal):
                reply = .failure(refusal.error, id: refusal.id)
            case .success(let request):
                commandName = request.command.name
                if let refusal = authorizer.refusal(incoming.client, request.command) {
                    reply = .failure(refusal, id: request.id)
                    log.note("control: refused \(request.command.name) from \(incoming.client.description): \(refusal.message)")
                } else {
                    reply = execute(request.command, id: request.id)
                }
            }
            control.reply(incoming.envelope, reply.bytes)
            if reply.reusable { control.keepSpareReplyBuffer(reply.bytes) }
            // A flood of refusals is counted, not announced one by one (see RefusalThrottle).
            guard reply.ok || control.refusals.admit(now: MonotonicClock.now()) else { continue }
            events?.publish(.systemCommands, CommandEvent(cmd: commandName, client: incoming.client.description, ok: reply.ok, error: reply.error))
            if case .success(let request) = incoming.request, request.command.requiredRight == .admin {
                log.note("control: \(request.command.name) from \(incoming.client.description): \(reply.ok ? "ok" : reply.error?.message ?? "error")")
            }
        }
    }

    /// Sums up the refusals that were not announced one by one, once their second is over.
    func publishRefusalSummary(now: TimeInterval) {
        guard let control, let count = control.refusals.takeSummary(now: now) else { return }
        log.note("control: \(count) more refused requests in the last \(Int(control.refusals.window)) s were not announced one by one")
        events?.publish(.systemCommands, CommandEvent.refusalSummary(count))
    }

    private func execute(_ command: ControlCommand, id: String?) -> ControlReply {
        let now = MonotonicClock.now()
        switch command {
        case .ping:
            return .success(PingReply(host: options.host, instance: instance, pid: getpid()), id: id)
        case .version:
            return .success(VersionReply(protocol: ControlRequest.version, version: SupervisorVersion.text, zmq: ZMQContext.version), id: id)
        case .status(let names):
            // Names, group:<g> or all, as for start/stop/restart.
            switch names.isEmpty ? .success([]) : model.resolve(names) {
            case .success(let agents):
                var status = model.status(of: agents, now: now, supervisorPid: getpid())
                for index in status.agents.indices {
                    let name = status.agents[index].name
                    // Figures appear once the agent has been sampled (every few seconds).
                    status.agents[index].resources = status.agents[index].pid == nil ? nil : figures[name]
                    status.agents[index].errorsPerMinute = legacyServices?.errorsPerMinute(name, now: now)
                }
                addLogFigures(to: &status)
                status.instance = instance
                status.eventSeq = events?.sequence
                return statusReply(status, id: id)
            case .failure(let error): return .failure(error, id: id)
            }
        case .start, .stop, .restart:
            let (result, actions) = model.apply(command, now: now)
            for action in actions { perform(action) }
            drainPendingEvents()
            switch result {
            case .success(let outcomes): return .success(CommandResults(agents: outcomes), id: id)
            case .failure(let error): return .failure(error, id: id)
            }
        case .logs(let agent, let lines):
            guard model.specs[agent] != nil else { return .failure(unknownAgent(agent), id: id) }
            let path = "\(options.logDirectory)/\(agent).log"
            switch LogTail.lastLines(of: path, count: lines) {
            case .success(let tail): return .success(LogsReply(agent: agent, lines: tail.lines, offset: tail.end, path: path), id: id)
            case .failure(let error): return .failure(error, id: id)
            }
        case .down:
            let running = model.order.filter { model.runtimes[$0]?.state.hasProcess == true }.count
            log.note("down requested: stopping agents, dependents first")
            feed(.shutdown)
            return .success(DownReply(host: options.host, stopping: running), id: id)
        case .reload:
            return reload(now: now, id: id)
        }
    }

    /// The status reply, each agent's fields but its clocks encoded again only when they
    /// changed since the last request (`AgentStatusFragments`).
    private func statusReply(_ status: HostStatus, id: String?) -> ControlReply {
        guard let control else { return .success(status, id: id) }
        let bytes = ControlReplyFrame.success(
            id: id, capacity: control.lastStatusReplySize + 256, buffer: control.takeSpareReplyBuffer()
        ) { writer in
            status.writeFields(to: &writer) { agent in
                if let kept = control.statusFragments[agent.name], kept.matches(agent) { return kept }
                let fresh = AgentStatusFragments(agent)
                control.statusFragments[agent.name] = fresh
                return fresh
            }
        }
        control.lastStatusReplySize = bytes.count
        return ControlReply(ok: true, error: nil, bytes: bytes, reusable: true)
    }

    private func reload(now: TimeInterval, id: String?) -> ControlReply {
        switch reloadManifest(now: now) {
        case .success(let outcome): .success(outcome, id: id)
        case .failure(let error): .failure(error, id: id)
        }
    }

    /// SIGHUP: the same as `supervisor reload`; a refusal is logged, and nothing changes.
    func reloadOnSignal() {
        guard case .failure(let error) = reloadManifest(now: MonotonicClock.now()) else { return }
        log.note("reload refused: \(error.message)")
        for line in error.details ?? [] { log.note("  \(line)") }
    }

    /// Loads both files again and applies them; any problem is an error and changes nothing.
    private func reloadManifest(now: TimeInterval) -> Result<ReloadOutcome, ControlError> {
        guard let manifestPath = options.manifestPath, let hostsPath = options.hostsPath else {
            return .failure(ControlError(.manifestInvalid, "this supervisor was started without manifest files to reload"))
        }
        let configuration = Configuration.load(manifestPath: manifestPath, hostsPath: hostsPath, environment: options.environment)
        let errors = configuration.issues.errors
        guard errors.isEmpty, let manifest = configuration.manifest else {
            return .failure(ControlError(.manifestInvalid, "\(errors.count) error(s) in the manifest; nothing was changed",
                                         details: errors.map(\.description)))
        }
        let (result, actions) = model.reload(manifest, now: now)
        if case .success = result {
            launcher.legacy = LegacyEnvironment(
                manifest: manifest, hosts: configuration.hosts, portOffset: options.environment["PORT_OFFSET"] ?? "0")
            probes.launcher = launcher
            legacyServices?.registry?.manifest = manifest
            legacyServices?.registry?.hosts = configuration.hosts
            hostTable = configuration.hosts
            control?.statusFragments.removeAll()
            syncRemoteWatchers()
        }
        for action in actions { perform(action) }
        drainPendingEvents()
        if case .success(let outcome) = result {
            func names(_ list: [String]) -> String { list.isEmpty ? "none" : list.joined(separator: ", ") }
            log.note("reloaded: added \(names(outcome.added)); removed \(names(outcome.removed)); changed \(names(outcome.changed))")
        }
        return result
    }

    private func unknownAgent(_ name: String) -> ControlError {
        let close = Spelling.closeMatches(to: name, among: model.order)
        let hint = close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"
        return ControlError(.agentNotFound, "no agent named \(ControlError.quote(name)) on host \(options.host)\(hint)", details: close)
    }

    /// Publishes a state change (with the cause when it follows an exit).
    func publish(_ transition: AgentTransition) {
        events?.publish(.agentState, AgentStateEvent(transition))
    }

    func publishMetrics(now: TimeInterval) {
        legacyServices?.prune(now: now)
        guard let events else { return }
        for agent in model.order {
            guard let runtime = model.runtimes[agent] else { continue }
            var event = MetricsEvent(agent: agent, state: runtime.state, restarts: runtime.restarts, pid: runtime.pid)
            if runtime.state.hasProcess {
                if let started = runtime.startedAt { event.uptime = now - started }
                // Before the first sample only the enforcement is known.
                event.resources = figures[agent]
                if event.resources == nil { event.enforcement = enforcement(for: agent) }
            }
            if let lost = processes.logHealth(of: agent)?.linesLost, lost > 0 { event.logLinesLost = lost }
            events.publish(.agentMetrics, event)
        }
    }
}

/// A reply on the control socket, as bytes.
struct ControlReply {
    var ok: Bool
    var error: ControlError?
    var bytes: [UInt8]
    /// Whether `bytes` is worth keeping to write the next reply of its kind over (status).
    var reusable = false

    static func success(_ data: some JSONWritable, id: String?) -> ControlReply {
        ControlReply(ok: true, error: nil, bytes: ControlReplyFrame.success(data, id: id))
    }

    static func failure(_ error: ControlError, id: String?) -> ControlReply {
        ControlReply(ok: false, error: error, bytes: ControlReplyFrame.failure(error, id: id))
    }
}
