import Foundation
import Testing

/// `start`, `stop`, `restart` and `reload` with `--wait` / `--timeout`, and their `--json`.
extension ControlCommandLineTests {
    /// `store`, `api` (needs store), `slow` (ready 4 s after it starts) and `oneshot` (exits 3,
    /// policy never: failed).
    static func waitManifest(_ ports: [Int]) -> String {
        """
        defaults:
          host: mainpc
          health: {kind: zmq}
        agents:
          store:
            command: [\(sim), "--ready-after", "100ms"]
            health: {port: \(ports[0])}
          api:
            command: [\(sim)]
            health: {port: \(ports[1])}
            depends_on: [store]
          slow:
            command: [\(sim), "--ready-after", "4s"]
            health: {port: \(ports[2]), start_period: 60s}
          oneshot:
            command: ["sh", "-c", "exit 3"]
            health: {kind: none}
            restart: {policy: never}
        """
    }

    @Test("restart/stop/start --wait return with the agent ready (a new pid) or stopped; --json gives each outcome")
    func waitForReadyAndStopped() throws {
        let ports = try PortAllocator.free(3)
        let session = try Session(manifest: Self.waitManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["store": "ready", "api": "ready", "slow": "ready", "oneshot": "failed"])
        let api = try #require(before.pid("api"))

        let restart = try session.cli(["restart", "api", "--wait"])
        #expect(restart.status == 0 && restart.lines == ["mainpc/api: ready"], "\(restart)")
        // Read at once: ready with the new process, not the old one still on its way down.
        let restarted = try #require(try session.snapshot())
        #expect(restarted.state("api") == "ready" && restarted.pid("api") != api && restarted.pid("api") != nil, "\(restarted.json)")
        #expect(!processIsAlive(api))

        let stop = try session.cli(["stop", "api", "store", "--wait"])
        #expect(stop.status == 0, "\(stop)")
        #expect(Set(stop.lines) == ["mainpc/api: stopped", "mainpc/store: stopped"], "\(stop)")
        let stopped = try #require(try session.snapshot())
        #expect(stopped.state("api") == "stopped" && stopped.state("store") == "stopped", "\(stopped.json)")

        let start = try session.cli(["start", "store", "api", "--wait", "--json"])
        #expect(start.status == 0, "\(start)")
        let outcomes = try #require(try JSONSerialization.jsonObject(with: Data(start.stdout.utf8)) as? [[String: Any]], "\(start)")
        #expect(outcomes.count == 2, "\(start)")
        for outcome in outcomes {
            #expect(outcome["host"] as? String == "mainpc" && outcome["verdict"] as? String == "reached"
                    && outcome["state"] as? String == "ready" && outcome["result"] is String, "\(outcome)")
        }
        #expect(try session.snapshot()?.state("api") == "ready")

        // Without --wait, --json is the reply alone.
        let plain = try session.cli(["stop", "api", "--json"])
        let reply = try #require(try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as? [[String: Any]], "\(plain)")
        #expect(reply.count == 1 && reply[0]["agent"] as? String == "api" && reply[0]["verdict"] == nil, "\(plain)")
        try session.harness.stop()
    }

    @Test("--wait: an agent that fails is named with its cause, a timeout names the agent still starting; both exit 1")
    func waitNamesWhatIsNotReady() throws {
        let ports = try PortAllocator.free(3)
        let session = try Session(manifest: Self.waitManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        _ = try session.waitForStates(["store": "ready", "api": "ready", "slow": "ready", "oneshot": "failed"])

        let failed = try session.cli(["restart", "oneshot", "--wait"])
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stdout.contains("mainpc/oneshot: not ready:") && failed.stdout.contains("3"), "\(failed)")
        #expect(failed.stderr.contains("not ready: mainpc/oneshot"), "\(failed)")

        // slow needs 4 s to be ready: a 1 s timeout ends first and says where it stands.
        let late = try session.cli(["restart", "slow", "--timeout", "1", "--json"])
        #expect(late.status == 1, "\(late)")
        let outcome = try #require((try JSONSerialization.jsonObject(with: Data(late.stdout.utf8)) as? [[String: Any]])?.first, "\(late)")
        #expect(outcome["verdict"] as? String == "timed_out" && (outcome["cause"] as? String)?.hasPrefix("still ") == true, "\(late)")
        #expect(late.stderr.contains("not ready: mainpc/slow"), "\(late)")
        // Given the time, the same agent gets there.
        let patient = try session.cli(["restart", "slow", "--wait", "--timeout", "90"])
        #expect(patient.status == 0 && patient.lines == ["mainpc/slow: ready"], "\(patient)")

        for bad in [["restart", "api", "--timeout", "0"], ["restart", "api", "--timeout", "soon"]] {
            #expect(try session.cli(bad).status == 2, "\(bad)")
        }
        try session.harness.stop()
    }

    @Test("reload --wait returns once the added and changed agents are ready and the removed one is gone")
    func reloadWaits() throws {
        let ports = try PortAllocator.free(2)
        let session = try Session(manifest: Self.reloadManifest(ports), avoiding: ports)
        defer { session.close() }
        try session.up()
        let before = try session.waitForStates(["store": "ready", "api": "ready", "legacy": "ready"])
        let api = try #require(before.pid("api"))
        try Self.reloadManifest(ports, apiExtra: #", "--ready-after", "1s""#, replacing: """
              fresh:
                command: [\(Self.sim), "--ready-after", "1s"]
                health: {kind: none, start_period: 1s}
            """).write(to: session.directory.appendingPathComponent("agents.yaml"), atomically: true, encoding: .utf8)

        let reload = try session.cli(["reload", "mainpc", "--wait", "--json"])
        #expect(reload.status == 0, "\(reload)")
        let outcomes = try #require(try JSONSerialization.jsonObject(with: Data(reload.stdout.utf8)) as? [[String: Any]], "\(reload)")
        let byAgent = Dictionary(uniqueKeysWithValues: outcomes.compactMap { o in (o["agent"] as? String).map { ($0, o) } })
        #expect(byAgent["fresh"]?["result"] as? String == "added" && byAgent["fresh"]?["state"] as? String == "ready", "\(reload)")
        #expect(byAgent["api"]?["result"] as? String == "changed" && byAgent["api"]?["state"] as? String == "ready", "\(reload)")
        #expect(byAgent["legacy"]?["result"] as? String == "removed" && byAgent["legacy"]?["verdict"] as? String == "reached", "\(reload)")
        let after = try #require(try session.snapshot())
        #expect(after.names == ["store", "api", "fresh"] && after.state("fresh") == "ready", "\(after.json)")
        #expect(after.state("api") == "ready" && after.pid("api") != api, "\(after.json)")
        try session.harness.stop()
    }
}
