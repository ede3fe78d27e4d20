import Foundation
import Testing

extension ControlCommandLineTests {
    /// What one run of a verb produced.
    struct Outcome: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool

        /// Standard output, then standard error.
        var output: String { stdout + stderr }

        /// Non-empty lines of standard output.
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        var description: String {
            "exit \(status)\(timedOut ? " (killed: timed out)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
        }
    }

    /// A `status --json` reply.
    struct Snapshot {
        let json: [String: Any]

        init?(_ text: String) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
            json = object
        }

        var phase: String? { json["phase"] as? String }
        var agents: [[String: Any]] { json["agents"] as? [[String: Any]] ?? [] }
        var names: [String] { agents.compactMap { $0["name"] as? String } }

        func agent(_ name: String) -> [String: Any]? { agents.first { $0["name"] as? String == name } }
        func state(_ name: String) -> String? { agent(name)?["state"] as? String }
        func pid(_ name: String) -> Int32? { (agent(name)?["pid"] as? Int).map { Int32($0) } }
    }

    /// A failed wait, with what was seen last.
    struct SessionError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// One supervisor for one test, driven only through the `supervisor` command line. The host
    /// `mainpc` gets two consecutive free ports (control, events). `close()` kills everything
    /// the test started, a detached supervisor included.
    final class Session {
        let harness: SupervisorHarness
        /// The control port; the event stream is on the next one.
        let controlPort: Int
        private var detachedPid: Int32?
        private var jobs: [BackgroundCommand] = []

        init(manifest: String, avoiding taken: [Int] = [], hostsText: String? = nil) throws {
            controlPort = try Self.consecutiveFreePorts(avoiding: taken)
            harness = try SupervisorHarness(manifest: manifest, hostsText: hostsText ?? "mainpc 127.0.0.1 \(controlPort)\n")
        }

        var directory: URL { harness.directory }

        /// Runs `supervisor ARGS` in the test folder, `environment` added to this process's;
        /// killed after `timeout`.
        func cli(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Outcome {
            let folder = directory.appendingPathComponent("cli-output")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let name = UUID().uuidString
            let outURL = folder.appendingPathComponent("\(name).out")
            let errURL = folder.appendingPathComponent("\(name).err")
            _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let out = try FileHandle(forWritingTo: outURL)
            let err = try FileHandle(forWritingTo: errURL)
            defer { try? out.close(); try? err.close() }
            let child = try ControlCommandLineTests.launch {
                let child = Process()
                child.executableURL = URL(fileURLWithPath: SupervisorHarness.supervisorPath)
                child.arguments = arguments
                if !environment.isEmpty { child.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
                child.currentDirectoryURL = directory
                child.standardInput = FileHandle.nullDevice
                child.standardOutput = out
                child.standardError = err
                return child
            }
            let finished = Self.waitForExit(child, timeout: timeout)
            let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
            let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            return Outcome(status: child.terminationStatus, stdout: stdout, stderr: stderr, timedOut: !finished)
        }

        /// Starts `supervisor ARGS` in the background, its output (both streams) read from a pipe.
        func background(_ arguments: [String]) throws -> BackgroundCommand {
            let job = try BackgroundCommand(arguments, in: directory)
            jobs.append(job)
            return job
        }

        /// `status mainpc --json`, parsed; nil when the verb fails.
        func snapshot() throws -> Snapshot? {
            let result = try cli(["status", harness.host, "--json"], timeout: 30)
            return result.status == 0 ? Snapshot(result.stdout) : nil
        }

        /// Polls `status --json` until `condition` holds.
        @discardableResult
        func waitForStatus(_ what: String, timeout: TimeInterval = 90, _ condition: (Snapshot) -> Bool) throws -> Snapshot {
            let deadline = Date().addingTimeInterval(timeout)
            var last = "(nothing yet)"
            while Date() < deadline {
                let result = try cli(["status", harness.host, "--json"], timeout: 30)
                if result.status == 0, let snapshot = Snapshot(result.stdout), condition(snapshot) { return snapshot }
                last = result.description
                if let process = harness.process, !process.isRunning {
                    throw SessionError("the supervisor exited (\(process.terminationStatus)) while waiting for \(what); log:\n\(harness.logText())")
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
            throw SessionError("timed out waiting for \(what); last status:\n\(last)\nsupervisor log:\n\(harness.logText())")
        }

        /// Waits until start-up has ended and every named agent is in the given state.
        @discardableResult
        func waitForStates(_ expected: [String: String], timeout: TimeInterval = 90) throws -> Snapshot {
            try waitForStatus("states \(expected.sorted { $0.key < $1.key })", timeout: timeout) { snapshot in
                snapshot.phase == "running" && expected.allSatisfy { snapshot.state($0.key) == $0.value }
            }
        }

        /// `supervisor up mainpc` in the background (the harness's process); returns once start-up has ended.
        @discardableResult
        func up() throws -> Snapshot {
            try harness.start()
            return try waitForStatus("start-up to end") { $0.phase == "running" }
        }

        /// Remembers the pid `up --detach` printed, so `close()` can kill it.
        func adoptDetached(from output: String) -> Int32? {
            guard let match = output.firstMatch(of: /running in the background \(pid (\d+)\)/) else { return nil }
            detachedPid = Int32(match.1)
            return detachedPid
        }

        /// The pid in `run/mainpc.lock`.
        var lockPid: Int32? {
            let text = try? String(contentsOf: directory.appendingPathComponent("run/\(harness.host).lock"), encoding: .utf8)
            return text.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }

        /// Kills every background command, a detached supervisor, the harness's supervisor and agents.
        func close() {
            for job in jobs { job.terminate() }
            // The lock file outlives its holder: kill a pid only while it is still our supervisor.
            for pid in Set([detachedPid, lockPid].compactMap { $0 }) where isOurSupervisor(pid) {
                kill(pid, SIGKILL)
                _ = eventually(timeout: 10) { !processIsAlive(pid) }
            }
            harness.cleanUp()
        }

        private func isOurSupervisor(_ pid: Int32) -> Bool {
            guard processIsAlive(pid), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = String(decoding: data, as: UTF8.self)
            return arguments.contains("supervisor") && arguments.contains(directory.lastPathComponent)
        }

        static func waitForExit(_ process: Process, timeout: TimeInterval) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            guard !process.isRunning else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return false
            }
            process.waitUntilExit()
            return true
        }

        /// A free port whose successor is free too, neither of them in `taken`.
        static func consecutiveFreePorts(avoiding taken: [Int]) throws -> Int {
            for _ in 0..<200 {
                let port = try PortAllocator.free()
                if port < 65534, !taken.contains(port), !taken.contains(port + 1), ControlCommandLineTests.canBind(port + 1) { return port }
            }
            throw SessionError("found no two consecutive free ports")
        }
    }
}

extension ControlCommandLineTests {
    /// Runs the process `make` builds. While another build relinks the binary, exec fails with
    /// ETXTBSY for a moment: that is retried with a fresh process for up to 60 s.
    static func launch(_ make: () -> Process) throws -> Process {
        let deadline = Date().addingTimeInterval(60)
        while true {
            let process = make()
            do {
                try process.run()
                return process
            } catch {
                let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
                guard underlying?.code == Int(ETXTBSY), Date() < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
    }

    /// True when nothing listens on `port` of loopback.
    static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// True when `line` matches `pattern` as a whole.
    static func matches(_ line: String, _ pattern: String) -> Bool {
        (try? Regex(pattern).wholeMatch(in: line)) != nil
    }
}

extension ControlCommandLineTests {
    /// The readable `status` output cut into cells by its header: columns start where a header
    /// word follows two spaces, so added columns do not break the tests.
    struct StatusTableText {
        let columns: [String]
        let rows: [[String: String]]
        let footer: [String]

        init?(_ text: String) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
            guard let header = lines.first, header.first == "N" || header.first == "H" else { return nil }
            let starts = header.indices.filter { index in
                header[index] != " " && (index == 0 || (index >= 2 && header[index - 1] == " " && header[index - 2] == " "))
            }
            func cells(_ line: [Character]) -> [String] {
                starts.enumerated().map { number, start in
                    let end = number + 1 < starts.count ? min(starts[number + 1], line.count) : line.count
                    return start < end ? String(line[start..<end]).trimmingCharacters(in: .whitespaces) : ""
                }
            }
            let names = cells(header)
            let body = lines.dropFirst().prefix { !$0.isEmpty }
            columns = names
            rows = body.map { Dictionary(zip(names, cells($0)), uniquingKeysWith: { first, _ in first }) }
            footer = lines.dropFirst(body.count + 1).filter { !$0.isEmpty }.map { String($0) }
        }

        func row(_ name: String) -> [String: String]? { rows.first { $0["NAME"] == name } }
    }
}
