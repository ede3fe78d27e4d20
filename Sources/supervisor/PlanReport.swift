import Foundation
import SupervisorCore
import SupervisorModel

/// `supervisor plan HOST --json`: the start plan as one JSON object, for tools (the bench takes
/// its levels, commands, environment and ports from it instead of expanding agents.yaml itself).
/// Wire names are snake_case.
struct PlanReport: Codable, Equatable {
    /// One agent as the launcher would start it.
    struct Agent: Codable, Equatable {
        var name: String
        var host: String
        var group: String?
        /// 1 for agents without dependencies on this host; members of a cycle share a level.
        var level: Int
        var dependencies: [Dependency]
        /// The argv after `${VAR}` expansion.
        var command: [String]
        var workingDirectory: String
        /// What the supervisor adds to its own environment for this agent (the legacy variables
        /// unless `legacy_env: false`, the manifest's `env`, AGENT_NAME, AGENT_PORT and
        /// HEALTH_CHECK_PORT), less what is in the report's `common_environment`.
        var environment: [String: String]
        var port: Int?
        var health: Health
        var expectedReadySeconds: Double

        enum CodingKeys: String, CodingKey {
            case name, host, group, level, dependencies, command, environment, port, health
            case workingDirectory = "working_directory"
            case expectedReadySeconds = "expected_ready_s"
        }
    }

    /// One dependency as written (another host's agent names its host).
    struct Dependency: Codable, Equatable {
        var name: String
        var host: String?
        var condition: DependencySpec.Condition
        var required: Bool
    }

    /// The health check: kind, the port probed (zmq and tcp), the address, an exec's argv.
    struct Health: Codable, Equatable {
        var kind: HealthCheckSpec.Kind
        var port: Int?
        var address: String
        var command: [String]?
    }

    /// The longest chain of start steps by `expected_ready` (a cycle is one step).
    struct CriticalPath: Codable, Equatable {
        var steps: [String]
        var seconds: Double
    }

    var host: String
    var levelCount: Int
    var levels: [[String]]
    var cycles: [[String]]
    var criticalPath: CriticalPath
    var sequentialSeconds: Double
    /// The variables every agent of the host gets with the same value (SUPERVISOR_ENDPOINTS,
    /// the host addresses, ...): written once, so a plan of 10 000 agents stays small. An
    /// agent's environment is this plus its own `environment`.
    var commonEnvironment: [String: String]
    var agents: [Agent]

    enum CodingKeys: String, CodingKey {
        case host, levels, cycles, agents
        case commonEnvironment = "common_environment"
        case levelCount = "level_count"
        case criticalPath = "critical_path"
        case sequentialSeconds = "sequential_s"
    }
}

extension PlanReport {
    /// The report of `host`, with commands, environment and ports as `up` would use them.
    init(configuration: Configuration, manifest: Manifest, host: String) {
        let plan = StartPlan(manifest: manifest, host: host)
        var launcher = AgentLauncher(baseDirectory: configuration.baseDirectory, inheritedEnvironment: [:])
        launcher.legacy = LegacyEnvironment(
            manifest: manifest, hosts: configuration.hosts, portOffset: configuration.environment["PORT_OFFSET"] ?? "0")
        let path = plan.criticalPath
        let specs = manifest.agents(on: host)
        let environments = specs.map { launcher.environment(for: $0) }
        let common = Self.common(environments)
        self.init(
            host: host, levelCount: plan.graph.levelCount, levels: plan.graph.levels, cycles: plan.graph.cycles,
            criticalPath: CriticalPath(steps: path.agents, seconds: path.seconds),
            sequentialSeconds: plan.sequentialSeconds, commonEnvironment: common,
            agents: zip(specs, environments).map { spec, environment in
                Agent(
                    name: spec.name, host: spec.host, group: spec.group,
                    level: (plan.graph.level(of: spec.name) ?? 0) + 1,
                    dependencies: spec.dependencies.map {
                        Dependency(name: $0.name, host: $0.host, condition: $0.condition, required: $0.required)
                    },
                    command: spec.command, workingDirectory: launcher.workingDirectory(for: spec),
                    environment: environment.filter { common[$0.key] == nil }, port: spec.port,
                    health: Health(
                        kind: spec.health.kind, port: spec.healthProbePort, address: spec.health.probeAddress,
                        command: spec.health.kind == .exec ? spec.health.command : nil),
                    expectedReadySeconds: spec.expectedReady)
            })
    }

    /// The variables all of `environments` hold with the same value.
    static func common(_ environments: [[String: String]]) -> [String: String] {
        guard var common = environments.first else { return [:] }
        for environment in environments.dropFirst() where !common.isEmpty {
            common = common.filter { environment[$0.key] == $0.value }
        }
        return common
    }

    /// One line of JSON, keys sorted so that two plans compare line by line.
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
