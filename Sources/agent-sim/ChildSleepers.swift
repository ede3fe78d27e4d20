import Foundation

/// The `sleep` children of `--children`: long-lived processes in agent-sim's own process group,
/// so a test can check that stopping an agent ends its whole group and leaves no orphans.
///
/// agent-sim never stops them itself, not even on SIGTERM: the legacy agents do not either, and
/// cleaning up here would hide a supervisor that signals only the leader.
enum ChildSleepers {
    /// How long each child sleeps: longer than any test, short enough to end one day if leaked.
    static let sleepSeconds = "100000"

    /// Starts `count` children with posix_spawn and returns their pids.
    static func start(count: Int) throws -> [pid_t] {
        guard count > 0 else { return [] }
        let candidates: [String] = ["/bin/sleep", "/usr/bin/sleep"]
        guard let path = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw SpawnFailure(message: "no sleep executable in /bin or /usr/bin")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // agent-sim ignores SIGPIPE and SIGCHLD; ignored signals survive exec, so give the
        // children the default dispositions a freshly started process would have.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGCHLD)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let argumentTexts: [String] = [path, sleepSeconds]
        let arguments = argumentTexts.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { environment.forEach { free($0) } }

        var pids: [pid_t] = []
        for _ in 0..<count {
            var pid: pid_t = 0
            let rc = posix_spawn(&pid, path, nil, &attributes, arguments, environment)
            guard rc == 0 else {
                throw SpawnFailure(message: "posix_spawn(\(path)): \(String(cString: strerror(rc)))")
            }
            pids.append(pid)
        }
        return pids
    }

    /// Why the children could not be started.
    struct SpawnFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
