import Foundation
import SupervisorModel

/// One agent's cgroup: a directory per hierarchy (v1) or one directory (v2).
struct AgentCgroup {
    var directories: [String]
    /// The `cgroup.procs` files the child writes itself into between fork and exec.
    var procsFiles: [String] { directories.map { $0 + "/cgroup.procs" } }
}

/// Creates, limits, reads and removes agent cgroups under a subtree the supervisor owns:
/// `<hierarchy>/supervisor/<host>.<instance>/<agent>`. The instance tag comes from the run
/// folder whose lock this supervisor holds, so a stale subtree found at start belongs to a dead
/// supervisor of the same run folder and nobody else.
final class CgroupLimiter {
    enum Layout {
        /// cgroup v2: the host subtree.
        case v2(String)
        /// cgroup v1: controller -> host subtree in that controller's hierarchy.
        case v1([String: String])
    }

    let layout: Layout
    var enforcement: LimitEnforcement {
        if case .v2 = layout { return .cgroupV2 }
        return .cgroupV1
    }

    /// cgroup v2: the cgroup the supervisor was started in, and the leaf it moved itself into.
    let delegation: CgroupV2Delegation.Subtree?

    private init(layout: Layout, delegation: CgroupV2Delegation.Subtree? = nil) {
        self.layout = layout
        self.delegation = delegation
    }

