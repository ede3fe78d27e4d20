import Foundation

/// Where a cgroup v2 supervisor keeps its agents' cgroups: under the cgroup it was started in,
/// as cgroup v2 delegation asks (systemd's `Delegate=yes` hands a service, or a user's manager,
/// a subtree of its own; nothing outside it is to be written).
///
/// - Started in the root cgroup (no systemd, a container's own namespace, a VM's init): the
///   subtree is `<mount>/supervisor/<host>.<tag>`, and the root's `cgroup.subtree_control`
///   enables memory, cpu and pids for it.
/// - Started in a child cgroup `C` that offers memory, cpu and pids (its `cgroup.controllers`):
///   the subtree is `C/supervisor/<host>.<tag>`. cgroup v2 lets only cgroups without processes
///   of their own hand controllers down, and `C` holds the supervisor, so the supervisor first
///   moves itself into the leaf `C/supervisor/<host>.<tag>.daemon`, as systemd asks of a
///   delegated service. `C`'s parents are never written. When `C` holds other processes too,
///   there is no v2 subtree (the supervisor moves back and says why).
enum CgroupV2Delegation {
    static let controllers = ["memory", "cpu", "pids"]
    private static let enable = "+memory +cpu +pids"

    /// The prepared host subtree.
    struct Subtree {
        /// The cgroup2 mount point.
        var mount: String
        /// `<...>/supervisor/<host>.<tag>`.
        var base: String
        /// The cgroup the supervisor was started in.
        var own: String
        /// The leaf the supervisor moved itself into, if it had to.
        var daemonLeaf: String?

        /// What `up` adds to its `limits:` line: where the subtree was delegated from.
        var note: String {
            guard let daemonLeaf else { return "" }
            return " (in this supervisor's cgroup \(own), which it left for \(daemonLeaf))"
        }
    }

    /// Creates the host subtree `supervisor/<tag>` (`tag` is `<host>.<instance>`) under this
    /// process's cgroup (`ownPath`, as /proc/self/cgroup names it) with memory, cpu and pids
    /// enabled down to it, or says why it cannot.
    static func prepare(mount: String, ownPath: String, tag: String) -> Result<Subtree, CgroupLimiter.LimiterUnavailable> {
        let isRoot = ownPath == "/" || ownPath.isEmpty
        let own = isRoot ? mount : mount + ownPath
        let offered = Set(words(own + "/cgroup.controllers"))
        let lacking = controllers.filter { !offered.contains($0) }
        guard lacking.isEmpty else {
            let place = isRoot ? "cgroup v2 at \(mount)" : "cgroup v2: this supervisor's cgroup \(own)"
            let hint = isRoot ? "" : " (is it delegated? with systemd: Delegate=yes)"
            return .failure(.init(reason: "\(place) lacks \(lacking.joined(separator: ", "))\(hint)"))
        }
        let top = own + "/supervisor"
        let base = top + "/" + tag
        var daemonLeaf: String?
        let enabledBefore = Set(words(own + "/cgroup.subtree_control"))
        if !enabled(own) && !CgroupFile.write(own + "/cgroup.subtree_control", enable) {
            guard !isRoot, errno == EBUSY else {
                return .failure(.init(reason: "cgroup v2 at \(own) is not writable (\(String(cString: strerror(errno))))"))
            }
            // The supervisor's own process keeps `own` from handing controllers down.
            let daemon = base + ".daemon"
            guard makeDirectory(top), makeDirectory(daemon), CgroupFile.write(daemon + "/cgroup.procs", "\(getpid())") else {
                let reason = "cgroup v2: cannot move this supervisor into \(daemon) (\(String(cString: strerror(errno))))"
                rmdir(daemon)
                rmdir(top)
                return .failure(.init(reason: reason))
            }
            guard CgroupFile.write(own + "/cgroup.subtree_control", enable) else {
                let reason = "cgroup v2: this supervisor's cgroup \(own) holds other processes, so it cannot hand "
                    + "memory, cpu and pids down (start the supervisor in a cgroup of its own; with systemd: Delegate=yes)"
                _ = CgroupFile.write(own + "/cgroup.procs", "\(getpid())")
                rmdir(daemon)
                rmdir(top)
                return .failure(.init(reason: reason))
            }
            daemonLeaf = daemon
        }
        guard makeDirectory(top), enabled(top) || CgroupFile.write(top + "/cgroup.subtree_control", enable),
              makeDirectory(base), enabled(base) || CgroupFile.write(base + "/cgroup.subtree_control", enable) else {
            let reason = "cgroup v2 at \(own) is not writable (\(String(cString: strerror(errno))))"
            if let daemonLeaf {
                // Nothing half-applied: the supervisor's cgroup as it found it.
                let added = controllers.filter { !enabledBefore.contains($0) }
                if !added.isEmpty { _ = CgroupFile.write(own + "/cgroup.subtree_control", added.map { "-" + $0 }.joined(separator: " ")) }
                _ = CgroupFile.write(own + "/cgroup.procs", "\(getpid())")
                rmdir(base)
                rmdir(daemonLeaf)
                rmdir(top)
            }
            return .failure(.init(reason: reason))
        }
        return .success(Subtree(mount: mount, base: base, own: own, daemonLeaf: daemonLeaf))
    }

    /// Host subtrees of the same `<host>.<tag>` as `subtree` under other cgroups, and their
    /// `.daemon` leaves: those of a dead predecessor of the same run folder that was started
    /// elsewhere (a new systemd scope gets a new cgroup), found by walking the hierarchy (a few
    /// hundred folders on a systemd machine).
    static func subtreesElsewhere(like subtree: Subtree) -> [String] {
        let tag = (subtree.base as NSString).lastPathComponent
        let ours = [subtree.base, subtree.base + ".daemon"]
        var found: [String] = []
        var pending = [(subtree.mount, 0)]
        while let (directory, depth) = pending.popLast() {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
                let path = directory + "/" + name
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
                if (name == tag || name == tag + ".daemon") && directory.hasSuffix("/supervisor") {
                    if !ours.contains(path) { found.append(path) }
                } else if depth < 16 {
                    pending.append((path, depth + 1))
                }
            }
        }
        return found.sorted()
    }

    /// Whether memory, cpu and pids are enabled for the cgroup's children already.
    private static func enabled(_ directory: String) -> Bool {
        Set(words(directory + "/cgroup.subtree_control")).isSuperset(of: controllers)
    }

    private static func words(_ path: String) -> [String] {
        (ProcFile.wholeText(path) ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
    }

    private static func makeDirectory(_ path: String) -> Bool {
        mkdir(path, 0o755) == 0 || errno == EEXIST
    }
}
