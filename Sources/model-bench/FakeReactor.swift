import SupervisorModel

/// Drives a `HostSupervisor` as the reactor would, with a fake clock and no processes: every
/// spawn is answered with a pid, every probe with a healthy outcome, and timers fire in due
/// order whenever no event is waiting. Liveness probe timers are not fired (the agents would
/// be probed forever); everything else is.
struct FakeReactor {
    var model: HostSupervisor
    private(set) var now: Double = 0
    private(set) var events = 0
    private(set) var actions = 0
    private(set) var summary: StartupSummary?
    private(set) var exited = false
    private var pending: [SupervisorEvent] = []
    private var pendingHead = 0
    private var timers = DeadlineQueue<TimerKey>()
    private var nextPid: Int32 = 100

    init(model: HostSupervisor) { self.model = model }

    /// Feeds `event`, then everything it leads to, until `done` holds or nothing is left.
    mutating func run(_ event: SupervisorEvent, until done: (FakeReactor) -> Bool) {
        pending.append(event)
        resume(until: done)
    }

    /// Goes on with what is pending, until `done` holds or nothing is left.
    mutating func resume(until done: (FakeReactor) -> Bool) {
        while !done(self) {
            if pendingHead < pending.count {
                let next = pending[pendingHead]
                pendingHead += 1
                if pendingHead > 4096 && pendingHead * 2 > pending.count {
                    pending.removeFirst(pendingHead)
                    pendingHead = 0
                }
                feed(next)
            } else if let due = timers.nextDeadline(), let key = timers.popDue(now: due) {
                now = max(now, due)
                feed(.timerFired(key))
            } else {
                return
            }
        }
    }

    private mutating func feed(_ event: SupervisorEvent) {
        events += 1
        let produced = model.handle(event, now: now)
        actions += produced.count
        for action in produced {
            switch action {
            case .spawn(let agent):
                pending.append(.spawned(agent: agent, pid: nextPid))
                nextPid &+= 1
            case .probe(let agent, let generation):
                pending.append(.probed(agent: agent, generation: generation, outcome: .healthy))
            case .signal(let agent, let signal):
                // The process ends at its stop signal; a SIGKILL after it finds it gone.
                if signal != 9 { pending.append(.exited(agent: agent, status: .signal(signal, coreDumped: false))) }
            case .setTimer(let key, let after):
                if key.kind != .probe { timers.set(key, at: now + after) }
            case .startupFinished(let result):
                summary = result
            case .exit:
                exited = true
            default:
                break
            }
        }
    }
}