    /// A limiter for the best writable hierarchy (v2 with memory, cpu and pids; else v1), or
    /// nil with the reason when there is none.
    static func detect(host: String, instance: String, mounts: CgroupMounts = .read()) -> Result<CgroupLimiter, LimiterUnavailable> {
        let leaf = "supervisor/\(host).\(instance)"
        var reasons: [String] = []
        if let v2 = mounts.v2 {
            let wanted = Set(CgroupV2Delegation.controllers)
            if wanted.isSubset(of: v2.controllers) {
                switch CgroupV2Delegation.prepare(mount: v2.mount, ownPath: mounts.ownPaths[""] ?? "/", tag: "\(host).\(instance)") {
                case .success(let subtree): return .success(CgroupLimiter(layout: .v2(subtree.base), delegation: subtree))
                case .failure(let unavailable): reasons.append(unavailable.reason)
                }
            } else {
                reasons.append("cgroup v2 at \(v2.mount) lacks \(wanted.subtracting(v2.controllers).sorted().joined(separator: ", "))")
            }
        }
        var roots: [String: String] = [:]
        for controller in ["memory", "cpu", "cpuacct", "pids"] {
            guard let mount = mounts.v1[controller] else { continue }
            let base = mount + "/" + leaf
            if (try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)) != nil {
                roots[controller] = base
            }
        }
        if roots["memory"] != nil {
            return .success(CgroupLimiter(layout: .v1(roots)))
        }
        // No v1 limiter without memory: take back the subtrees made in the other hierarchies.
        for base in roots.values { rmdir(base) }
        reasons.append(mounts.v1.isEmpty ? "no cgroup v1 hierarchies" : "cgroup v1 memory hierarchy is not writable")
        return .failure(LimiterUnavailable(reason: reasons.joined(separator: "; ")))
    }

    /// Why cgroups cannot be used.
    struct LimiterUnavailable: Error {
        var reason: String
    }

    /// The host subtree's directories (one per hierarchy).
    var hostDirectories: [String] {
        switch layout {
        case .v2(let base): [base]
        case .v1(let roots): Array(roots.values)
        }
    }

    /// Which of an agent's limits this layout cannot hold.
    func unenforced(_ limits: ResourceLimits) -> [String] {
        guard case .v1(let roots) = layout else { return [] }
        var missing: [String] = []
        if limits.cpu != nil && roots["cpu"] == nil { missing.append("cpu") }
        if limits.pids != nil && roots["pids"] == nil { missing.append("pids") }
        return missing
    }

    /// A fresh cgroup for the agent with its limits written (an old one of the same name is
    /// removed first, so counters such as oom_kill start at zero).
    func create(agent: String, limits: ResourceLimits) throws -> AgentCgroup {
        let cgroup = cgroupOf(agent)
        remove(cgroup)
        for directory in cgroup.directories {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        switch layout {
        case .v2(let base):
            let directory = base + "/" + agent
            if let memory = limits.memory { try CgroupFile.require(directory + "/memory.max", "\(memory)") }
            if let high = limits.memoryHigh { try CgroupFile.require(directory + "/memory.high", "\(high)") }
            if let cpu = limits.cpu { try CgroupFile.require(directory + "/cpu.max", "\(Int(cpu * 100_000)) 100000") }
            if let pids = limits.pids { try CgroupFile.require(directory + "/pids.max", "\(pids)") }
        case .v1(let roots):
            if let memory = limits.memory, let root = roots["memory"] {
                try CgroupFile.require(root + "/\(agent)/memory.limit_in_bytes", "\(memory)")
            }
            if let high = limits.memoryHigh, let root = roots["memory"] {
                try CgroupFile.require(root + "/\(agent)/memory.soft_limit_in_bytes", "\(high)")
            }
            if let cpu = limits.cpu, let root = roots["cpu"] {
                try CgroupFile.require(root + "/\(agent)/cpu.cfs_period_us", "100000")
                try CgroupFile.require(root + "/\(agent)/cpu.cfs_quota_us", "\(Int(cpu * 100_000))")
            }
            if let pids = limits.pids, let root = roots["pids"] {
                try CgroupFile.require(root + "/\(agent)/pids.max", "\(pids)")
            }
        }
        return cgroup
    }

    /// The agent's cgroup paths (whether or not they exist).
    func cgroupOf(_ agent: String) -> AgentCgroup {
        AgentCgroup(directories: hostDirectories.map { $0 + "/" + agent })
    }

    /// How many times the kernel OOM-killed a process of this cgroup.
    func oomKills(_ cgroup: AgentCgroup) -> Int {
        let file: String
        switch layout {
        case .v2(let base): file = base + "/" + lastComponent(cgroup) + "/memory.events"
        case .v1(let roots):
            guard let root = roots["memory"] else { return 0 }
            file = root + "/" + lastComponent(cgroup) + "/memory.oom_control"
        }
        return CgroupFile.keyed(file)["oom_kill"].map(Int.init) ?? 0
    }

    /// Total CPU time (seconds) and throttled time (seconds) of the cgroup, where readable.
    func cpuTimes(_ cgroup: AgentCgroup) -> (used: Double?, throttled: Double?) {
        let name = lastComponent(cgroup)
        switch layout {
        case .v2(let base):
            let stat = CgroupFile.keyed(base + "/\(name)/cpu.stat")
            return (stat["usage_usec"].map { Double($0) / 1e6 }, stat["throttled_usec"].map { Double($0) / 1e6 })
        case .v1(let roots):
            let used = roots["cpuacct"].flatMap { CgroupFile.number($0 + "/\(name)/cpuacct.usage") }.map { Double($0) / 1e9 }
            let throttled = roots["cpu"].flatMap { CgroupFile.keyed($0 + "/\(name)/cpu.stat")["throttled_time"] }
            return (used, throttled.map { Double($0) / 1e9 })
        }
    }

    /// Every process in the cgroup.
    func processes(_ cgroup: AgentCgroup) -> [Int32] {
        guard let first = cgroup.directories.first,
              let text = ProcFile.wholeText(first + "/cgroup.procs") else { return [] }
        return text.split(separator: "\n").compactMap { Int32($0) }
    }

    /// Kills what is left in the cgroup and removes its directories.
    func remove(_ cgroup: AgentCgroup) {
        // cgroup v2 (Linux 5.14+) kills every member at once, forks in flight included.
        if case .v2 = layout, let directory = cgroup.directories.first { _ = CgroupFile.write(directory + "/cgroup.kill", "1") }
        for _ in 0..<100 {
            let left = processes(cgroup)
            if left.isEmpty { break }
            for pid in left { kill(pid, SIGKILL) }
            usleep(10_000)
        }
        for directory in cgroup.directories { rmdir(directory) }
    }

    /// Removes agent cgroups left by a dead supervisor of this run folder (killing what still
    /// runs in them); returns the agents found.
    func removeStale() -> [String] {
        var found = removeAgentCgroups(under: hostDirectories)
        // cgroup v2: a predecessor started in another cgroup left its subtree there.
        if let delegation {
            for base in CgroupV2Delegation.subtreesElsewhere(like: delegation) {
                // A `.daemon` leaf held only the dead supervisor: it is empty.
                if !base.hasSuffix(".daemon") { found.formUnion(removeAgentCgroups(under: [base])) }
                rmdir(base)
            }
        }
        return found.sorted()
    }

    /// Kills and removes every agent cgroup in the host subtree directories `bases`; returns
    /// the agents found.
    private func removeAgentCgroups(under bases: [String]) -> Set<String> {
        var found: Set<String> = []
        for base in bases {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: base + "/" + name, isDirectory: &isDirectory), isDirectory.boolValue {
                    found.insert(name)
                }
            }
        }
        for name in found { remove(AgentCgroup(directories: bases.map { $0 + "/" + name })) }
        return found
    }

    /// Removes the host subtree at shutdown. The shared `supervisor/` folder stays: another
    /// supervisor may be creating its own subtree in it right now.
    func removeHostSubtree() {
        _ = removeAgentCgroups(under: hostDirectories)
        for base in hostDirectories { rmdir(base) }
    }

    private func lastComponent(_ cgroup: AgentCgroup) -> String {
        (cgroup.directories.first.map { ($0 as NSString).lastPathComponent }) ?? ""
    }
}

/// Reading and writing cgroup control files.
enum CgroupFile {
    static func write(_ path: String, _ value: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        return bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, bytes.count) } == bytes.count
    }

    /// Writes or throws an error naming the file and errno.
    static func require(_ path: String, _ value: String) throws {
        guard write(path, value) else { throw SystemError("write \(path) = \(value)", errno: errno) }
    }

    static func number(_ path: String) -> UInt64? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// `key value` lines (cpu.stat, memory.events, memory.oom_control).
    static func keyed(_ path: String) -> [String: UInt64] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var values: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = UInt64(parts[1]) { values[String(parts[0])] = value }
        }
        return values
    }
}
