import Foundation

/// The simulated agent's uptime, read on the monotonic clock, which neither NTP nor someone
/// changing the date can move: every deadline of the simulation is measured on it.
///
/// SupervisorCore has a clock of its own; agent-sim keeps this small one so that it depends
/// on nothing but the ZeroMQ wrapper from the library, which other work may reshape.
struct AgentClock {
    /// When the agent started, in `AgentClock.now()` seconds.
    let start: Double

    /// A clock whose uptime starts at zero now.
    init() {
        start = Self.now()
    }

    /// Seconds since the agent started.
    var uptime: Double { Self.now() - start }

    /// Seconds since an arbitrary fixed point (boot).
    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// `seconds` for log lines, e.g. `1.250`.
    static func format(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }
}
