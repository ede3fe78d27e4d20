/// How often the memory watchdog (no cgroups) reads each agent it guards.
///
/// Every full resource sample (every 5 s) reads every agent's memory. Between samples, the
/// watchdog reads every second only the agents whose last reading was at least half their
/// limit: an agent far below its limit would have to more than double within seconds to
/// breach it. So a breach is seen within the watchdog interval (1 s) once an agent is past
/// `closeFraction` of its limit, and within one full sample interval (5 s) of a jump from
/// below it; reading all of them every second was most of the idle daemon's /proc work.
public struct MemoryWatchdogPace: Sendable, Equatable {
    /// From this share of its limit on, an agent is read at every watchdog tick.
    public static let closeFraction = 0.5

    /// Agents read at every watchdog tick, in no order.
    public private(set) var close: Set<String> = []

    public init() {}

    /// Whether `rss` is close enough to `limit` to be read at every tick.
    public static func isClose(rss: UInt64, limit: UInt64) -> Bool {
        Double(rss) >= Double(limit) * closeFraction
    }

    /// Notes a reading of the agent's resident memory against its limit.
    public mutating func note(_ agent: String, rss: UInt64, limit: UInt64) {
        if Self.isClose(rss: rss, limit: limit) {
            close.insert(agent)
        } else {
            close.remove(agent)
        }
    }

    /// A new process of the agent: read at every tick until a reading finds it far below its
    /// limit (nothing is known of its memory before one).
    public mutating func watch(_ agent: String) {
        close.insert(agent)
    }

    /// The agent has no process (or no limit) any more.
    public mutating func forget(_ agent: String) {
        close.remove(agent)
    }
}
