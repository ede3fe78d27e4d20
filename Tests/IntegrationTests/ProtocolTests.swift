import Foundation
import Testing

/// The control protocol as a client outside this project sees it: plain pyzmq scripts
/// (Tests/IntegrationTests/python), written from docs/protocol.md, against `supervisor up`.
@Suite("control protocol", .serialized)
struct ProtocolTests {
    /// alpha <- beta (beta depends on alpha), and gamma on its own in group `tools`.
    private func threeAgents(_ ports: [Int], betaExtra: String = "") -> String {
        """
        defaults:
          host: mainpc
          command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
          health: {kind: zmq}
        agents:
          alpha:
            health: {port: \(ports[0])}
          beta:
            command: ["${SUPERVISOR_BIN_DIR}/agent-sim"\(betaExtra)]
            health: {port: \(ports[1])}
            depends_on: [alpha]
          gamma:
            group: tools
            health: {port: \(ports[2])}
        """
    }

    @Test("ping, version, status and logs over REQ; ids echoed over DEALER; unknown agents")
    func readCommands() throws {
        let fixture = try ProtocolFixture(ports: 3) { threeAgents($0, betaExtra: #", "--spam-lines", "30""#) }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 3/3")
        let supervisorPid = try #require(fixture.harness.process?.processIdentifier)

        let result = try fixture.python("read_commands.py", [fixture.endpoint, "alpah", "beta", "5"]).json

        let ping = result["ping"]
        #expect(ping["ok"].bool == true)
        #expect(ping["data"]["pong"].bool == true)
        #expect(ping["data"]["host"].string == "mainpc")
        #expect(ping["data"]["pid"].int == Int(supervisorPid))
        #expect(ping["id"].isNull, "a request without id gets a reply without id")

        let version = result["version"]["data"]
        #expect(version["protocol"].int == 1)
        #expect(version["version"].string?.isEmpty == false)
        #expect(version["zmq"].string?.split(separator: ".").count == 3)

        let status = result["status"]
        #expect(status["ok"].bool == true)
        let data = status["data"]
        #expect(data["host"].string == "mainpc")
        #expect(data["phase"].string == "running")
        #expect(data["supervisor_pid"].int == Int(supervisorPid))
        #expect((data["uptime"].double ?? 0) > 0)
        #expect(data["agents"].array.map { $0["name"].string ?? "?" } == ["alpha", "beta", "gamma"], "manifest order")
        #expect(data["totals"].dictionary.mapValues { $0.int ?? -1 } == ["ready": 3, "total": 3])
        for agent in data["agents"].array {
            let name = agent["name"].string ?? "?"
            #expect(agent["state"].string == "ready", "\(name)")
            #expect(agent["host"].string == "mainpc")
            let pid = try #require(agent["pid"].int, "\(name) has a pid")
            #expect(Int32(pid) == fixture.harness.pids(of: name).last, "\(name): the pid the supervisor spawned")
            #expect(processIsAlive(Int32(pid)))
            #expect((agent["uptime"].double ?? 0) > 0, "\(name)")
            #expect(agent["restarts"].int == 0, "\(name)")
            #expect(agent["health"].string == "ok", "\(name)")
            #expect(agent["blocked_by"].array.isEmpty, "\(name)")
            #expect(agent["required"].bool == false)
            #expect((agent["ready_after"].double ?? -1) >= 0, "\(name)")
            #expect(agent["health_port"].int == fixture.ports[["alpha", "beta", "gamma"].firstIndex(of: name) ?? 0])
        }
        #expect(data["agents"].array.last?["group"].string == "tools")

        let one = result["status_one"]["data"]["agents"].array
        #expect(one.map { $0["name"].string } == ["beta"])
        #expect(result["status_group"]["data"]["agents"].array.map { $0["name"].string } == ["gamma"], "group:<g> selects")

        let unknown = result["status_unknown"]
        #expect(unknown["ok"].bool == false)
        #expect(unknown["error"]["code"].string == "agent.not_found")
        #expect(unknown["error"]["message"].string?.contains("\"alpah\"") == true)
        #expect(unknown["error"]["details"].array.compactMap(\.string).contains("alpha"), "close matches in details")

        // logs: the last N lines of the agent's log file, as they are in the file.
        let logLines = try String(contentsOf: fixture.harness.agentLog("beta"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let logs = result["logs"]["data"]
        #expect(logs["agent"].string == "beta")
        #expect(logs["path"].string?.hasSuffix("/logs/mainpc/beta.log") == true)
        #expect(logs["lines"].array.compactMap(\.string) == Array(logLines.suffix(5)))
        #expect(logLines.count > 50, "30 stdout + 30 stderr spam lines, start and ready")
        #expect(result["logs_default"]["data"]["lines"].array.compactMap(\.string) == Array(logLines.suffix(50)),
                "lines defaults to 50")

        #expect(result["dealer_ping"]["id"].string == "ping-1")
        #expect(result["dealer_ping"]["ok"].bool == true)
        #expect(result["dealer_numeric_id"]["id"].string == "42", "a numeric id comes back as a string")
        #expect(result["dealer_error_with_id"]["id"].string == "bad-1")
        #expect(result["dealer_error_with_id"]["error"]["code"].string == "agent.not_found")
        #expect(result["pipelined_ids"].array.compactMap(\.string) == (0..<5).map { "pipelined-\($0)" })
        #expect(result["pipelined_all_ok"].bool == true)
        try fixture.harness.stop()
    }

    @Test("stop, start and restart: a dependency that is down refuses, with_deps starts both")
    func stopStartRestartWithDependencies() throws {
        let fixture = try ProtocolFixture(ports: 3) { threeAgents($0) }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 3/3")
        let before = try fixture.pids()

        let stop = try fixture.call("stop", args: #"{"agents": ["beta", "alpha"]}"#)
        #expect(stop["ok"].bool == true)
        #expect(stop["data"]["agents"].array.map { "\($0["agent"].string ?? "?"): \($0["result"].string ?? "?")" }
                == ["alpha: stopping", "beta: stopping"], "outcomes in manifest order")
        let stopped = try fixture.waitFor("alpha=stopped", "beta=stopped", "gamma=ready")
        #expect(fixture.agents(stopped)["alpha"]?["pid"].isNull == true)
        #expect(fixture.agents(stopped)["beta"]?["last_exit"]["reason"].string == "stopped")
        #expect(eventually { !processIsAlive(before["alpha"]!) && !processIsAlive(before["beta"]!) })

        // beta needs alpha, which is stopped: refused, and nothing changes.
        let refused = try fixture.call("start", args: #"{"agents": ["beta"]}"#)
        #expect(refused["ok"].bool == false)
        #expect(refused["error"]["code"].string == "agent.dependency_not_ready")
        #expect(refused["error"]["details"].array.compactMap(\.string) == ["alpha"])
        let restartRefused = try fixture.call("restart", args: #"{"agents": ["beta"]}"#)
        #expect(restartRefused["error"]["code"].string == "agent.dependency_not_ready")
        #expect(restartRefused["error"]["details"].array.compactMap(\.string) == ["alpha"])
        let unchanged = fixture.agents(try fixture.status())
        #expect(unchanged["alpha"]?["state"].string == "stopped")
        #expect(unchanged["beta"]?["state"].string == "stopped")

        // with_deps: alpha starts first, beta waits for it.
        let both = try fixture.call("start", args: #"{"agents": ["beta"], "with_deps": true}"#)
        #expect(both["ok"].bool == true)
        let outcomes = Dictionary(uniqueKeysWithValues: both["data"]["agents"].array.map {
            ($0["agent"].string ?? "?", $0["result"].string ?? "?")
        })
        #expect(outcomes == ["alpha": "starting", "beta": "waiting for alpha"])
        let running = fixture.agents(try fixture.waitFor("alpha=ready", "beta=ready"))
        let alphaPid = try #require(running["alpha"]?["pid"].int)
        let betaPid = try #require(running["beta"]?["pid"].int)
        #expect(Int32(alphaPid) != before["alpha"])
        #expect(Int32(betaPid) != before["beta"])

        // start of a running agent changes nothing; restart gives a new process.
        let again = try fixture.call("start", args: #"{"agents": ["beta"]}"#)
        #expect(again["data"]["agents"][0]["result"].string == "already ready")
        let restart = try fixture.call("restart", args: #"{"agents": ["beta"]}"#, id: "restart-beta", dealer: true)
        #expect(restart["id"].string == "restart-beta")
        #expect(restart["data"]["agents"][0]["result"].string == "restarting")
        var restarted = fixture.agents(try fixture.waitFor("beta=ready"))
        #expect(restarted["beta"]?["pid"].int != betaPid)
        #expect(restarted["beta"]?["restarts"].int == 1)
        #expect(restarted["beta"]?["last_exit"]["reason"].string == "restarted")
        #expect(restarted["alpha"]?["pid"].int == alphaPid, "restarting beta leaves its dependency alone")
        #expect(restarted["gamma"]?["pid"].int.map(Int32.init) == before["gamma"], "gamma never touched")

        // Selections: a group, and names that do not exist.
        let group = try fixture.call("restart", args: #"{"agents": ["group:tools"]}"#)
        #expect(group["data"]["agents"].array.map { $0["agent"].string } == ["gamma"])
        restarted = fixture.agents(try fixture.waitFor("gamma=ready"))
        #expect(restarted["gamma"]?["pid"].int.map(Int32.init) != before["gamma"])
        let noGroup = try fixture.call("stop", args: #"{"agents": ["group:tols"]}"#)
        #expect(noGroup["error"]["code"].string == "agent.not_found")
        #expect(noGroup["error"]["details"].array.compactMap(\.string) == ["tools"])
        let noAgent = try fixture.call("stop", args: #"{"agents": ["gama"]}"#)
        #expect(noAgent["error"]["code"].string == "agent.not_found")
        #expect(noAgent["error"]["details"].array.compactMap(\.string).contains("gamma"))
        try fixture.harness.stop()
    }

    @Test("restart clears failed: a crash-looping agent gets a new pid and starts again")
    func restartClearsFailed() throws {
        let fixture = try ProtocolFixture(ports: 2) { ports in
            """
            defaults:
              host: mainpc
              health: {kind: zmq}
            agents:
              steady:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
                health: {port: \(ports[0])}
              crashy:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "1h", "--crash-after", "50ms"]
                health: {port: \(ports[1])}
                restart: {backoff: {initial: 50ms}, max_restarts: 1}
              dependent:
                command: ["/bin/sleep", "1000"]
                health: {kind: none}
                depends_on: [crashy]
            """
        }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 1/3")
        let failedStatus = fixture.agents(try fixture.waitFor("crashy=failed", "steady=ready", "dependent=waiting"))
        #expect(failedStatus["crashy"]?["failure_reason"].string?.contains("giving up") == true)
        #expect(failedStatus["crashy"]?["pid"].isNull == true)
        #expect(failedStatus["crashy"]?["last_exit"]["code"].int == 1)
        #expect(failedStatus["dependent"]?["blocked_by"].array.compactMap(\.string) == ["crashy"])
        let noLog = try fixture.call("logs", args: #"{"agent": "dependent"}"#)
        #expect(noLog["error"]["code"].string == "agent.log_unavailable", "never started: no log yet")
        let oldPids = fixture.harness.pids(of: "crashy")
        #expect(oldPids.count == 2, "one start and max_restarts 1")

        // restart, with a status right behind it on the same DEALER; watch the event stream.
        let run = try fixture.python("events.py", [
            fixture.endpoint, "restart", "--args", #"{"agents": ["crashy"]}"#,
            "--until", "crashy=failed", "--then-status",
        ])
        let result = run.json
        #expect(result["complete"].bool == true, "\(run.stderr)")
        #expect(result["reply"]["ok"].bool == true)
        #expect(result["reply"]["data"]["agents"].array.map { $0["result"].string } == ["starting"])

        let crashy = try #require(fixture.agents(result["status"])["crashy"])
        #expect(["starting", "backoff"].contains(crashy["state"].string ?? "?"), "\(crashy)")
        #expect(crashy["failure_reason"].isNull, "restart clears the failure")
        if let pid = crashy["pid"].int {
            #expect(!oldPids.contains(Int32(pid)), "a new process")
        }

        let transitions = result["events"].array
            .filter { $0["topic"].string == "agent.state" && $0["agent"].string == "crashy" }
            .map { "\($0["from"].string ?? "?") -> \($0["to"].string ?? "?")" }
        #expect(Array(transitions.prefix(2)) == ["failed -> waiting", "waiting -> starting"], "\(transitions)")
        #expect(transitions.last?.hasSuffix("-> failed") == true, "crash-loops into failed again: \(transitions)")
        #expect(fixture.harness.pids(of: "crashy").count == 4, "restart, then max_restarts 1 again")
        for pid in fixture.harness.pids(of: "crashy").dropFirst(2) { #expect(!oldPids.contains(pid)) }
        #expect(fixture.agents(try fixture.status())["steady"]?["state"].string == "ready")
        try fixture.harness.stop()
    }

    @Test("reload: added agents start, removed stop, only changed ones restart; a bad manifest changes nothing")
    func reload() throws {
        let fixture = try ProtocolFixture(ports: 4) { threeAgents($0) }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 3/3")
        let before = try fixture.pids()
        let ports = fixture.ports

        // beta's command changes, gamma goes, delta (needing alpha) comes.
        try fixture.writeManifest("""
            defaults:
              host: mainpc
              command: ["${SUPERVISOR_BIN_DIR}/agent-sim"]
              health: {kind: zmq}
            agents:
              alpha:
                health: {port: \(ports[0])}
              beta:
                command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ready-after", "20ms"]
                health: {port: \(ports[1])}
                depends_on: [alpha]
              delta:
                health: {port: \(ports[3])}
                depends_on: [alpha]
            """)
        let reply = try fixture.call("reload", id: "reload-1", dealer: true)
        #expect(reply["ok"].bool == true, "\(reply)")
        #expect(reply["id"].string == "reload-1")
        #expect(reply["data"]["added"].array.compactMap(\.string) == ["delta"])
        #expect(reply["data"]["removed"].array.compactMap(\.string) == ["gamma"])
        #expect(reply["data"]["changed"].array.compactMap(\.string) == ["beta"])
        #expect(reply["data"]["unchanged"].int == 1)

        let after = fixture.agents(try fixture.waitFor("alpha=ready", "beta=ready", "delta=ready", "gamma=absent"))
        #expect(after.keys.sorted() == ["alpha", "beta", "delta"])
        #expect(after["alpha"]?["pid"].int.map(Int32.init) == before["alpha"], "unchanged: same process")
        let newBeta = try #require(after["beta"]?["pid"].int.map(Int32.init))
        #expect(newBeta != before["beta"], "changed: a new process")
        #expect(fixture.harness.pids(of: "beta").last == newBeta)
        #expect(after["delta"]?["pid"].int.map(Int32.init) == fixture.harness.pids(of: "delta").last)
        #expect(eventually { !processIsAlive(before["beta"]!) && !processIsAlive(before["gamma"]!) })

        // A manifest with errors: refused with every error, nothing touched.
        try fixture.writeManifest("""
            agents:
              alpha: {host: mainpc, command: [x], helth: {kind: zmq}}
              beta: {host: nowhere, command: [x]}
            """)
        let invalid = try fixture.call("reload")
        #expect(invalid["ok"].bool == false)
        #expect(invalid["error"]["code"].string == "manifest.invalid")
        #expect(invalid["error"]["message"].string?.contains("nothing was changed") == true)
        let details = invalid["error"]["details"].array.compactMap(\.string)
        #expect(details.count == 2, "\(details)")
        #expect(details.contains { $0.contains("unknown key 'helth'; did you mean 'health'?") })
        #expect(details.contains { $0.contains("host 'nowhere' is not in hosts") })
        let still = fixture.agents(try fixture.status())
        #expect(still.keys.sorted() == ["alpha", "beta", "delta"])
        #expect(still.mapValues { $0["pid"].int } == after.mapValues { $0["pid"].int })
        #expect(still.values.allSatisfy { $0["state"].string == "ready" })
        try fixture.harness.stop()
    }

    @Test("down: replies, refuses changes while shutting down, stops every agent, exits 0")
    func down() throws {
        let fixture = try ProtocolFixture(ports: 4) { ports in
            threeAgents(ports) + """

                  stubborn:
                    command: ["${SUPERVISOR_BIN_DIR}/agent-sim", "--ignore-sigterm"]
                    health: {port: \(ports[3])}
                    stop: {timeout: 5s}
                """
        }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 4/4")
        let pids = try fixture.pids()
        // down, then more requests right behind it on the same DEALER: `stubborn` ignores
        // SIGTERM, so the supervisor is still shutting down when they arrive.
        let replies = try fixture.python("ctl.py", ["batch", fixture.endpoint,
            #"{"v": 1, "cmd": "down", "id": "bye"}"#,
            #"{"v": 1, "cmd": "restart", "args": {"agents": ["alpha"]}, "id": "too-late"}"#,
            #"{"v": 1, "cmd": "status", "id": "status"}"#,
        ]).json
        let reply = replies["bye"]
        #expect(reply["ok"].bool == true)
        #expect(reply["data"]["stopping"].int == 4)
        #expect(reply["data"]["host"].string == "mainpc")
        #expect(replies["too-late"]["error"]["code"].string == "supervisor.shutting_down")
        #expect(replies["status"]["data"]["phase"].string == "shutting_down")

        let process = try #require(fixture.harness.process)
        #expect(eventually(timeout: 60) { !process.isRunning }, "the supervisor exits after down")
        #expect(process.terminationStatus == 0)
        for (name, pid) in pids { #expect(!processIsAlive(pid), "\(name) is gone") }
        #expect(fixture.harness.logText().contains("sent SIGKILL to stubborn"), "killed after its stop timeout")
        #expect(fixture.harness.logText().contains("supervisor stopped"))
        let late = try fixture.python("ctl.py", ["call", fixture.endpoint, "ping", "--timeout", "1"], expectSuccess: false)
        #expect(late.status == 3, "nobody answers any more")
    }

    @Test("event stream: every state change of a restart in order, seq without gaps, commands and health")
    func eventStream() throws {
        let fixture = try ProtocolFixture(ports: 3) { threeAgents($0) }
        defer { fixture.cleanUp() }
        try fixture.start(readyLine: "ready: 3/3")
        let before = try fixture.pids()

        let run = try fixture.python("events.py", [
            fixture.endpoint, "restart", "--args", #"{"agents": ["alpha"]}"#, "--until", "alpha=ready", "--settle", "0.5",
        ])
        let result = run.json
        #expect(result["complete"].bool == true, "\(run.stderr)")
        #expect(result["reply"]["data"]["agents"][0]["result"].string == "restarting")
        #expect(result["topic_frames_match"].bool == true, "the first frame is the event's topic")

        let events = result["events"].array
        let sequence = events.compactMap { $0["seq"].int }
        #expect(sequence.count == events.count)
        #expect(zip(sequence, sequence.dropFirst()).allSatisfy { $1 == $0 + 1 }, "seq has no gaps: \(sequence)")
        let topics = Set(["agent.state", "agent.health", "agent.metrics", "agent.errors", "system.commands"])
        for event in events {
            #expect(topics.contains(event["topic"].string ?? "?"), "\(event)")
            #expect(event["host"].string == "mainpc")
            #expect(event["ts"].string?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "\(event)")
        }

        let alpha = events.filter { $0["topic"].string == "agent.state" && $0["agent"].string == "alpha" }
        #expect(alpha.map { "\($0["from"].string ?? "?") -> \($0["to"].string ?? "?")" }
                == ["ready -> stopping", "stopping -> starting", "starting -> ready"])
        #expect(alpha.first?["pid"].int.map(Int32.init) == before["alpha"], "stopping names the old process")
        #expect(alpha.first?["reason"].string == "restart requested")
        let newPid = try #require(alpha.last?["pid"].int.map(Int32.init))
        #expect(newPid != before["alpha"])
        #expect(newPid == fixture.harness.pids(of: "alpha").last)

        let commands = events.filter { $0["topic"].string == "system.commands" && $0["cmd"].string == "restart" }
        #expect(commands.count == 1)
        #expect(commands.first?["ok"].bool == true)
        #expect(commands.first?["client"].string?.contains("(id ") == true)
        #expect(commands.first?["client"].string?.hasPrefix("127.0.0.1") == true)
        let health = events.filter { $0["topic"].string == "agent.health" && $0["agent"].string == "alpha" }
        #expect(health.contains { $0["healthy"].bool == true && $0["detail"].string == "ready" })
        // A restart on request is not an error: no agent.errors event for alpha.
        #expect(!events.contains { $0["topic"].string == "agent.errors" && $0["agent"].string == "alpha" })
        try fixture.harness.stop()
    }
}

// MARK: - Running the Python clients

/// Parsed JSON for assertions: `reply["data"]["agents"][0]["state"].string`.
struct WireJSON: CustomStringConvertible {
    let raw: Any?

    init(_ raw: Any?) {
        self.raw = raw
    }

    init(parsing text: String) throws {
        raw = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    subscript(key: String) -> WireJSON { WireJSON((raw as? [String: Any])?[key]) }

    subscript(index: Int) -> WireJSON {
        guard let list = raw as? [Any], list.indices.contains(index) else { return WireJSON(nil) }
        return WireJSON(list[index])
    }

    var string: String? { raw as? String }
    var int: Int? { (raw as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
    var double: Double? { (raw as? NSNumber)?.doubleValue }
    var bool: Bool? { raw as? Bool }
    var array: [WireJSON] { (raw as? [Any])?.map(WireJSON.init) ?? [] }
    var dictionary: [String: WireJSON] { (raw as? [String: Any])?.mapValues(WireJSON.init) ?? [:] }
    var isNull: Bool { raw == nil || raw is NSNull }

    var description: String {
        guard let raw, JSONSerialization.isValidJSONObject(raw),
              let data = try? JSONSerialization.data(withJSONObject: raw, options: [.sortedKeys]) else {
            return "\(raw ?? "nil")"
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One run of a Python script: exit status, output, and the last output line as JSON.
struct PythonRun {
    var status: Int32
    var stdout: String
    var stderr: String

    var json: WireJSON {
        let last = stdout.split(separator: "\n").last.map(String.init) ?? ""
        return (try? WireJSON(parsing: last)) ?? WireJSON(nil)
    }
}

enum ProtocolTestError: Error, CustomStringConvertible {
    case script(String, PythonRun, log: String)
    case noFreePort

    var description: String {
        switch self {
        case .script(let what, let run, let log):
            "\(what) exited with \(run.status) (\(TestPython.hint))\nstdout: \(run.stdout.prefix(4000))\nstderr: \(run.stderr.prefix(4000))\nsupervisor log (end):\n\(log.suffix(4000))"
        case .noFreePort: "no free control port with a free port after it"
        }
    }
}

/// A supervisor started by the shared harness on a control port whose next port (the event
/// stream) is free too, with free ports for the agents, and the Python clients pointed at it.
final class ProtocolFixture {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python")

    let harness: SupervisorHarness
    let controlPort: Int
    /// Free ports for the manifest (health ports), distinct from the control and event ports.
    let ports: [Int]
    var endpoint: String { "tcp://127.0.0.1:\(controlPort)" }

    init(ports count: Int, manifest: ([Int]) -> String) throws {
        controlPort = try Self.freeControlPort()
        var ports: [Int] = []
        while ports.count < count {
            let port = try PortAllocator.free()
            if port != controlPort && port != controlPort + 1 && !ports.contains(port) { ports.append(port) }
        }
        self.ports = ports
        harness = try SupervisorHarness(manifest: manifest(ports), hostsText: "mainpc 127.0.0.1 \(controlPort)\n")
    }

    /// Starts `supervisor up mainpc` and waits for the start-up summary line.
    func start(readyLine: String) throws {
        try harness.start()
        try harness.waitForLine(readyLine)
    }

    func cleanUp() {
        harness.cleanUp()
    }

    func writeManifest(_ text: String) throws {
        try text.write(to: harness.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)
    }

    /// Runs `SCRIPT ARGS` with the tests' Python (`TestPython`) and a deadline; throws when it
    /// fails (unless told not to).
    func python(_ script: String, _ arguments: [String], timeout: TimeInterval = 120, expectSuccess: Bool = true) throws -> PythonRun {
        let name = "\(script)-\(UUID().uuidString.prefix(6))"
        let out = harness.directory.appendingPathComponent("\(name).out")
        let err = harness.directory.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: TestPython.path)
        child.arguments = [Self.scripts.appendingPathComponent(script).path] + arguments
        child.currentDirectoryURL = Self.scripts
        child.environment = ProcessInfo.processInfo.environment.merging([
            "PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1",
        ]) { $1 }
        child.standardOutput = outHandle
        child.standardError = errHandle
        try child.run()
        let deadline = Date().addingTimeInterval(timeout)
        while child.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        let timedOut = child.isRunning
        if timedOut {
            kill(child.processIdentifier, SIGKILL)
        }
        child.waitUntilExit()
        let run = PythonRun(
            status: timedOut ? -1 : child.terminationStatus,
            stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        if timedOut {
            throw ProtocolTestError.script("\(script) \(arguments) (killed after \(Int(timeout)) s)", run, log: harness.logText())
        }
        if expectSuccess && run.status != 0 {
            throw ProtocolTestError.script("\(script) \(arguments)", run, log: harness.logText())
        }
        return run
    }

    /// One request through `ctl.py call`: the parsed reply (ok or error).
    func call(_ command: String, args: String? = nil, id: String? = nil, dealer: Bool = false) throws -> WireJSON {
        var arguments = ["call", endpoint, command]
        if let args { arguments += ["--args", args] }
        if let id { arguments += ["--id", id] }
        if dealer { arguments.append("--dealer") }
        return try python("ctl.py", arguments).json
    }

    func status() throws -> WireJSON {
        try call("status")
    }

    /// Polls status until every `agent=state` (or `agent=absent`) holds; the last status reply.
    @discardableResult
    func waitFor(_ conditions: String..., timeout: TimeInterval = 60) throws -> WireJSON {
        try python("ctl.py", ["wait", endpoint, "--timeout", "\(Int(timeout))"] + conditions, timeout: timeout + 30).json
    }

    /// A status reply's agents by name.
    func agents(_ status: WireJSON) -> [String: WireJSON] {
        Dictionary(status["data"]["agents"].array.map { ($0["name"].string ?? "?", $0) }) { first, _ in first }
    }

    /// The pid of every agent, from status.
    func pids() throws -> [String: Int32] {
        agents(try status()).compactMapValues { $0["pid"].int.map(Int32.init) }
    }

    /// A free port whose successor is free too (control port and event port).
    static func freeControlPort() throws -> Int {
        for _ in 0..<100 {
            let port = try PortAllocator.free()
            if port < 65534 && canBind(port + 1) { return port }
        }
        throw ProtocolTestError.noFreePort
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
