import Foundation
import Testing

/// Python agents written as the legacy ones are (pyzmq, settings from the environment, no
/// address in their code) find each other through the injected environment and the registry,
/// and their errors arrive on `agent.errors`.
@Suite("legacy agents", .serialized)
struct LegacyAgentsTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("legacy/legacy_agent.py").path

    @Test("registry lookups, the injected environment and the error bus work end to end", .timeLimit(.minutes(3)))
    func legacyAgentsFindEachOther() throws {
        let ports = try PortAllocator.free(6)
        let harness = try SupervisorHarness(manifest: """
            registry: {host: mainpc, port: \(ports[4])}
            error_bus: {host: mainpc, port: \(ports[5])}
            defaults:
              host: mainpc
              command: ["\(TestPython.path)", "\(Self.script)"]
              health: {kind: zmq, start_period: 20s}
            agents:
              Memory:
                port: \(ports[0])
                health: {port: \(ports[1])}
              Reasoner:
                port: \(ports[2])
                health: {port: \(ports[3])}
                depends_on: [Memory]
                env: {PEER: Memory}
            """)
        defer { harness.cleanUp() }
        try harness.start()
        try harness.waitForLine("ready: 2/2 agents", timeout: 120)

        let events = try harness.background(["events", "--topic", "agent.errors", "--count", "2"])
        let reasonerLog = harness.agentLog("Reasoner")
        #expect(eventually(timeout: 60) { harness.text(of: reasonerLog).contains("Memory answered: Memory got: hello from Reasoner") })
        let text = harness.text(of: reasonerLog)
        #expect(text.contains("registry says Memory is at 127.0.0.1:\(ports[0]) (state ready)"))
        #expect(text.contains("registered: success"))

        // Both report shapes arrive normalised on agent.errors; the malformed frame is dropped.
        let printed = try events.waitForOutput(lines: 2, timeout: 60)
        let reports = printed.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(reports.allSatisfy { $0["source"] as? String == "error_bus" && $0["topic"] as? String == "agent.errors" })
        #expect(Set(reports.compactMap { $0["message"] as? String }).isSubset(of: ["flat report", "nested report"]))
        #expect(eventually(timeout: 30) {
            harness.text(of: harness.directory.appendingPathComponent("logs/mainpc/errors.log")).contains("nested report")
        })

        // The registry lists every agent, with what they registered.
        let status = try harness.run(["status", "mainpc", "--json"])
        #expect(status.status == 0)
        let data = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
        let agents = try #require(data["agents"] as? [[String: Any]])
        #expect(agents.contains { ($0["errors_per_minute"] as? Int ?? 0) >= 1 })

        // `supervisor discover` asks the registry as the agents do: ports, state, registration.
        let discovered = try harness.run(["discover", "Reasoner"])
        #expect(discovered.status == 0, "\(discovered.output)")
        #expect(discovered.output.contains("port: \(ports[2])"))
        #expect(discovered.output.contains("state: ready"))
        #expect(discovered.output.contains("registered: true"))
        #expect(discovered.output.contains("capabilities"))
        let unknown = try harness.run(["discover", "Reasoer"])
        #expect(unknown.status == 4)
        #expect(unknown.output.contains("not known"))
        try harness.stop()
    }

    static let registryScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("legacy/registry_agent.py").path

    @Test("registry: {agent}: the registry agent binds SERVICE_REGISTRY_PORT, which is its own port; it becomes ready and serves",
          .timeLimit(.minutes(3)))
    func registryAgentServes() throws {
        let ports = try PortAllocator.free(2)
        let client = """
            import json, os, time, zmq
            s = zmq.Context().socket(zmq.REQ); s.setsockopt(zmq.LINGER, 0)
            s.connect(f"tcp://{os.environ['SERVICE_REGISTRY_HOST']}:{os.environ['SERVICE_REGISTRY_PORT']}")
            s.send_json({"action": "register_agent", "registration_data": {"name": "Client", "port": 1234}})
            print("registered:", s.recv_json()["status"], flush=True)
            s.send_json({"action": "get_agent_endpoint", "agent_name": "Client"})
            print("lookup:", json.dumps(s.recv_json(), sort_keys=True), flush=True)
            time.sleep(600)
            """
        let harness = try SupervisorHarness(manifest: """
            registry: {agent: ServiceRegistry}
            defaults: {host: mainpc}
            agents:
              ServiceRegistry:
                command: ["\(TestPython.path)", "\(Self.registryScript)"]
                port: \(ports[0])
                health: {kind: zmq, port: \(ports[1]), start_period: 20s}
              Client:
                command: ["\(TestPython.path)", client.py]
                depends_on: [ServiceRegistry]
            """)
        defer { harness.cleanUp() }
        try client.write(to: harness.directory.appendingPathComponent("client.py"), atomically: true, encoding: .utf8)
        try harness.start()
        try harness.waitForLine("ready: 2/2 agents", timeout: 120)
        #expect(harness.text(of: harness.agentLog("ServiceRegistry")).contains("registry bound \(ports[0]) and \(ports[1])"))
        #expect(!harness.logText().contains("service registry on"), "the supervisor serves no registry of its own")
        let log = harness.agentLog("Client")
        #expect(eventually(timeout: 30) { harness.text(of: log).contains("lookup: {\"name\": \"Client\", \"port\": 1234, \"status\": \"success\"}") },
                "\(harness.text(of: log))")
        #expect(harness.text(of: log).contains("registered: success"))
        // `supervisor discover` asks the agent.
        let discovered = try harness.run(["discover", "Client"])
        #expect(discovered.status == 0 && discovered.output.contains("port: 1234"), "\(discovered.output)")
        try harness.stop()
    }
}
