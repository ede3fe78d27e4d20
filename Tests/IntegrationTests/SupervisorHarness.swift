import Foundation
import Testing

/// Runs the built `supervisor` binary against a manifest in a temporary folder, as a user
/// would, and waits on what it logs. Every process it starts is killed when it is stopped.
///
/// The supervisor, and so every agent and whatever they start, carries `SUPERVISOR_TEST_RUN`
/// (this harness's folder) in its environment: `cleanUp` kills by it too, which reaches
/// processes that left the agent's process group (`setsid`) when no cgroup holds them.
final class SupervisorHarness: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binDirectory = packageRoot.appendingPathComponent(".build/debug")
    static var supervisorPath: String { binDirectory.appendingPathComponent("supervisor").path }
    static var agentSimPath: String { binDirectory.appendingPathComponent("agent-sim").path }

    let directory: URL
    let host: String
    private(set) var process: Process?
    private var output: FileHandle?

    /// A folder holding `agents.yaml` (the given text) and a `hosts` file for `host`.
    init(manifest: String, host: String = "mainpc", hostsText: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("supervisor-test-\(UUID().uuidString.prefix(8))")
        self.host = host
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try manifest.write(to: directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
        let controlPort = try PortAllocator.free()
        let hosts = hostsText ?? "\(host) 127.0.0.1 \(controlPort)\n"
        try hosts.write(to: directory.appendingPathComponent("hosts"), atomically: true, encoding: .utf8)
        #expect(FileManager.default.isExecutableFile(atPath: Self.supervisorPath),
                "build the binaries first (make test runs swift build)")
    }

    var supervisorLog: URL { directory.appendingPathComponent("logs/\(host)/supervisor.log") }
    var consoleLog: URL { directory.appendingPathComponent("console.log") }

    func agentLog(_ agent: String) -> URL { directory.appendingPathComponent("logs/\(host)/\(agent).log") }

    /// Runs `supervisor ARGS` to completion; returns exit status and combined output.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try runProgram(Self.supervisorPath, arguments, environment: environment)
    }

    /// Runs `program ARGS` to completion in the harness folder; returns exit status and combined
    /// output. `nullInput` gives it /dev/null as standard input rather than the test's.
    func runProgram(
        _ program: String, _ arguments: [String], environment: [String: String] = [:], nullInput: Bool = false
    ) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: program)
        child.arguments = arguments
        child.currentDirectoryURL = directory
        child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if nullInput { child.standardInput = FileHandle.nullDevice }
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        try child.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The environment variable that marks every process started from this harness.
    static let runMarker = "SUPERVISOR_TEST_RUN"

    /// Starts `supervisor up HOST` in the background.
    func start(environment: [String: String] = [:], extraArguments: [String] = []) throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: Self.supervisorPath)
        child.arguments = ["up", host] + extraArguments
        child.currentDirectoryURL = directory
        child.environment = ProcessInfo.processInfo.environment
            .merging(environment) { $1 }.merging([Self.runMarker: directory.path]) { $1 }
        FileManager.default.createFile(atPath: consoleLog.path, contents: nil)
        let handle = try FileHandle(forWritingTo: consoleLog)
        child.standardOutput = handle
        child.standardError = handle
        try child.run()
        process = child
        output = handle
    }

    /// The supervisor's log so far.
    func logText() -> String {
        (try? String(contentsOf: supervisorLog, encoding: .utf8)) ?? ""
    }

    /// Waits until the supervisor log has a line containing every fragment; returns that line.
    @discardableResult
    func waitForLine(_ fragments: String..., timeout: TimeInterval = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = logText().split(separator: "\n").first(where: { line in fragments.allSatisfy { line.contains($0) } }) {
                return String(line)
            }
            if let process, !process.isRunning {
                let console = (try? String(contentsOf: consoleLog, encoding: .utf8)) ?? ""
                throw HarnessError.supervisorExited(status: process.terminationStatus, log: logText() + "\nconsole:\n" + console)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw HarnessError.timeout(waitingFor: fragments.joined(separator: " ... "), log: logText())
    }

    /// Lines of the supervisor log containing every fragment.
    func lines(_ fragments: String...) -> [String] {
        logText().split(separator: "\n").map(String.init).filter { line in fragments.allSatisfy { line.contains($0) } }
    }

    /// The pids the supervisor spawned for `agent`, in order.
    func pids(of agent: String) -> [Int32] {
        lines(" \(agent) spawned pid ").compactMap { line in
            line.components(separatedBy: "spawned pid ").last?.split(separator: ":").first.flatMap { Int32($0) }
        }
    }

    /// Sends a signal to the supervisor and waits for it to exit; returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, timeout: TimeInterval = 60) throws -> Int32 {
        guard let process else { return 0 }
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            throw HarnessError.timeout(waitingFor: "supervisor exit", log: logText())
        }
        return process.terminationStatus
    }

    /// Kills everything left behind (supervisor, then any agent it spawned, then anything else
    /// that carries this harness's marker) and removes the folder.
    func cleanUp() {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        for line in lines(" spawned pid ") {
            if let pid = line.components(separatedBy: "spawned pid ").last?.split(separator: ":").first.flatMap({ Int32($0) }) {
                kill(-pid, SIGKILL)
            }
        }
        _ = eventually(timeout: 10) { Self.killMarked(directory.path) == 0 }
        try? output?.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Sends SIGKILL to every live process whose environment has `SUPERVISOR_TEST_RUN=run`;
    /// returns how many there were.
    @discardableResult
    static func killMarked(_ run: String) -> Int {
        let marker = Array("\(runMarker)=\(run)".utf8)
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        var killed = 0
        for pid in pids where pid != getpid() && processIsAlive(pid) {
            guard let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            if environ.split(separator: 0).contains(where: { $0.elementsEqual(marker) }) {
                kill(pid, SIGKILL)
                killed += 1
            }
        }
        return killed
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case timeout(waitingFor: String, log: String)
    case supervisorExited(status: Int32, log: String)

    var description: String {
        switch self {
        case .timeout(let what, let log): "timed out waiting for \(what); supervisor log:\n\(log)"
        case .supervisorExited(let status, let log): "supervisor exited with \(status); log:\n\(log)"
        }
    }
}

/// Free TCP ports on loopback for servers the tests start. They come from 10000-19999, below
/// the kernel's ephemeral range (32768-60999): a port found free there cannot be taken, before
/// the supervisor binds it, as the local port of some other test's outgoing connection. Ports
/// are never handed out twice in one test process.
enum PortAllocator {
    private static let state = HandedOut()

    private final class HandedOut: @unchecked Sendable {
        let lock = NSLock()
        var ports: Set<Int> = []
    }

    static func free() throws -> Int {
        for _ in 0..<2000 {
            let port = Int.random(in: 10_000..<20_000)
            // port + 1 is reserved too: control ports are followed by their event port.
            let claimed = state.lock.withLock {
                guard !state.ports.contains(port), !state.ports.contains(port + 1) else { return false }
                state.ports.formUnion([port, port + 1])
                return true
            }
            if claimed && canBind(port) { return port }
        }
        throw HarnessError.timeout(waitingFor: "a free port in 10000-19999", log: "")
    }

    /// `count` distinct free ports.
    static func free(_ count: Int) throws -> [Int] {
        try (0..<count).map { _ in try free() }
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// True when a process with this pid exists (and is not a zombie).
func processIsAlive(_ pid: Int32) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    let status = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    guard let close = status.lastIndex(of: ")") else { return false }
    let state = status[status.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}

/// Polls `condition` until true or the deadline; returns whether it became true.
func eventually(timeout: TimeInterval = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}
