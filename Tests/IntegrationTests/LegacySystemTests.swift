import Foundation
import Testing

/// One manifest of agents that each behave as a legacy agent does, with dependencies, as the
/// user meets them: `check --deep` names the SyntaxError's file and line before anything
/// starts; under `up`, every agent that can run becomes ready (the registry agent on
/// SERVICE_REGISTRY_PORT, the one that answers health on port + 1), every other one has its
/// cause in `status --json`, and the dependent of a failed optional dependency is started.
@Suite("a legacy-like system comes up as far as it can", .serialized)
struct LegacySystemTests {
    static let legacy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("legacy")

    static func script(_ name: String) -> String { legacy.appendingPathComponent(name).path }

    static func manifest(_ ports: [Int]) -> String {
        let python = TestPython.path
        return """
            registry: {agent: ServiceRegistry}
            defaults:
              host: mainpc
              restart: {policy: always, max_restarts: 1, window: 60s, backoff: {initial: 100ms}}
            agents:
              ServiceRegistry:
                command: ["\(python)", "\(script("registry_agent.py"))"]
                port: \(ports[0])
                health: {kind: zmq, port: \(ports[1]), start_period: 30s}
              PlusOne:
                command: ["\(python)", "\(script("health_port_agent.py"))"]
                env: {HEALTH_ON: "port+1"}
                port: \(ports[2])
                health: {kind: zmq, port: \(ports[3]), discover: true, timeout: 500ms, start_period: 30s}
                depends_on: [ServiceRegistry]
              Impostor:
                command: ["\(python)", "\(script("health_port_agent.py"))"]
                env: {ANSWER_AS: ServiceRegistry}
                port: \(ports[4])
                health: {kind: zmq, port: \(ports[5]), start_period: 3s}
              Syntax:
                command: ["\(python)", "\(script("syntax_error_agent.py"))"]
                health: {kind: none, start_period: 5s}
              Names:
                command: ["\(python)", "\(script("name_error_agent.py"))"]
                health: {kind: none, start_period: 5s}
              Quitter:
                command: ["\(python)", "\(script("error_in_main_agent.py"))"]
                health: {kind: none, start_period: 5s}
              Optional:
                command: ["/bin/sleep", "1000"]
                health: {kind: none, start_period: 200ms}
                depends_on: [{name: Syntax, required: false}, ServiceRegistry]
            """
    }

    @Test("check --deep, then up: the runnable agents ready, the others with their causes, the optional dependent started",
          .timeLimit(.minutes(5)))
    func brokenSystem() throws {
        let ports = try PortAllocator.free(6)
        let session = try ControlCommandLineTests.Session(manifest: Self.manifest(ports), avoiding: ports)
        defer { session.close() }

        let deep = try session.cli(["check", "--deep"], timeout: 120)
        #expect(deep.status == 1, "\(deep)")
        #expect(deep.stdout.contains("agent 'Syntax', key 'command'") && deep.stdout.contains("syntax_error_agent.py:10: SyntaxError"),
                "\(deep)")
        #expect(!deep.stdout.contains("agent 'ServiceRegistry'"), "\(deep)")
        #expect(session.harness.lines(" spawned pid ").isEmpty, "check started something")

        try session.up()
        let settled = try session.waitForStatus("every agent settled", timeout: 180) { snapshot in
            snapshot.state("ServiceRegistry") == "ready" && snapshot.state("PlusOne") == "ready"
                && snapshot.state("Optional") == "ready"
                && ["Syntax", "Names"].allSatisfy { snapshot.state($0) == "failed" }
                && ["failed", "exited"].contains(snapshot.state("Quitter") ?? "")
                && snapshot.state("Impostor") != "ready"
        }
        #expect(settled.phase == "running")

        let status = try session.cli(["status", "mainpc", "--json"])
        let data = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let agents = try #require(data["agents"] as? [[String: Any]])
        func agent(_ name: String) -> [String: Any] { agents.first { $0["name"] as? String == name } ?? [:] }
        func cause(_ name: String) -> String {
            let cause = agent(name)["cause"] as? [String: Any] ?? [:]
            return "\(cause["message"] as? String ?? "") (\(cause["location"] as? String ?? ""))"
        }
        #expect(cause("Syntax").contains("SyntaxError") && cause("Syntax").contains("syntax_error_agent.py:10"), "\(cause("Syntax"))")
        #expect(cause("Names").contains("NameError: name 'join_path' is not defined"), "\(cause("Names"))")
        #expect(cause("Quitter").contains("Error in main:"), "\(cause("Quitter"))")
        #expect((agent("PlusOne")["health_port_discovered"] as? Int) == ports[2] + 1, "\(agent("PlusOne"))")
        #expect((agent("Optional")["started_without"] as? [String]) == ["Syntax"], "\(agent("Optional"))")
        let impostor = "\(agent("Impostor"))"
        #expect(impostor.contains("answers as ServiceRegistry, not Impostor"), "\(impostor)")
    }
}
