import CSpawn
import Foundation

/// The daemon's open-file limit (RLIMIT_NOFILE). Each agent holds about three descriptors in
/// the supervisor (a pidfd and two pipes) and epoll has no FD_SETSIZE, so at start the soft limit
/// goes up to the hard one, and as root the hard one too when it is below what the manifest
/// needs (up to /proc/sys/fs/nr_open). Agents get the original soft limit back in the child:
/// many programs use select() and break above 1024.
enum DescriptorLimit {
    /// A soft and hard limit (`Int64.max`: unlimited).
    struct Limits: Equatable, Sendable {
        var soft: Int64
        var hard: Int64
    }

    /// The limits this process started with, read once, before any raise.
    static let original: Limits? = current()

    /// Descriptors the supervisor needs for `agents` agents: three each and 64 of its own.
    static func needed(forAgents agents: Int) -> Int64 {
        Int64(agents) * 3 + 64
    }

    /// The limits now, or nil when getrlimit fails.
    static func current() -> Limits? {
        var soft: Int64 = 0, hard: Int64 = 0
        guard cspawn_nofile_get(&soft, &hard) == 0 else { return nil }
        return Limits(soft: soft, hard: hard)
    }

    /// Raises the soft limit to the hard one; as root, first the hard limit to `needed` when it
    /// is below (capped by `nr_open`). Returns the limits in force afterwards and, when they are
    /// still below `needed`, a sentence saying so.
    @discardableResult
    static func raise(toFit needed: Int64) -> (limits: Limits?, shortfall: String?) {
        _ = original
        guard let now = current() else { return (nil, "cannot read the open-file limit: \(String(cString: strerror(errno)))") }
        let target = target(from: now, needed: needed, mayRaiseHard: geteuid() == 0, ceiling: nrOpen() ?? now.hard)
        if target != now && cspawn_nofile_set(target.soft, target.hard) != 0 {
            // The hard limit could not rise: the soft one still may.
            _ = cspawn_nofile_set(now.hard, now.hard)
        }
        let after = current() ?? now
        guard after.soft < needed else { return (after, nil) }
        return (after, "the open-file limit is \(after.soft) (hard \(after.hard)); \(needed) are needed for this manifest's agents (3 per agent + 64), so spawns may fail with EMFILE")
    }

    /// The limits to ask for: soft up to hard; when `mayRaiseHard` (root) and the hard limit is
    /// below `needed`, both up to `needed`, at most `ceiling` (nr_open). Never lower than now.
    static func target(from now: Limits, needed: Int64, mayRaiseHard: Bool, ceiling: Int64) -> Limits {
        guard now.hard < needed && mayRaiseHard else { return Limits(soft: max(now.soft, now.hard), hard: now.hard) }
        let hard = max(now.hard, min(needed, ceiling))
        return Limits(soft: hard, hard: hard)
    }

    /// /proc/sys/fs/nr_open: the most a hard limit may be.
    static func nrOpen() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/sys/fs/nr_open", encoding: .utf8) else { return nil }
        return Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
