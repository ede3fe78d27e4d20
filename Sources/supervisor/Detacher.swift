import Foundation
import SupervisorCore
import SupervisorModel

/// `up --detach`: starts `supervisor up` in its own process group with output to
/// `<logs>/<host>/console.log`, waits until start-up has ended (showing its progress, as the
/// foreground `up` does, from the status replies it polls), and says where things are.
struct Detacher {
    let host: HostTable.Host
    let logRoot: String
    let runDirectory: String
    let arguments: [String]
    /// With CurveZMQ: the key used to ask the new supervisor for its status.
    let credentials: ClientCredentials?
    /// The host's start plan, for the progress line built from the status replies.
    let graph: DependencyGraph
    /// `--quiet`, `--verbose` or neither: what is shown while start-up goes on.
    let verbosity: ConsoleVerbosity

    func startInBackground() throws {
        // Fail fast, with the same message the daemon would give, if one already runs.
        do {
            _ = try HostLock(directory: runDirectory, host: host.name)
        } catch {
            printError("supervisor up \(host.name): \(error)")
            throw CLIExit.failure
        }
        let directory = "\(logRoot)/\(host.name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let console = "\(directory)/console.log"
        let fd = open(console, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            printError("cannot open \(console): \(String(cString: strerror(errno)))")
            throw CLIExit.failure
        }
        defer { close(fd) }
        let me = Configuration.executableDirectory + "/supervisor"
        let started = AgentLauncher.spawn(
            path: me, arguments: [me] + arguments, environment: ProcessInfo.processInfo.environment,
            directory: FileManager.default.currentDirectoryPath, stdout: fd, stderr: fd, deathSignal: 0)
        guard case .success(let (pid, pidfd)) = started else {
            if case .failure(let failure) = started { printError("cannot start the supervisor: \(failure)") }
            throw CLIExit.failure
        }
        let client = ControlClient(host: host, credentials: credentials)
        let screen = Console.forStandardError(verbosity)
        var display = ProgressDisplay(policy: screen.policy)
        let began = MonotonicClock.now()
        // Every way out below (the summary, an error) first takes the status line away.
        while true {
            if processHasExited(pidfd) {
                close(pidfd)
                screen.clearStatus()
                printError("the supervisor exited during start-up; see \(console):")
                printError(tail(of: console))
                throw CLIExit.failure
            }
            let reply = client.request(.status(agents: []), as: HostStatus.self, timeout: 5)
            if case .failure(let error) = reply, error.code == .unauthenticated {
                close(pidfd)
                screen.clearStatus()
                printError("supervisor for \(host.name) started (pid \(pid)), but its status cannot be read: \(error.message)")
                throw CLIExit.failure
            }
            if case .success(let status) = reply, let remote = Self.settled(status) {
                close(pidfd)
                screen.clearStatus()
                let totals = status.totals
                print("supervisor for \(host.name) running in the background (pid \(pid))")
                print("agents: \(totals["ready"] ?? 0)/\(totals["total"] ?? 0) ready")
                for line in Self.failures(status) { print(line) }
                if !remote.isEmpty {
                    print("waiting for other hosts: \(remote.joined(separator: ", ")) (they start once those are ready)")
                }
                print("logs: \(directory)/ (supervisor.log, console.log, <agent>.log)")
                print("control: \(client.endpoint), events: \(client.eventsEndpoint)")
                return
            }
            if case .success(let status) = reply, let output = display.show(progress(status, since: began)) {
                screen.show(output)
            }
            usleep(100_000)
        }
    }

    /// Start-up has ended (no remote agents awaited), or all that is left waits for agents of
    /// other hosts (the model says which: `awaiting_remote`); nil while start-up goes on.
    static func settled(_ status: HostStatus) -> [String]? {
        if status.phase != "starting" { return [] }
        return status.awaitingRemote
    }

    /// `failed: Names: NameError: name 'join_path' is not defined (agent.py:6)` for each agent
    /// that is down for good, with its cause (or the supervisor's reason).
    static func failures(_ status: HostStatus) -> [String] {
        status.agents.compactMap { agent in
            guard agent.state == .failed || agent.state == .exited else { return nil }
            let reason = agent.cause?.text ?? agent.failureReason ?? agent.lastExit?.text ?? agent.state.rawValue
            return "\(agent.state.rawValue): \(agent.name): \(reason)"
        }
    }

    /// The progress line of one status reply: its ready agents counted by level.
    private func progress(_ status: HostStatus, since began: TimeInterval) -> StartupProgressLine {
        var tally = StartupTally(graph: graph)
        for agent in status.agents where agent.state == .ready { tally.setReady(agent.name, true) }
        return tally.line(elapsed: MonotonicClock.now() - began)
    }

    private func processHasExited(_ pidfd: Int32) -> Bool {
        var item = pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&item, 1, 0) > 0
    }

    private func tail(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}
