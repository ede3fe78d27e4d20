import Foundation
import SupervisorModel

/// Keeping every descendant of an agent within reach, with or without cgroups (README,
/// "What is guaranteed"): the stop signal reaches the agent's process group, the rest of its
/// cgroup and its adopted orphans; when the agent exits, whatever is left of them is killed.
extension Reactor {
    /// At start: kills what a SIGKILLed predecessor of this run folder left running (processes
    /// whose `SUPERVISOR_RUN` marker is ours; the lock guarantees that predecessor is dead).
    func sweepLeftovers() {
        guard options.containDescendants else { return }
        let left = ProcessMarker.killProcesses(markedWith: options.runMarker)
        guard !left.isEmpty else { return }
        let list = left.map { "\($0.pid)" + ($0.agent.map { " (\($0))" } ?? "") }.joined(separator: ", ")
        log.note("killed \(left.count) process(es) left running by a previous supervisor of this run folder: \(list)")
    }

    /// Takes in orphans that came back to the supervisor: kept while their agent runs, killed
    /// at once otherwise; one without this run's marker is left running (and reaped when it
    /// exits). `exited` names an agent whose process just exited: its orphans are its old
    /// process's, to be killed even when a new process of it already runs (a restart).
    func adoptOrphans(exited: String? = nil) {
        guard let orphans else { return }
        var owned = Set(processes.processes.values.map(\.pid))
        owned.formUnion(probes.processIDs)
        for orphan in orphans.adopt(excluding: owned) {
            // Already dead (killed with its agent's group): only to be reaped.
            if ProcessSampler.isZombie(orphan.pid) { continue }
            let command = ProcessSampler.commandLine(orphan.pid)
            guard orphan.isMarked else {
                log.note("pid \(orphan.pid) (\(command)) came back to the supervisor without this run's marker; left running")
                continue
            }
            if let agent = orphan.agent, agent != exited, processes.processes[agent] != nil {
                log.note("\(agent): its descendant pid \(orphan.pid) (\(command)) was orphaned; it will be stopped with \(agent)")
                continue
            }
            orphans.signal(orphan, SIGKILL)
            let owner = orphan.agent.map { $0 == exited ? "of \($0)'s process that exited" : "of \($0), which is not running" }
                ?? "of an agent of this run"
            log.note("killed pid \(orphan.pid) (\(command)), an orphaned descendant \(owner)")
        }
    }

    /// Sends the agent's stop (or kill) signal beyond its process group: to members of its
    /// cgroup in other groups (a `setsid` daemon) and to its adopted orphans.
    func signalDescendants(of agent: String, _ number: Int32, group: Int32) {
        if let limiter, let cgroup = cgroups[agent] {
            for pid in limiter.processes(cgroup) where getpgid(pid) != group { kill(pid, number) }
        }
        for orphan in orphans?.orphans(of: agent) ?? [] { orphans?.signal(orphan, number) }
    }

    /// After the agent exited: its orphans (those just re-parented included) are killed; the
    /// rest of its cgroup goes when the cgroup is released. Called after the exit was fed to
    /// the model, so a restart's clone does not wait for the scan (reading the supervisor's
    /// children list costs the kernel O(children) per entry); a new process of the agent is
    /// not an orphan, and one that has run for microseconds has none.
    func killDescendants(of agent: String) {
        guard let orphans else { return }
        adoptOrphans(exited: agent)
        for orphan in orphans.orphans(of: agent) { orphans.signal(orphan, SIGKILL) }
    }

    /// An orphan exited: reap it; its own children may now be ours.
    func reapOrphan(_ pid: Int32) {
        guard orphans?.reap(pid) == true else { return }
        adoptOrphans()
    }

    /// At exit: every orphan is killed and reaped, so none outlives the supervisor.
    func killAllOrphans() {
        guard let orphans else { return }
        // Killing an orphan re-parents its own children to us: repeat until none is left, within
        // one deadline for the whole of it.
        let deadline = MonotonicClock.now() + 2
        repeat {
            adoptOrphans()
            guard orphans.orphans.values.contains(where: \.isMarked) else { break }
            orphans.killMarked(until: deadline)
        } while MonotonicClock.now() < deadline
    }
}
