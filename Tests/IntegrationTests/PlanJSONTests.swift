import Foundation
import Testing

/// `supervisor plan HOST --json`, through the built binary: what the bench and other tools read.
@Suite("plan --json")
struct PlanJSONTests {
    /// The fields a tool reads, decoded from the wire names.
    struct Report: Decodable {
        struct Agent: Decodable {
            struct Dependency: Decodable {
                var name: String
                var condition: String
                var required: Bool
            }
            struct Health: Decodable {
                var kind: String
                var port: Int?
                var command: [String]?
            }
            var name: String
            var host: String
            var level: Int
            var dependencies: [Dependency]
            var command: [String]
            var environment: [String: String]
            var port: Int?
            var health: Health
        }
        struct CriticalPath: Decodable {
            var steps: [String]
            var seconds: Double
        }
        var host: String
        var level_count: Int
        var levels: [[String]]
        var critical_path: CriticalPath
        var common_environment: [String: String]
        var agents: [Agent]
    }

    static let manifest = """
        defaults: {expected_ready: 2s}
        agents:
          base:
            host: mainpc
            command: [/bin/sleep, "${NAP:-100}"]
            port: ${PORT_OFFSET}+7000
            health: {kind: zmq, port: "${PORT_OFFSET}+7001"}
            env: {COLOR: blue}
          top:
            host: mainpc
            command: [/bin/sleep, "5"]
            depends_on: [{name: base, condition: started, required: false}]
            health: {kind: exec, command: [/bin/true]}
          other:
            host: mainpc
            command: [/bin/sleep, "5"]
        """

    /// The JSON object: the last line of the output (warnings, if any, come first on stderr).
    static func decode(_ output: String) throws -> Report {
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }

    @Test("levels, dependencies, expanded commands, ports and the environment the launcher gives")
    func planJSON() throws {
        let harness = try SupervisorHarness(manifest: Self.manifest)
        defer { harness.cleanUp() }
        let result = try harness.run(["plan", "mainpc", "--json"], environment: ["PORT_OFFSET": "20000", "NAP": "42"])
        #expect(result.status == 0, "\(result.output)")
        let report = try Self.decode(result.output)
        #expect(report.host == "mainpc")
        #expect(report.level_count == 2)
        #expect(report.levels == [["base", "other"], ["top"]])
        #expect(report.critical_path.steps == ["base", "top"])
        #expect(report.critical_path.seconds == 4)
        let agents = Dictionary(uniqueKeysWithValues: report.agents.map { ($0.name, $0) })
        let base = try #require(agents["base"])
        #expect(base.level == 1)
        #expect(base.command == ["/bin/sleep", "42"])
        #expect(base.port == 27000)
        #expect(base.health.kind == "zmq")
        #expect(base.health.port == 27001)
        #expect(base.environment["AGENT_NAME"] == "base")
        #expect(base.environment["AGENT_PORT"] == "27000")
        #expect(base.environment["HEALTH_CHECK_PORT"] == "27001")
        #expect(base.environment["COLOR"] == "blue")
        #expect(base.environment["PATH"] == nil, "only what the supervisor adds, not its own environment")
        let top = try #require(agents["top"])
        #expect(top.level == 2)
        #expect(top.dependencies.map(\.name) == ["base"])
        #expect(top.dependencies.first?.condition == "started")
        #expect(top.dependencies.first?.required == false)
        #expect(top.health.kind == "exec")
        #expect(top.health.command == ["/bin/true"])
        #expect(top.port == nil)
    }

    @Test("the default manifest: 58 agents on mainpc in 8 levels, the cycle one level, 16 s at 2 s")
    func defaultManifest() throws {
        let harness = try SupervisorHarness(manifest: "agents: {}")
        defer { harness.cleanUp() }
        let result = try harness.run(
            ["plan", "mainpc", "--json", "--manifest", CommandLineTests.defaultManifest,
             "--hosts", CommandLineTests.defaultHosts],
            environment: ["SIM_READY": "2s", "PORT_OFFSET": "0"])
        #expect(result.status == 0, "\(result.output)")
        let report = try Self.decode(result.output)
        #expect(report.agents.count == 58)
        #expect(report.level_count == 8)
        #expect(report.critical_path.seconds == 16)
        let levels = Dictionary(uniqueKeysWithValues: report.agents.map { ($0.name, $0.level) })
        #expect(levels["TTSService"] == levels["StreamingTTSAgent"])
        #expect(report.agents.allSatisfy { $0.environment["AGENT_NAME"] == $0.name && $0.host == "mainpc" })
        // Written once for the host, not once per agent.
        #expect(report.common_environment["SUPERVISOR_ENDPOINTS"]?.contains("\"ServiceRegistry\"") == true)
        #expect(report.agents.allSatisfy { $0.environment["SUPERVISOR_ENDPOINTS"] == nil })
    }
}
