import CSpawn
import Foundation
import SupervisorModel
import Testing
@testable import SupervisorCore

/// Real processes started through the C shim. Every test is synchronous, so the forking
/// thread outlives its children, and kills and reaps everything it started.
@Suite("AgentLauncher starts real agent processes")
struct AgentLauncherTests {
    private static let inherited = ["PATH": "/usr/bin:/bin", "LANG": "C"]

    private func spec(_ command: [String], cwd: String? = nil) -> AgentSpec {
        var spec = AgentSpec(name: "worker", host: "mainpc", command: command)
        spec.cwd = cwd
        return spec
    }

    private func launch(
        _ spec: AgentSpec, in directory: TemporaryDirectory, environment: [String: String] = inherited
    ) throws -> LaunchedChild {
        let launcher = AgentLauncher(baseDirectory: directory.path, inheritedEnvironment: environment)
        switch launcher.launch(spec) {
        case .success(let process): return LaunchedChild(process)
        case .failure(let failure): throw failure
        }
    }

    private func launchFailure(_ spec: AgentSpec, in directory: TemporaryDirectory) throws -> ExecutableResolver.Failure {
        let launcher = AgentLauncher(baseDirectory: directory.path, inheritedEnvironment: Self.inherited)
        let result = launcher.launch(spec)
        if case .success(let process) = result { LaunchedChild(process).cleanup() }
        guard case .failure(let failure) = result else { throw LaunchSucceeded() }
        return failure
    }

    private struct LaunchSucceeded: Error {}

    @Test("a started process has a pid and pidfd, its output on the pipes, and its exit code")
    func launchReadAndReap() throws {
        let directory = try TemporaryDirectory()
        let child = try launch(spec(["/bin/sh", "-c", "echo hi; echo err >&2; exit 3"]), in: directory)
        defer { child.cleanup() }
        #expect(child.pid > 0)
        #expect(child.process.pidfd >= 0)
        #expect(child.readToEnd(child.process.stdout) == "hi\n")
        #expect(child.readToEnd(child.process.stderr) == "err\n")
        #expect(child.reap() == LaunchedChild.Exit(code: 3, signal: -1))
    }

    @Test("the child leads a process group of its own")
    func ownProcessGroup() throws {
        let directory = try TemporaryDirectory()
        let child = try launch(spec(["/bin/sleep", "100"]), in: directory)
        defer { child.cleanup() }
        #expect(getpgid(child.pid) == child.pid)
        #expect(getpgid(child.pid) != getpgid(0))
        #expect(kill(-child.pid, SIGTERM) == 0)
        #expect(child.reap() == LaunchedChild.Exit(code: -1, signal: SIGTERM))
    }

