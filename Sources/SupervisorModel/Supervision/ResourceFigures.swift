import Foundation

/// How an agent's `limits` are enforced. Strings only on the wire.
public enum LimitEnforcement: String, Sendable, Codable {
    /// cgroup v2: memory.max / memory.high, cpu.max, pids.max.
    case cgroupV2 = "cgroup v2"
    /// cgroup v1: memory.limit_in_bytes, cpu.cfs_quota_us, pids.max.
    case cgroupV1 = "cgroup v1"
    /// No cgroups: the supervisor samples memory and restarts an agent over its limit.
    case watchdog
    /// The agent has no limits.
    case none
}

/// Measured use of one agent (all its processes), for status and `agent.metrics`.
public struct ResourceFigures: Equatable, Sendable, Codable {
    public var enforcement: LimitEnforcement
    /// Resident memory of every process of the agent, in bytes.
    public var rss: UInt64
    /// CPU use over the last interval, as a share of one core (1.0 = one full core).
    public var cpu: Double?
    public var threads: Int
    /// Open file descriptors of every process of the agent.
    public var fds: Int
    /// Processes counted.
    public var processes: Int
    /// Time the agent was held back by its CPU limit, in seconds since it started (cgroups).
    public var throttled: Double?
    /// Limits that the active enforcement cannot hold (e.g. `cpu` and `pids` under the watchdog).
    public var unenforced: [String]

    public init(enforcement: LimitEnforcement, rss: UInt64 = 0, cpu: Double? = nil, threads: Int = 0, fds: Int = 0,
                processes: Int = 0, throttled: Double? = nil, unenforced: [String] = []) {
        self.enforcement = enforcement
        self.rss = rss
        self.cpu = cpu
        self.threads = threads
        self.fds = fds
        self.processes = processes
        self.throttled = throttled
        self.unenforced = unenforced
    }
}
