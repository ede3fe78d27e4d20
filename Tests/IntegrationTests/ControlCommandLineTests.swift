import Foundation
import Testing

/// The control verbs (`status`, `start`, `stop`, `restart`, `logs`, `events`, `reload`, `down`,
/// `up --detach`) against a running supervisor, through the built binary, as a user types them.
/// The tests in the `ControlCommandLineTests+*.swift` files belong to this suite.
@Suite("control command line", .serialized)
struct ControlCommandLineTests {
    /// The simulated agent, as a manifest command.
    static let sim = #""${SUPERVISOR_BIN_DIR}/agent-sim""#

    /// `store` (group data) and `api` (group web, needs store) become ready; `oneshot` (group
    /// jobs) exits with code 3 at once and is never restarted, so it ends `failed`.
    static func statusManifest(_ ports: [Int]) -> String {
        """
        defaults:
          host: mainpc
          health: {kind: zmq}
        agents:
          store:
            group: data
            command: [\(sim), "--ready-after", "100ms"]
            health: {port: \(ports[0])}
          api:
            group: web
            command: [\(sim)]
            health: {port: \(ports[1])}
            depends_on: [store]
          oneshot:
            group: jobs
            command: ["sh", "-c", "exit 3"]
            health: {kind: none}
            restart: {policy: never}
        """
    }

    @Test("status: a row per agent with name, group, state, pid, uptime, restarts, health and last exit; totals below")
    func statusTable() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.statusManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let snapshot = try session.waitForStates(["store": "ready", "api": "ready", "oneshot": "failed"])
        let store = try #require(snapshot.pid("store"))
        let api = try #require(snapshot.pid("api"))
        #expect(session.harness.pids(of: "store") == [store])
        #expect(session.harness.pids(of: "api") == [api])
        let supervisor = try #require(session.harness.process?.processIdentifier)

