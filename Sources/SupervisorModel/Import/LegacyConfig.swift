import Foundation

/// One legacy startup configuration as its file wrote it, in either schema: mainpc's
/// `agent_groups: {group: {Name: {...}}}` or pc2's `pc2_services: [{name: ..., ...}]`.
///
/// Values keep their legacy text (`${PORT_OFFSET}+7200` stays a string); nothing is evaluated
/// here. `LegacyConfigParser` builds it, `LegacyImporter` turns several of them into a manifest.
struct LegacyConfig: Sendable {
    /// The two layouts the legacy launchers read.
    enum Schema: String, Sendable {
        /// mainpc: `agent_groups: {group: {AgentName: {script_path: ..., ...}}}`.
        case agentGroups = "agent_groups"
        /// pc2: `pc2_services: [{name: AgentName, script_path: ..., ...}]`.
        case pc2Services = "pc2_services"

        /// The host each legacy launcher ran on.
        var host: String {
            switch self {
            case .agentGroups: "mainpc"
            case .pc2Services: "pc2"
            }
        }
    }

    /// The file, as named by the user (for messages and comments).
    var file: String
    var schema: Schema
    /// Every agent entry in file order, duplicates included (the importer decides about them).
    var agents: [LegacyAgent]
    /// `environment` (top level or under `global_settings`), in file order.
    var environment: [LegacySetting]
    /// `global_settings.features` (feature flags, read from the environment by the agents).
    var features: [LegacySetting]
    /// `resource_limits`: `cpu_percent`, `memory_mb`, `max_threads`.
    var resourceLimits: [LegacySetting]
    /// `health_checks`: `interval_seconds`, `timeout_seconds`, `retries`, `start_period_seconds`.
    var healthChecks: [LegacySetting]
    /// `error_bus_port`, where the agents send `ERROR:{json}` frames.
    var errorBusPort: LegacyScalar?
    /// Sections the manifest has no place for (Docker volumes and network, docker groups, ...),
    /// as dotted paths with their lines.
    var notImported: [LegacySetting]
    /// Facts worth a comment that are not defects (e.g. a section merged from two places).
    var notes: [String]

    init(file: String, schema: Schema) {
        self.file = file
        self.schema = schema
        agents = []
        environment = []
        features = []
        resourceLimits = []
        healthChecks = []
        errorBusPort = nil
        notImported = []
        notes = []
    }
}

/// A scalar as written, with where it was written.
struct LegacyScalar: Equatable, Sendable {
    /// The text (`7200`, `${PORT_OFFSET}+7200`).
    var text: String
    var line: Int?

    init(text: String, line: Int?) {
        self.text = text
        self.line = line
    }

    /// True for a plain decimal number, written without quotes in the output.
    var isNumber: Bool { !text.isEmpty && text.allSatisfy(\.isASCII) && Int(text) != nil }

    /// The value with variables expanded from `environment` (`PORT_OFFSET` unset means 0) and
    /// `A+B` summed, as the manifest evaluates an integer field; nil when it is not a number.
    func integerValue(environment: [String: String] = [:]) -> Int? {
        guard case .success(let expanded) = VariableExpander(environment: environment).expand(text) else { return nil }
        return try? WholeNumberSum.parse(expanded).get()
    }
}

/// A named value (environment variable, limit, health setting).
struct LegacySetting: Equatable, Sendable {
    var key: String
    var value: String
    var line: Int?

    init(key: String, value: String, line: Int?) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// A name used as a reference (a dependency), with its line.
struct LegacyReference: Equatable, Sendable {
    var name: String
    var line: Int?

    init(name: String, line: Int?) {
        self.name = name
        self.line = line
    }
}
