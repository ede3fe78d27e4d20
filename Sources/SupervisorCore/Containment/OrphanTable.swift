import CSpawn
import Foundation

/// Descendants of agents that were orphaned and came back to the supervisor, which is a child
/// subreaper (their parent died: a stopped agent, or a daemonising child that `setsid`-ed and
/// left). Each is tied to its agent through the marker it inherited, kept until that agent
/// stops, then killed; one whose agent is not running is killed at once. A child without this
/// run's marker is only reaped, never killed: it may be no agent's (a process started before
/// `exec supervisor`, or anything orphaned in a container where the supervisor is PID 1).
/// Each is reaped through its own pidfd, like agents.
final class OrphanTable {
    struct Orphan {
        var pid: Int32
        var pidfd: Int32
        /// The agent it descends from, when its marker names one of this run.
        var agent: String?
        /// It carries this run's marker: a descendant of one of its agents.
        var isMarked: Bool
    }

    let runMarker: String
    private(set) var orphans: [Int32: Orphan] = [:]
    /// Whether this process is a subreaper; without it, orphans go to init and only the
    /// sweep at the next start finds them.
    let isSubreaper: Bool
    /// Watches each orphan's pidfd from its adoption to its reap (set by the reactor).
    var loop: EventLoop<ReactorTag>?

    init(runMarker: String) {
        self.runMarker = runMarker
        isSubreaper = cspawn_become_subreaper() == 0
    }

    /// Adopts every child not in `owned` that is not adopted yet; returns the new ones.
    func adopt(excluding owned: Set<Int32>) -> [Orphan] {
        var adopted: [Orphan] = []
        for pid in ProcessSampler.children(of: "self") where !owned.contains(pid) && orphans[pid] == nil {
            // Our child, not reaped: its pid cannot be reused, so pidfd_open is race-free.
            let pidfd = cspawn_pidfd_open(pid)
            guard pidfd >= 0 else { continue }
            let marker = ProcessMarker.of(pid)
            let isMarked = marker?.run == runMarker
            let orphan = Orphan(pid: pid, pidfd: pidfd, agent: isMarked ? marker?.agent : nil, isMarked: isMarked)
            orphans[pid] = orphan
            adopted.append(orphan)
            // Only epoll out of memory refuses it; the orphan is then killed and reaped at
            // shutdown (a zombie until then), which beats failing the adoption.
            try? loop?.add(pidfd, tag: .orphan(pid))
        }
        return adopted
    }

    /// The adopted descendants of `agent`.
    func orphans(of agent: String) -> [Orphan] {
        orphans.values.filter { $0.agent == agent }
    }

    func signal(_ orphan: Orphan, _ number: Int32) {
        kill(orphan.pid, number)
    }

    /// Reaps the orphan if it has exited.
    @discardableResult
    func reap(_ pid: Int32) -> Bool {
        guard let orphan = orphans[pid] else { return false }
        var code: Int32 = -1, signal: Int32 = -1, core: Int32 = 0
        // -1: waitid failed (not our child any more): drop it, or its readable pidfd would
        // wake the reactor forever.
        guard cspawn_pidfd_reap(orphan.pidfd, 0, &code, &signal, &core) != 0 else { return false }
        loop?.remove(orphan.pidfd)
        close(orphan.pidfd)
        orphans[pid] = nil
        return true
    }

    /// SIGKILL to every marked orphan (at shutdown), then reap them (SIGKILL is prompt), until
    /// `deadline`.
    func killMarked(until deadline: TimeInterval) {
        for orphan in orphans.values where orphan.isMarked { kill(orphan.pid, SIGKILL) }
        while orphans.values.contains(where: \.isMarked) && MonotonicClock.now() < deadline {
            var left = false
            for (pid, orphan) in orphans where orphan.isMarked && !reap(pid) { left = true }
            if left { usleep(1_000) }
        }
    }

    deinit {
        for orphan in orphans.values { close(orphan.pidfd) }
    }
}
