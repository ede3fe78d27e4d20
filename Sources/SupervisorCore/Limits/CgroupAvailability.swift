import Foundation
import SupervisorModel

/// Whether this process could hold agents in cgroups, decided exactly as `supervisor up`
/// decides it (`CgroupLimiter.detect`: a writable cgroup v2 with memory, cpu and pids, else a
/// writable v1 memory hierarchy), for callers that must know before starting a supervisor, such
/// as tests that need real cgroups.
public enum CgroupAvailability: Sendable, Equatable {
    /// Cgroups are usable, with this enforcement.
    case usable(LimitEnforcement)
    /// No usable cgroups, and why (the reason `supervisor up` logs).
    case unavailable(reason: String)

    /// Probes with a throwaway host subtree (`supervisor/cgroup-probe.<pid>`), removed at once.
    /// As `up` would, a process started in a delegated child cgroup v2 moves itself into the
    /// leaf `supervisor/cgroup-probe.<pid>.daemon` of it first, and stays there.
    public static func probe() -> CgroupAvailability {
        switch CgroupLimiter.detect(host: "cgroup-probe", instance: String(getpid())) {
        case .success(let limiter):
            limiter.removeHostSubtree()
            return .usable(limiter.enforcement)
        case .failure(let unavailable):
            return .unavailable(reason: unavailable.reason)
        }
    }

    /// True when cgroups are usable.
    public var isUsable: Bool {
        if case .usable = self { return true }
        return false
    }
}
