import SupervisorCore
import Testing

/// Whether the limits tests can use real cgroups here (root, and a writable cgroup v2 with
/// memory, cpu and pids, or a v1 memory hierarchy), decided once per test run by the logic
/// `supervisor up` uses (`CgroupAvailability.probe`). In a container, under `ip netns exec`, as
/// a normal user or with /sys/fs/cgroup hidden, the tests that need cgroups are skipped at once
/// with the reason, instead of waiting for a `limits: cgroup` line that never comes.
enum CgroupRequirement {
    static let availability = CgroupAvailability.probe()

    static var isMet: Bool { availability.isUsable }

    /// The skip reason printed with each test that needs cgroups.
    static var skipReason: Comment {
        switch availability {
        case .usable(let enforcement): Comment(rawValue: "cgroups are usable (\(enforcement.rawValue))")
        case .unavailable(let reason):
            Comment(rawValue: "needs usable cgroups, and there are none here: \(reason) (the supervisor would fall back to its memory watchdog)")
        }
    }
}
