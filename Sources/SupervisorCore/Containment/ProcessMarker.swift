import CSpawn
import Foundation

/// Reads what the supervisor wrote into a process's environment at spawn: the run marker
/// (`SUPERVISOR_RUN`) and the agent's name (`AGENT_NAME`). Descendants inherit both unless they
/// clear their environment. /proc/<pid>/environ is the environment at exec, so a process that
/// changed its own variables later is still recognised.
struct ProcessMarker: Equatable {
    var run: String
    var agent: String?

    /// The marker of `pid`, or nil when it has none or cannot be read (gone, not ours).
    static func of(_ pid: Int32) -> ProcessMarker? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        return parse(Array(data))
    }

    /// The marker in NUL-separated `NAME=value` entries.
    static func parse(_ environ: [UInt8]) -> ProcessMarker? {
        let runPrefix = Array((RunTag.variable + "=").utf8)
        let agentPrefix = Array("AGENT_NAME=".utf8)
        var run: String?
        var agent: String?
        for entry in environ.split(separator: 0) {
            if entry.starts(with: runPrefix) {
                run = String(decoding: entry.dropFirst(runPrefix.count), as: UTF8.self)
            } else if entry.starts(with: agentPrefix) {
                agent = String(decoding: entry.dropFirst(agentPrefix.count), as: UTF8.self)
            }
        }
        return run.map { ProcessMarker(run: $0, agent: agent) }
    }

    /// SIGKILL to every process on the machine (but this one) whose marker is `run`, from one
    /// pass over /proc; returns them. Each is held by a pidfd from before its environment is
    /// read to the signal, so a pid that is reused in between is never hit.
    static func killProcesses(markedWith run: String) -> [(pid: Int32, agent: String?)] {
        let own = getpid()
        var killed: [(pid: Int32, agent: String?)] = []
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), pid != own else { continue }
            let pidfd = cspawn_pidfd_open(pid)
            guard pidfd >= 0 else { continue }
            defer { close(pidfd) }
            guard let marker = of(pid), marker.run == run, cspawn_pidfd_signal(pidfd, SIGKILL) == 0 else { continue }
            killed.append((pid, marker.agent))
        }
        return killed
    }
}