    @Test("the environment is the inherited one, then the manifest's env, then the agent variables")
    func environment() throws {
        let directory = try TemporaryDirectory()
        var spec = spec(["/usr/bin/env"])
        spec.port = 7201
        spec.health.port = 8201
        spec.environment = ["EXTRA": "from manifest", "LANG": "C.UTF-8", "AGENT_NAME": "overridden"]
        let inherited = Self.inherited.merging(["KEEP": "inherited"]) { $1 }
        let child = try launch(spec, in: directory, environment: inherited)
        defer { child.cleanup() }
        let output = child.readToEnd(child.process.stdout)
        var seen: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            seen[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        #expect(seen == [
            "PATH": "/usr/bin:/bin", "KEEP": "inherited", "LANG": "C.UTF-8", "EXTRA": "from manifest",
            "AGENT_NAME": "worker", "AGENT_PORT": "7201", "HEALTH_CHECK_PORT": "8201",
        ])
        #expect(child.reap()?.code == 0)
    }

    @Test("cwd is applied: relative to the base directory, absolute as is, the base directory by default")
    func workingDirectory() throws {
        let directory = try TemporaryDirectory()
        let work = try directory.folder("work")
        let elsewhere = try directory.folder("elsewhere")
        for (cwd, expected) in [("work", work), (elsewhere, elsewhere), (nil, directory.path)] as [(String?, String)] {
            let child = try launch(spec(["/bin/pwd"], cwd: cwd), in: directory)
            defer { child.cleanup() }
            #expect(child.readToEnd(child.process.stdout) == expected + "\n", "cwd \(cwd ?? "unset")")
            #expect(child.reap()?.code == 0)
        }
    }

    @Test("a relative command is taken from the working directory")
    func relativeCommand() throws {
        let directory = try TemporaryDirectory()
        try directory.folder("agents")
        try directory.write("agents/hello.sh", "#!/bin/sh\necho \"hello from $(pwd)\"\n", mode: 0o755)
        let child = try launch(spec(["./hello.sh"], cwd: "agents"), in: directory)
        defer { child.cleanup() }
        #expect(child.readToEnd(child.process.stdout) == "hello from \(directory.file("agents"))\n")
        #expect(child.reap()?.code == 0)
    }

    @Test("stdin is /dev/null and no descriptor of the supervisor leaks into the agent")
    func standardDescriptors() throws {
        let directory = try TemporaryDirectory()
        let child = try launch(spec(["/bin/sh", "-c", "cat; ls /proc/self/fd"]), in: directory)
        defer { child.cleanup() }
        let descriptors = Set(child.readToEnd(child.process.stdout).split(separator: "\n").map(String.init))
        // ls itself holds 0, 1, 2 and the directory it lists.
        #expect(descriptors.isSubset(of: ["0", "1", "2", "3"]), "open in the agent: \(descriptors.sorted())")
        #expect(child.reap()?.code == 0)
    }

    @Test("a command not found in PATH fails with ENOENT and starts no process")
    func missingCommand() throws {
        let directory = try TemporaryDirectory()
        let failure = try launchFailure(spec(["no-such-agent-binary"]), in: directory)
        #expect(failure.errno == ENOENT)
        #expect(failure.message.contains("no-such-agent-binary"))
        #expect(failure.message.contains("not found"))
    }

    @Test("an exec that fails in the child is reported with its stage and errno")
    func execFailureInChild() throws {
        let directory = try TemporaryDirectory()
        let result = AgentLauncher.spawn(
            path: directory.file("missing"), arguments: ["missing"], environment: [:], directory: nil,
            stdout: -1, stderr: -1)
        if case .success(let (pid, pidfd)) = result {
            LaunchedChild(LaunchedProcess(pid: pid, pidfd: pidfd, stdout: -1, stderr: -1)).cleanup()
        }
        guard case .failure(let failure) = result else { throw LaunchSucceeded() }
        #expect(failure.errno == ENOENT)
        #expect(failure.message.hasPrefix("exec \(directory.file("missing")) failed"))
        #expect(failure.message.contains("(errno \(ENOENT))"))
    }

    @Test("a working directory that does not exist fails with a message naming it")
    func badWorkingDirectory() throws {
        let directory = try TemporaryDirectory()
        let failure = try launchFailure(spec(["/bin/true"], cwd: "no-such-dir"), in: directory)
        #expect(failure.errno == ENOENT)
        #expect(failure.message.contains("working directory"))
        #expect(failure.message.contains(directory.file("no-such-dir")))
    }

    @Test("SIGTERM to the process group reaches a grandchild")
    func groupSignalReachesGrandchild() throws {
        let directory = try TemporaryDirectory()
        let child = try launch(spec(["/bin/sh", "-c", "sleep 100 & echo $!; wait"]), in: directory)
        defer { child.cleanup() }
        let grandchild = try #require(child.readLine(child.process.stdout).flatMap { Int32($0) })
        defer { ProcessState.killIfAlive(grandchild) }
        #expect(ProcessState.isAlive(grandchild))
        #expect(kill(-child.pid, SIGTERM) == 0)
        // Reap without the group kill, so only the SIGTERM can have stopped the grandchild.
        #expect(child.reap(group: 0) == LaunchedChild.Exit(code: -1, signal: SIGTERM))
        #expect(waitUntil { !ProcessState.isAlive(grandchild) }, "grandchild \(grandchild) survived SIGTERM to its group")
    }

    @Test("reaping with the group kills what the agent left behind")
    func reapKillsLeftovers() throws {
        let directory = try TemporaryDirectory()
        let child = try launch(spec(["/bin/sh", "-c", "sleep 100 & echo $!; exit 0"]), in: directory)
        defer { child.cleanup() }
        let leftover = try #require(child.readLine(child.process.stdout).flatMap { Int32($0) })
        defer { ProcessState.killIfAlive(leftover) }
        #expect(waitUntil { child.hasExited() })
        #expect(ProcessState.isAlive(leftover), "the background sleep outlives the shell")
        #expect(getpgid(leftover) == child.pid)
        #expect(child.reap(group: child.pid) == LaunchedChild.Exit(code: 0, signal: -1))
        #expect(waitUntil { !ProcessState.isAlive(leftover) }, "leftover \(leftover) survived the reap")
    }
}

/// The inherited environment is made into C strings once; each spawn merges its own variables in.
@Suite("ExecEnvironment")
struct ExecEnvironmentTests {
    @Test("an agent's own variables replace inherited ones of the same name; the whole is sorted by name")
    func mergeSorted() {
        let inherited = InheritedEnvironment(["PATH": "/bin", "HOME": "/root", "LANG": "C"])
        let first = inherited.with(["LANG": "C.UTF-8", "AGENT_NAME": "a", "ZED": "z"])
        #expect(first.lines == ["AGENT_NAME=a", "HOME=/root", "LANG=C.UTF-8", "PATH=/bin", "ZED=z"])
        // The inherited lines are shared, never changed by a spawn's own.
        #expect(inherited.with([:]).lines == ["HOME=/root", "LANG=C", "PATH=/bin"])
        #expect(InheritedEnvironment([:]).with(["B": "2", "A": "1"]).lines == ["A=1", "B=2"])
    }
}
