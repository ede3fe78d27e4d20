import Foundation
import Testing

/// Resource limits end to end on this machine's real cgroups (v2 when the kernel offers memory,
/// cpu and pids there, else v1) and the memory watchdog of `up --no-cgroups`.
///
/// The supervisor samples resources every 5 s, so figures are polled for (30 s deadlines), never
/// waited for with a fixed sleep. Every test kills what it started and removes any cgroup left
/// under its own run folder's tag, even when an assertion failed.
@Suite("resource limits", .serialized)
struct LimitsTests {
    /// A harness whose host has two consecutive free ports (control, then events).
    static func harness(_ manifest: String) throws -> SupervisorHarness {
        for _ in 0..<50 {
            let port = try PortAllocator.free()
            guard port < 65_535, portIsFree(port + 1) else { continue }
            return try SupervisorHarness(manifest: manifest, hostsText: "mainpc 127.0.0.1 \(port)\n")
        }
        throw HarnessError.timeout(waitingFor: "two consecutive free ports", log: "")
    }

    private static func portIsFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// One agent's entry of `supervisor status mainpc AGENT --json`, or nil (not answering yet).
    static func status(_ harness: SupervisorHarness, _ agent: String) -> [String: Any]? {
        guard let result = try? harness.run(["status", harness.host, agent, "--json"]), result.status == 0,
              let object = try? JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any],
              let agents = object["agents"] as? [[String: Any]] else { return nil }
        return agents.first { $0["name"] as? String == agent }
    }

    /// Polls status until `condition` holds for the agent's entry; returns the last entry seen.
    @discardableResult
    static func pollStatus(
        _ harness: SupervisorHarness, _ agent: String, timeout: TimeInterval = 30, _ condition: ([String: Any]) -> Bool
    ) -> (met: Bool, last: [String: Any]?) {
        var last: [String: Any]?
        let met = eventually(timeout: timeout) {
            last = status(harness, agent)
            return last.map(condition) ?? false
        }
        return (met, last)
    }

    /// The `resources` object of a status entry.
    static func resources(_ entry: [String: Any]?) -> [String: Any] {
        entry?["resources"] as? [String: Any] ?? [:]
    }

    /// User + system CPU seconds of one process (every thread), from /proc/PID/stat.
    static func cpuSeconds(of pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// An agent's log so far.
    static func agentLogText(_ harness: SupervisorHarness, _ agent: String) -> String {
        (try? String(contentsOf: harness.agentLog(agent), encoding: .utf8)) ?? ""
    }

    /// Waits for the harness's supervisor process to end (after `down`).
    static func waitForExit(_ harness: SupervisorHarness, timeout: TimeInterval = 60) -> Bool {
        eventually(timeout: timeout) { !(harness.process?.isRunning ?? false) }
    }
}

extension LimitsTests {
    /// `supervisor VERB ...` running in the background (e.g. `events`), its output in a file.
    final class BackgroundRun {
        let process = Process()
        private let outputURL: URL
        private let handle: FileHandle

        init(_ harness: SupervisorHarness, _ arguments: [String]) throws {
            outputURL = harness.directory.appendingPathComponent("background-\(UUID().uuidString.prefix(6)).out")
            _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
            handle = try FileHandle(forWritingTo: outputURL)
            process.executableURL = URL(fileURLWithPath: SupervisorHarness.supervisorPath)
            process.arguments = arguments
            process.currentDirectoryURL = harness.directory
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        }

        /// Whether it ended by itself within the timeout.
        func waitForExit(timeout: TimeInterval) -> Bool {
            eventually(timeout: timeout) { !process.isRunning }
        }

        var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

        /// Kills it if it still runs.
        func stop() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            try? handle.close()
        }
    }
}
