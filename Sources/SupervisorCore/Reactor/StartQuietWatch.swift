import Foundation
import SupervisorModel

/// Starts that hold a start slot (`max_concurrent_starts`), watched for the end of the busy
/// part of their start: an interpreter importing its packages uses the CPU, an agent that then
/// waits (for a delay, a peer, a first request) does not, and need not keep the next start
/// waiting until `start_settle` has passed.
///
/// A start is quiet after `quietIntervals` consecutive intervals in which its processes used
/// less than `quietShare` of one core and none was runnable when sampled. Only starts holding a
/// slot are sampled (at most `max_concurrent_starts`), and only while there are any.
struct StartQuietWatch {
    /// How often a watched start is sampled.
    static let interval: TimeInterval = 0.005
    /// CPU use below this share of one core over an interval counts as quiet.
    static let quietShare = 0.2
    /// Consecutive quiet intervals before a start counts as quiet.
    static let quietIntervals = 2

    private struct Watched {
        var key: TimerKey
        var last: StartActivity?
        var lastAt: TimeInterval
        var quiet = 0
    }

    private var watched: [String: Watched] = [:]
    private var files = ProcFile()
    /// When the next sample is due; nil when nothing is watched.
    private(set) var nextDue: TimeInterval?

    /// Watches the start named by its `startSettled` timer (agent and generation), set as the
    /// process is spawned: it has used no CPU yet, so that is the first reading (not a sample
    /// 5 ms later), and the first interval counts everything from the clone on (exec and
    /// loading included). A quiet start then takes two samples, not three.
    mutating func watch(_ key: TimerKey, now: TimeInterval) {
        let unstarted = StartActivity(cpuNanoseconds: 0, runnable: false, processes: 0)
        watched[key.agent] = Watched(key: key, last: unstarted, lastAt: now)
        if nextDue == nil { nextDue = now + Self.interval }
    }

    var count: Int { watched.count }

    /// Samples every watched start whose agent `isStarting` (given its generation) still holds;
    /// returns the keys of those that went quiet, which are no longer watched. `pid` gives
    /// the agent's process.
    mutating func tick(
        now: TimeInterval, isStarting: (TimerKey) -> Bool, pid: (String) -> Int32?
    ) -> [TimerKey] {
        guard let due = nextDue, now >= due else { return [] }
        var quiet: [TimerKey] = []
        for (agent, entry) in watched {
            guard isStarting(entry.key), let process = pid(agent) else {
                watched[agent] = nil
                continue
            }
            guard let activity = StartActivity.sample(process, files: &files) else { continue }
            var updated = entry
            if let last = entry.last, now > entry.lastAt {
                let used = Double(activity.cpuNanoseconds &- last.cpuNanoseconds) / 1e9
                let isQuiet = !activity.runnable && activity.cpuNanoseconds >= last.cpuNanoseconds
                    && used < Self.quietShare * (now - entry.lastAt)
                updated.quiet = isQuiet ? entry.quiet + 1 : 0
            }
            updated.last = activity
            updated.lastAt = now
            if updated.quiet >= Self.quietIntervals {
                watched[agent] = nil
                quiet.append(entry.key)
            } else {
                watched[agent] = updated
            }
        }
        nextDue = watched.isEmpty ? nil : now + Self.interval
        return quiet
    }
}
