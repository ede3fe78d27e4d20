import Foundation
import Testing
@testable import SupervisorCore

/// What the child of `cspawn_spawn` (clone with CLONE_VM | CLONE_VFORK) starts with.
@Suite("Spawn")
struct SpawnTests {
    private func run(_ script: String, descriptorLimit: Int64 = -1) throws -> (output: String, exit: LaunchedChild.Exit?) {
        let output = try Descriptor.pipe()
        let result = AgentLauncher.spawn(
            path: "/bin/sh", arguments: ["sh", "-c", script], environment: ["PATH": "/usr/bin:/bin"], directory: nil,
            stdout: output.write, stderr: -1, descriptorLimit: descriptorLimit)
        close(output.write)
        guard case .success(let (pid, pidfd)) = result else {
            close(output.read)
            throw LaunchFailed()
        }
        let child = LaunchedChild(LaunchedProcess(pid: pid, pidfd: pidfd, stdout: output.read, stderr: -1))
        defer { child.cleanup() }
        let text = child.readToEnd(output.read)
        return (text, child.reap())
    }

    struct LaunchFailed: Error {}

    @Test("the agent gets the descriptor limit the supervisor started with; the hard limit stays")
    func descriptorLimitRestored() throws {
        var own = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &own)
        let (output, exit) = try run("ulimit -Sn; ulimit -Hn", descriptorLimit: 256)
        #expect(exit?.code == 0)
        let hard = own.rlim_max == rlim_t.max ? "unlimited" : String(own.rlim_max)
        #expect(output == "256\n\(hard)\n")
    }

    @Test("without a descriptor limit the agent inherits the supervisor's")
    func descriptorLimitInherited() throws {
        var own = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &own)
        let (output, _) = try run("ulimit -Sn")
        let soft = own.rlim_cur == rlim_t.max ? "unlimited" : String(own.rlim_cur)
        #expect(output == "\(soft)\n")
    }

    @Test("no signal is blocked or ignored in the agent, although the supervisor ignores SIGPIPE")
    func cleanSignalState() throws {
        // The reactor ignores SIGPIPE for good; doing so here changes nothing another test sees.
        signal(SIGPIPE, SIG_IGN)
        let (output, exit) = try run("grep -E '^Sig(Blk|Ign):' /proc/self/status")
        #expect(exit?.code == 0)
        let lines = output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.count == 2)
        for line in lines {
            #expect(line.count == 2 && line[1] == "0000000000000000", "\(line)")
        }
    }

    @Test("each pidfd refers to the process it was returned with")
    func pidfdsMatchPids() throws {
        var children: [LaunchedChild] = []
        defer { for child in children { child.cleanup() } }
        for _ in 0..<50 {
            let result = AgentLauncher.spawn(
                path: "/bin/sleep", arguments: ["sleep", "100"], environment: [:], directory: nil, stdout: -1, stderr: -1)
            guard case .success(let (pid, pidfd)) = result else { throw LaunchFailed() }
            children.append(LaunchedChild(LaunchedProcess(pid: pid, pidfd: pidfd, stdout: -1, stderr: -1)))
        }
        #expect(Set(children.map(\.pid)).count == children.count)
        for child in children {
            // The kernel names the pid a pidfd stands for in its fdinfo.
            let info = try String(contentsOfFile: "/proc/self/fdinfo/\(child.process.pidfd)", encoding: .utf8)
            let pidLine = info.split(separator: "\n").first { $0.hasPrefix("Pid:") }
            #expect(pidLine.map { $0.dropFirst(4).trimmingCharacters(in: .whitespaces) } == String(child.pid))
            // Its own process group, set before exec.
            #expect(getpgid(child.pid) == child.pid)
        }
    }
}
