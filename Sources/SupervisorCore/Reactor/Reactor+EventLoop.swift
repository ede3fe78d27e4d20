import Foundation
import SupervisorModel

/// The reactor's turn: fire what is due, wait in the `EventLoop` until the earliest deadline or
/// a ready descriptor, dispatch what is ready. A turn costs O(ready descriptors + due timers):
/// every descriptor is registered once, by its owner, when it is made (agents' pidfds and pipes
/// at spawn, probes' sockets at the probe's start, the set-up sockets here), and every deadline
/// sits in a heap (the model's `timers`, the probes' own, and `deadlines` for the reactor's
/// periodic work), so nothing proportional to the number of agents is rebuilt or scanned.
extension Reactor {
    /// Registers what exists for the reactor's whole life: the wake pipe, the control and ZAP
    /// sockets, the socket monitors, the legacy registry and error bus.
    func watchSetUpDescriptors() throws {
        try loop.add(wake.read, tag: .wake)
        if let control { try loop.add(control.socket, tag: .control) }
        if let gate { try loop.add(gate.zap.socket, tag: .zap) }
        if let monitor = control?.monitor { try loop.add(monitor.socket, tag: .controlMonitor) }
        if let monitor = events?.monitor { try loop.add(monitor.socket, tag: .eventsMonitor) }
        try legacyServices?.watch(with: loop)
    }

    /// RLIMIT_NOFILE up to what the manifest needs (agents get the original soft limit back).
    func raiseDescriptorLimit() {
        let needed = DescriptorLimit.needed(forAgents: model.order.count)
        if let shortfall = DescriptorLimit.raise(toFit: needed).shortfall { log.warn("warning: \(shortfall)") }
    }

    /// The first sample and metrics are due at once.
    func scheduleSampling() {
        let now = MonotonicClock.now()
        deadlines.set(.sample, at: now)
        if events != nil { deadlines.set(.metrics, at: now) }
    }

    /// The next sample of the starts holding a slot, while there are any.
    func scheduleStartQuiet() {
        if let due = startQuiet.nextDue { deadlines.set(.startQuiet, at: due) }
    }

    /// Puts `watcher`'s next deadline in the heap (after anything that may have moved it).
    func schedule(_ watcher: RemoteHostWatcher) {
        deadlines.set(.remote(watcher.host.name), at: watcher.nextDeadline)
    }

    func fireDueTimers() {
        let now = MonotonicClock.now()
        // Taken first, so a deadline set again for `now` (an interval of 0) waits for the next turn.
        var due: [ReactorDeadline] = []
        while let next = deadlines.popDue(now: now) { due.append(next) }
        for deadline in due {
            switch deadline {
            case .sample:
                sampleResources(now: now)
                settleLogs()
                deadlines.set(.sample, at: now + sampleInterval)
            case .metrics:
                publishMetrics(now: now)
                deadlines.set(.metrics, at: now + options.metricsInterval)
            case .remote(let host):
                guard let watcher = remoteWatchers.first(where: { $0.host.name == host }) else { continue }
                let news = watcher.tick(now: now)
                schedule(watcher)
                for event in news { feed(event) }
            case .startQuiet:
                let quiet = startQuiet.tick(now: now, isStarting: { [model] key in
                    let runtime = model.runtimes[key.agent]
                    return runtime?.state == .starting && runtime?.generation == key.generation
                }, pid: { [model] agent in model.runtimes[agent]?.pid })
                for key in quiet { feed(.startQuiet(agent: key.agent, generation: key.generation)) }
                scheduleStartQuiet()
            }
        }
        while let key = timers.popDue(now: now) { feed(.timerFired(key)) }
        publishRefusalSummary(now: now)
        for result in probes.expire(now: now) { feed(probeEvent(result)) }
    }

    /// The earliest deadline of all: four heap tops (or fields), O(1).
    func nextDeadline() -> TimeInterval? {
        [timers.nextDeadline(), probes.nextDeadline, deadlines.nextDeadline(), control?.refusals.summaryDue]
            .compactMap { $0 }.min()
    }

    func waitAndDispatch() {
        let ready: [ReactorTag]
        do {
            ready = try loop.wait(until: nextDeadline())
        } catch {
            // EBADF or EINVAL: a bug, not a condition; say it rather than spin silently.
            log.warn("warning: the event loop failed: \(error)")
            return
        }
        guard !ready.isEmpty else { return }
        defer {
            if orphanScanPending {
                orphanScanPending = false
                adoptOrphans()
            }
        }
        for tag in ready { dispatch(tag) }
    }

    private func dispatch(_ tag: ReactorTag) {
        switch tag {
        case .wake: readWakePipe()
        case .process(let agent):
            if let status = processes.reap(agent) { onExit(agent, status) }
        case .pipe(let fd): processes.drain(fd)
        case .orphan(let pid): reapOrphan(pid)
        case .control: serveControlRequests()
        case .zap:
            for line in gate?.answerZAP(now: MonotonicClock.now()) ?? [] { log.note(line) }
        case .controlMonitor:
            let seen = control?.monitor?.pendingEvents() ?? []
            for line in gate?.describe(seen, on: "control", now: MonotonicClock.now()) ?? [] { log.note(line) }
        case .eventsMonitor:
            let seen = events?.monitor?.pendingEvents() ?? []
            for line in gate?.describe(seen, on: "events", now: MonotonicClock.now()) ?? [] { log.note(line) }
        case .registry: legacyServices?.serveRegistry { self.model.runtimes[$0]?.state.rawValue }
        case .errorBus: receiveErrorReports()
        case .remoteEvents(let host):
            guard let watcher = remoteWatchers.first(where: { $0.host.name == host }) else { return }
            let news = watcher.receiveEvents(now: MonotonicClock.now())
            schedule(watcher)
            for event in news { feed(event) }
        case .remoteReply(let host):
            guard let watcher = remoteWatchers.first(where: { $0.host.name == host }) else { return }
            let news = watcher.receiveReplies(now: MonotonicClock.now())
            schedule(watcher)
            for event in news { feed(event) }
        case .probe(let agent):
            if let result = probes.complete(agent) { feed(probeEvent(result)) }
        }
    }

    /// After the last agent is reaped, its children may still hold output pipes: they were sent
    /// SIGKILL with the group, so end of file comes quickly. Log what is left, then close. It
    /// runs once, at exit, so a plain poll over the pipes still open is enough.
    func drainRemainingOutput() {
        let deadline = MonotonicClock.now() + 2
        while !processes.pipes.isEmpty && MonotonicClock.now() < deadline {
            var items = processes.pipeDescriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&items, nfds_t(items.count), 100) > 0 else { continue }
            for item in items where item.revents != 0 { processes.drain(item.fd) }
        }
        processes.closeAllPipes()
    }
}