        let result = try session.cli(["status", "mainpc"])
        #expect(result.status == 0, "\(result)")
        let table = try #require(StatusTableText(result.stdout), "\(result)")
        let wanted = ["NAME", "GROUP", "STATE", "PID", "UPTIME", "RESTARTS", "HEALTH", "LAST EXIT"]
        #expect(table.columns.filter { wanted.contains($0) } == wanted, "\(table.columns)")
        #expect(table.rows.map { $0["NAME"] } == ["store", "api", "oneshot"], "\(result)")
        for (name, group, pid) in [("store", "data", store), ("api", "web", api)] {
            let row = try #require(table.row(name))
            #expect(row["GROUP"] == group && row["STATE"] == "ready" && row["PID"] == "\(pid)", "\(row)")
            #expect(row["UPTIME"].map { Self.matches($0, #"\d+(ms|s|\.\d+s)|\d+m\d+s"#) } == true, "\(row)")
            #expect(row["RESTARTS"] == "0" && row["HEALTH"] == "ok" && row["LAST EXIT"] == "-", "\(row)")
        }
        let oneshot = try #require(table.row("oneshot"))
        #expect(oneshot["GROUP"] == "jobs" && oneshot["STATE"] == "failed", "\(oneshot)")
        #expect(oneshot["PID"] == "-" && oneshot["UPTIME"] == "-" && oneshot["RESTARTS"] == "0", "\(oneshot)")
        #expect(oneshot["HEALTH"]?.contains("exit code 3") == true, "\(oneshot)")
        let lastExit = oneshot["LAST EXIT"] ?? ""
        #expect(lastExit.contains("exit code 3") && lastExit.contains("crashed") && lastExit.contains(" ago"), "\(oneshot)")
        #expect(table.footer.count == 1, "\(result)")
        let footer = table.footer.first ?? ""
        #expect(footer.hasPrefix("mainpc: 3 agents shown: 2 ready, 1 failed; RSS of the agents shown "), "\(footer)")
        #expect(footer.contains("supervisor pid \(supervisor)") && footer.contains(", up "), "\(footer)")
        try session.harness.stop()
    }

    @Test("status --json has every agent; status HOST AGENT filters; an unknown agent is exit 4 with a suggestion")
    func statusJSONAndFilters() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.statusManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        try session.waitForStates(["store": "ready", "api": "ready", "oneshot": "failed"])

        let all = try session.cli(["status", "--json"])
        #expect(all.status == 0, "\(all)")
        let snapshot = try #require(Snapshot(all.stdout), "not a JSON object: \(all)")
        #expect(snapshot.json["host"] as? String == "mainpc")
        #expect(snapshot.names == ["store", "api", "oneshot"])
        #expect((snapshot.json["totals"] as? [String: Int]) == ["total": 3, "ready": 2, "failed": 1])
        for agent in snapshot.agents {
            for key in ["name", "host", "state", "restarts", "health", "required"] {
                #expect(agent[key] != nil, "\(agent["name"] ?? "?") has no \(key)")
            }
        }
        #expect(snapshot.agent("store")?["group"] as? String == "data")
        #expect(snapshot.pid("store") == session.harness.pids(of: "store").last)
        #expect(snapshot.pid("oneshot") == nil)
        let lastExit = snapshot.agent("oneshot")?["last_exit"] as? [String: Any]
        #expect(lastExit?["code"] as? Int == 3)

        let filtered = try session.cli(["status", "mainpc", "api", "--json"])
        #expect(filtered.status == 0, "\(filtered)")
        #expect(Snapshot(filtered.stdout)?.names == ["api"], "\(filtered)")

        let two = try session.cli(["status", "mainpc", "api", "oneshot"])
        #expect(two.status == 0, "\(two)")
        #expect(StatusTableText(two.stdout)?.rows.map { $0["NAME"] } == ["api", "oneshot"], "\(two)")

        // Without a host, the manifest tells which supervisor to ask.
        let byName = try session.cli(["status", "store", "--json"])
        #expect(byName.status == 0, "\(byName)")
        #expect(Snapshot(byName.stdout)?.names == ["store"], "\(byName)")

        let unknown = try session.cli(["status", "mainpc", "apx"])
        #expect(unknown.status == 4, "\(unknown)")
        #expect(unknown.stderr.contains("no agent named \"apx\""), "\(unknown)")
        #expect(unknown.stderr.contains("did you mean api?"), "\(unknown)")

        let unknownWithoutHost = try session.cli(["status", "apx"])
        #expect(unknownWithoutHost.status == 4, "\(unknownWithoutHost)")
        #expect(unknownWithoutHost.stderr.lowercased().contains("did you mean api?"), "\(unknownWithoutHost)")
        try session.harness.stop()
    }

    @Test("status with no supervisor running: one line naming the host and the endpoint, exit 3")
    func statusWithNothingRunning() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.statusManifest(ports), avoiding: ports)
        defer { session.close() }

        let named = try session.cli(["status", "mainpc"])
        #expect(named.status == 3, "\(named)")
        let lines = named.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 1, "\(named)")
        #expect(lines.first?.hasPrefix("mainpc:") == true, "\(named)")
        #expect(lines.first?.contains("tcp://127.0.0.1:\(session.controlPort)") == true, "\(named)")

        let any = try session.cli(["status"])
        #expect(any.status == 3, "\(any)")
        for verb in [["stop", "store"], ["ping"], ["reload"], ["logs", "store"]] {
            let result = try session.cli(verb)
            #expect(result.status == 3, "\(verb): \(result)")
        }
        #expect(any.output.contains("mainpc"), "\(any)")

        // The plain forms are read without ArgumentParser (StatusRequest.init?(quick:)); with
        // `--` ArgumentParser reads the same request: the same answer, and --help is its own.
        for arguments in [["mainpc", "--json"], ["--json"], ["mainpc"]] {
            let quick = try session.cli(["status"] + arguments)
            let flags = arguments.filter { $0.hasPrefix("-") }
            let viaParser = try session.cli(["status"] + flags + ["--"] + arguments.filter { !$0.hasPrefix("-") })
            #expect(quick.status == viaParser.status && quick.output == viaParser.output && quick.stderr == viaParser.stderr,
                    "\(quick) vs \(viaParser)")
        }
        let help = try session.cli(["status", "--help"])
        #expect(help.status == 0 && help.output.contains("USAGE: supervisor status"), "\(help)")
        #expect(!FileManager.default.fileExists(atPath: session.directory.appendingPathComponent("logs").path))
    }
}
