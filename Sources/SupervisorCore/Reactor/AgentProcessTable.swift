import CSpawn
import Foundation
import SupervisorModel

/// The processes and output pipes the reactor owns, one entry per running agent.
///
/// Pipes outlive their process until end of file, so the last lines an agent wrote are logged
/// even when they arrive after its exit.
final class AgentProcessTable {
    struct Pipe {
        var agent: String
        var stream: AgentLog.Stream
    }

    private(set) var processes: [String: LaunchedProcess] = [:]
    private(set) var pipes: [Int32: Pipe] = [:]
    private var logs: [String: AgentLog] = [:]
    /// Agents whose log is failing, the only ones `settleLogs` looks at.
    private var failingLogs: Set<String> = []
    /// Logs that began or stopped losing lines, for the reactor to report.
    private var logNotices: [LogWriteNotice] = []
    private let logDirectory: String
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    /// Watches every pidfd and open pipe, each registered at spawn and removed at its close.
    private let loop: EventLoop<ReactorTag>

    init(logDirectory: String, loop: EventLoop<ReactorTag>) {
        self.logDirectory = logDirectory
        self.loop = loop
    }

    /// The agent's log, opened on first use.
    func log(for spec: AgentSpec) throws -> AgentLog {
        if let log = logs[spec.name] { return log }
        let log = try AgentLog(directory: logDirectory, agent: spec.name, rotation: spec.logs)
        logs[spec.name] = log
        return log
    }

    /// Opens every agent log anew that was moved (SIGUSR2); how many were.
    func reopenMovedLogs() -> Int {
        logs.values.filter { $0.file.reopenIfMoved() }.count
    }

    /// Takes in a spawned agent: its pidfd and pipes are watched from now on. A registration
    /// that fails (epoll out of memory) is the error; the process is in the table all the same,
    /// so it is stopped and reaped like any other.
    func add(_ process: LaunchedProcess, for agent: String) throws {
        logs[agent]?.beginRun()
        processes[agent] = process
        pipes[process.stdout] = Pipe(agent: agent, stream: .out)
        pipes[process.stderr] = Pipe(agent: agent, stream: .err)
        try loop.add(process.pidfd, tag: .process(agent))
        try loop.add(process.stdout, tag: .pipe(process.stdout))
        try loop.add(process.stderr, tag: .pipe(process.stderr))
    }

    /// The pipes still open (for the last drain at exit).
    var pipeDescriptors: [Int32] { Array(pipes.keys) }

    /// Reads what a pipe has and logs it; closes it at end of file.
    func drain(_ fd: Int32) {
        guard let pipe = pipes[fd], let log = logs[pipe.agent] else { return }
        guard let chunk = Descriptor.readAvailable(fd, into: &readBuffer) else {
            record(log.finish(pipe.stream))
            loop.remove(fd)
            close(fd)
            pipes[fd] = nil
            return
        }
        record(log.receive(chunk, from: pipe.stream))
    }

    /// Keeps a notice of a log that began or stopped losing lines, for `takeLogNotices`.
    func record(_ notice: LogWriteNotice?) {
        guard let notice, let agent = notice.agent else { return }
        logNotices.append(notice)
        switch notice.state {
        case .failing: failingLogs.insert(agent)
        case .resumed: failingLogs.remove(agent)
        }
    }

    /// The notices since the last call.
    func takeLogNotices() -> [LogWriteNotice] {
        guard !logNotices.isEmpty else { return [] }
        defer { logNotices = [] }
        return logNotices
    }

    /// Failing logs that were written to, and have not failed for a while, have resumed.
    func settleLogs() {
        for agent in failingLogs { record(logs[agent]?.settle()) }
    }

    /// Lines the agent's log has lost and why it fails now; nil before it was opened.
    func logHealth(of agent: String) -> (linesLost: Int, failure: LogWriteError?)? {
        logs[agent].map { ($0.linesLost, $0.failure) }
    }

    /// Reaps the agent if its process has exited (killing what is left of its process group).
    func reap(_ agent: String) -> ExitStatus? {
        guard let process = processes[agent] else { return nil }
        var code: Int32 = -1, signal: Int32 = -1, core: Int32 = 0
        guard cspawn_pidfd_reap(process.pidfd, process.pid, &code, &signal, &core) == 1 else { return nil }
        loop.remove(process.pidfd)
        close(process.pidfd)
        processes[agent] = nil
        // Log whatever the agent wrote before it died.
        drain(process.stdout)
        drain(process.stderr)
        return code >= 0 ? .code(code) : .signal(signal, coreDumped: core != 0)
    }

    /// Why the agent's last run ended, from the last lines it wrote (call after `reap`, which
    /// reads what is left in its pipes).
    func cause(of agent: String) -> FailureCause? {
        logs[agent]?.cause()
    }

    /// Sends a signal to the agent's process group.
    func signal(_ agent: String, _ number: Int32) -> Int32? {
        guard let process = processes[agent] else { return nil }
        kill(-process.pid, number)
        return process.pid
    }

    /// Logs what is pending and closes every pipe (at shutdown).
    func closeAllPipes() {
        for (fd, pipe) in pipes {
            record(logs[pipe.agent]?.finish(pipe.stream))
            loop.remove(fd)
            close(fd)
        }
        pipes = [:]
    }

    deinit {
        for fd in pipes.keys { close(fd) }
        for process in processes.values { close(process.pidfd) }
    }

    /// Kills every process group at once (last resort when the reactor itself fails).
    func killAll() {
        for process in processes.values { kill(-process.pid, SIGKILL) }
    }
}
