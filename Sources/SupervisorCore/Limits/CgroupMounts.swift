import Foundation

/// Where the cgroup hierarchies are mounted and where this process sits in each, read from
/// /proc/self/mountinfo and /proc/self/cgroup. A hierarchy counts only where its mount point
/// still shows it: a container or test that mounts a tmpfs over /sys/fs/cgroup hides the cgroup
/// mounts beneath, which mountinfo goes on listing.
struct CgroupMounts {
    /// The cgroup2 mount point and the controllers it offers.
    var v2: (mount: String, controllers: Set<String>)?
    /// cgroup v1: controller -> mount point.
    var v1: [String: String] = [:]
    /// This process's cgroup path per v1 controller, and ("" key) in v2.
    var ownPaths: [String: String] = [:]

    static func read() -> CgroupMounts {
        var mounts = CgroupMounts()
        let mountinfo = ProcFile.wholeText("/proc/self/mountinfo") ?? ""
        for line in mountinfo.split(separator: "\n") {
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2 else { continue }
            let left = halves[0].split(separator: " ")
            let right = halves[1].split(separator: " ")
            guard left.count >= 5, right.count >= 3 else { continue }
            let mountPoint = String(left[4])
            guard right[0] == "cgroup" || right[0] == "cgroup2", shows(device: left[2], at: mountPoint) else { continue }
            switch right[0] {
            case "cgroup2":
                let controllers = (try? String(contentsOfFile: mountPoint + "/cgroup.controllers", encoding: .utf8)) ?? ""
                mounts.v2 = (mountPoint, Set(controllers.split(whereSeparator: \.isWhitespace).map(String.init)))
            case "cgroup":
                for option in right[2].split(separator: ",") where ["memory", "cpu", "cpuacct", "pids"].contains(String(option)) {
                    mounts.v1[String(option)] = mountPoint
                }
            default:
                continue
            }
        }
        let membership = ProcFile.wholeText("/proc/self/cgroup") ?? ""
        for line in membership.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[1].isEmpty { mounts.ownPaths[""] = path }
            for controller in parts[1].split(separator: ",") { mounts.ownPaths[String(controller)] = path }
        }
        return mounts
    }

    /// Whether `path` shows the filesystem that mountinfo lists there (`device`, its
    /// `major:minor`): a hidden mount point is missing, or shows the filesystem mounted over it.
    static func shows(device: Substring, at path: String) -> Bool {
        let parts = device.split(separator: ":")
        guard parts.count == 2, let major = UInt64(parts[0]), let minor = UInt64(parts[1]) else { return false }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        // glibc's dev_t layout (gnu_dev_major, gnu_dev_minor: macros, so not visible to Swift).
        let device = UInt64(info.st_dev)
        let deviceMajor = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let deviceMinor = (device & 0xff) | ((device >> 12) & ~0xff)
        return deviceMajor == major && deviceMinor == minor
    }
}
