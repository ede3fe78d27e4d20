import Foundation
import Testing

/// Agents that answer health checks where legacy agents do, under `supervisor up`: one that
/// binds its health socket on its port + 1 (found with `health.discover`, not without), and
/// one whose health port answers with another agent's name (a port clash, never ready).
@Suite("health ports of legacy agents", .serialized)
struct HealthPortTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("legacy/health_port_agent.py").path

    /// One agent running the script, with `health` and `env` added to its entry.
    static func manifest(agent: String, port: Int, healthPort: Int, health: String, env: String) -> String {
        """
        defaults:
          host: mainpc
          command: ["\(TestPython.path)", "\(script)"]
          restart: {policy: never}
        agents:
          \(agent):
            port: \(port)
            health: {kind: zmq, port: \(healthPort), timeout: 500ms, \(health)}
            env: {\(env)}
        """
    }

    /// The agent's entry in `status --json`.
    static func status(_ harness: SupervisorHarness, _ agent: String) throws -> [String: Any] {
        let reply = try harness.run(["status", "mainpc", agent, "--json"])
        #expect(reply.status == 0, "\(reply.output)")
        let data = try #require(try JSONSerialization.jsonObject(with: Data(reply.output.utf8)) as? [String: Any])
        return try #require((data["agents"] as? [[String: Any]])?.first)
    }

    @Test("discover: true: an agent answering on port + 1 becomes ready; status and the log say so once",
          .timeLimit(.minutes(3)))
    func discoversPortPlusOne() throws {
        let ports = try PortAllocator.free(2)
        let (port, healthPort) = (ports[0], ports[1])
        let harness = try SupervisorHarness(manifest: Self.manifest(
            agent: "Responder", port: port, healthPort: healthPort, health: "discover: true, start_period: 20s", env: "HEALTH_ON: port+1"))
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 1/1 agents", timeout: 120)

        let warning = "Responder: health port \(healthPort) configured; agent answers on \(port + 1)"
        #expect(harness.lines("warning: \(warning)").count == 1, "\(harness.logText())")
        let agent = try Self.status(harness, "Responder")
        #expect(agent["state"] as? String == "ready")
        #expect(agent["health_port"] as? Int == healthPort)
        #expect(agent["health_port_discovered"] as? Int == port + 1)
        let table = try harness.run(["status", "mainpc"])
        #expect(table.output.contains("mainpc: \(warning)"), "\(table.output)")

        // A new process is probed as configured first, finds the same port again, and is not
        // announced again.
        #expect(try harness.run(["restart", "Responder"]).status == 0)
        #expect(eventually(timeout: 60) { harness.lines("Responder: starting -> ready").count == 2 })
        #expect(try Self.status(harness, "Responder")["health_port_discovered"] as? Int == port + 1)
        #expect(harness.lines("warning: \(warning)").count == 1, "\(harness.logText())")
        try harness.stop()
    }

    @Test("discover: false (the default): the same agent never becomes ready, as before", .timeLimit(.minutes(3)))
    func withoutDiscovery() throws {
        let ports = try PortAllocator.free(2)
        let harness = try SupervisorHarness(manifest: Self.manifest(
            agent: "Responder", port: ports[0], healthPort: ports[1], health: "start_period: 3s", env: "HEALTH_ON: port+1"))
        defer { harness.cleanUp() }
        try harness.start()
        let failed = try harness.waitForLine("Responder: stopping -> failed", timeout: 120)
        try harness.waitForLine("ready: 0/1 agents", timeout: 60)
        #expect(harness.lines("not ready within 3s (last check: no answer within 500ms)").count == 1, "\(failed)\n\(harness.logText())")
        #expect(harness.lines("agent answers on").isEmpty)
        #expect(try Self.status(harness, "Responder")["health_port_discovered"] == nil)
        try harness.stop()
    }

    @Test("a health port answering as another agent is a port clash: never ready, both names said",
          .timeLimit(.minutes(3)))
    func portClash() throws {
        let ports = try PortAllocator.free(2)
        let (port, healthPort) = (ports[0], ports[1])
        let harness = try SupervisorHarness(manifest: Self.manifest(
            agent: "TieredResponder", port: port, healthPort: healthPort, health: "discover: true, start_period: 4s",
            env: "ANSWER_AS: ServiceRegistry"))
        defer { harness.cleanUp() }
        try harness.start()
        let clash = "port \(healthPort) answers as ServiceRegistry, not TieredResponder: a port clash"
        try harness.waitForLine("warning: TieredResponder: \(clash)", timeout: 120)
        #expect(try Self.status(harness, "TieredResponder")["health"] as? String == "starting: \(clash)")

        let failed = try harness.waitForLine("TieredResponder: stopping -> failed", timeout: 120)
        #expect(harness.lines("not ready within 4s (last check: \(clash))").count == 1, "\(failed)\n\(harness.logText())")
        #expect(harness.lines("warning: TieredResponder: \(clash)").count == 1, "\(harness.logText())")
        #expect(harness.lines("TieredResponder: starting -> ready").isEmpty)
        let agent = try Self.status(harness, "TieredResponder")
        #expect((agent["last_exit"] as? [String: Any])?["detail"] as? String == clash)
        #expect(agent["health_port_discovered"] == nil, "its other port answers with an error status: not adopted")
        try harness.stop()
    }
}
