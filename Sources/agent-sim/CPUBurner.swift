import Foundation

/// Busy-loops on background threads for `--cpu`: a share of 1.0 keeps one core busy, 0.5 keeps
/// it busy for the first half of every 100 ms slice and asleep for the rest, 2.5 uses three
/// threads (1.0, 1.0 and 0.5).
///
/// These threads touch no ZeroMQ socket and spawn no process, so they do not break the rule
/// that sockets and children belong to the main thread.
enum CPUBurner {
    /// The length of one busy-then-sleep cycle. Short enough that `ps` and cgroup CPU
    /// accounting see a steady share, long enough that the sleeping costs nothing.
    static let slice = 0.1

    /// Starts the threads for `share` cores' worth of work; returns how many were started.
    @discardableResult
    static func start(share: Double) -> Int {
        var remaining = share
        var started = 0
        while remaining > 0.0005 {
            let threadShare = min(1, remaining)
            remaining -= threadShare
            let thread = Thread { burn(share: threadShare) }
            thread.name = "agent-sim-cpu-\(started)"
            thread.start()
            started += 1
        }
        return started
    }

    private static func burn(share: Double) -> Never {
        while true {
            let sliceStart = AgentClock.now()
            let busyUntil = sliceStart + slice * share
            // Reading the clock is the work: an opaque call the optimiser cannot remove.
            while AgentClock.now() < busyUntil {}
            if share < 1 {
                let rest = sliceStart + slice - AgentClock.now()
                if rest > 0 { usleep(useconds_t(rest * 1_000_000)) }
            }
        }
    }
}
