import Foundation
import Testing

extension LimitsTests {
    /// The host subtree a supervisor logged at start (`limits: cgroup v1 under DIR, DIR, ...`):
    /// one directory per v1 hierarchy, or the single v2 one.
    struct HostSubtree: CustomStringConvertible {
        var enforcement: String
        var directories: [String]

        /// Waits for the supervisor's first `limits:` line (its choice: cgroups, or none and why)
        /// and reads it; fails at once when it chose none.
        static func logged(by harness: SupervisorHarness, timeout: TimeInterval = 60) throws -> HostSubtree {
            let line = try harness.waitForLine("limits: ", timeout: timeout)
            try #require(line.contains("limits: cgroup v") && line.contains(" under "),
                         "the supervisor uses no cgroups, though the test's probe found them usable (\(CgroupRequirement.availability)): \(line)")
            let enforcement = line.contains("limits: cgroup v2") ? "cgroup v2" : "cgroup v1"
            let list = line.components(separatedBy: " under ").last ?? ""
            let directories = list.components(separatedBy: ", ").map { $0.trimmingCharacters(in: .whitespaces) }
            return HostSubtree(enforcement: enforcement, directories: directories.filter { !$0.isEmpty })
        }

        var isV2: Bool { enforcement == "cgroup v2" }

        /// The agent's directory in the hierarchy that has `file` (e.g. `memory.limit_in_bytes`).
        func agentDirectory(_ agent: String, holding file: String) -> String? {
            directories.map { $0 + "/" + agent }.first { FileManager.default.fileExists(atPath: $0 + "/" + file) }
        }

        /// The trimmed text of an agent's control file (nil while the agent has no cgroup).
        func value(_ agent: String, _ file: String) -> String? {
            agentDirectory(agent, holding: file).flatMap { LimitsTests.read($0 + "/" + file) }
        }

        /// The pids in the agent's cgroup (from the first hierarchy that has it).
        func processes(_ agent: String) -> [Int32] {
            (value(agent, "cgroup.procs") ?? "").split(separator: "\n").compactMap { Int32($0) }
        }

        /// Host directories that still exist.
        var remaining: [String] { directories.filter { FileManager.default.fileExists(atPath: $0) } }

        var description: String { "\(enforcement) under \(directories.joined(separator: ", "))" }
    }

    /// A cgroup control file's text, trimmed.
    static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The tag the supervisor derives from its run folder (FNV-1a of the absolute path, as
    /// documented in RunTag), recomputed here to find its subtree without its log.
    static func tag(of harness: SupervisorHarness) -> String {
        let path = URL(fileURLWithPath: harness.directory.path + "/run").standardizedFileURL.path
        var hash: UInt32 = 2_166_136_261
        for byte in path.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return String(format: "%08x", hash)
    }

    /// Every cgroup mount point (v1 hierarchies and cgroup2), from /proc/self/mountinfo.
    static func cgroupMountPoints() -> [String] {
        let text = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, let type = halves[1].split(separator: " ").first,
                  type == "cgroup" || type == "cgroup2" else { return nil }
            let left = halves[0].split(separator: " ")
            return left.count > 4 ? String(left[4]) : nil
        }
    }

    /// Where the harness's supervisor would put its host subtree, in every hierarchy.
    static func possibleHostDirectories(_ harness: SupervisorHarness) -> [String] {
        let leaf = "supervisor/\(harness.host).\(tag(of: harness))"
        return cgroupMountPoints().map { $0 + "/" + leaf }
    }

    /// Whether any hierarchy still has this supervisor's host subtree.
    static func leftoverHostDirectories(_ harness: SupervisorHarness) -> [String] {
        possibleHostDirectories(harness).filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Clean-up after a test (also after a failed one): kills whatever is left in this run
    /// folder's cgroups and removes them. `supervisor/` itself is left to other supervisors.
    static func sweepCgroups(_ harness: SupervisorHarness) {
        for host in leftoverHostDirectories(harness) {
            let agents = (try? FileManager.default.contentsOfDirectory(atPath: host)) ?? []
            for agent in agents {
                let directory = host + "/" + agent
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                    continue
                }
                _ = eventually(timeout: 10) {
                    let pids = (read(directory + "/cgroup.procs") ?? "").split(separator: "\n").compactMap { Int32($0) }
                    for pid in pids { kill(pid, SIGKILL) }
                    return pids.isEmpty
                }
                rmdir(directory)
            }
            rmdir(host)
        }
    }

    /// The cgroup paths of a process, one per hierarchy line of /proc/PID/cgroup.
    static func cgroupPaths(of pid: Int32) -> [String] {
        ((try? String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { $0.split(separator: ":", maxSplits: 2).last.map(String.init) }
    }

    /// The command name of a process (`comm`).
    static func commandName(of pid: Int32) -> String? {
        read("/proc/\(pid)/comm")
    }
}
