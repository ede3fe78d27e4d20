import Foundation

/// One legacy startup configuration as its file wrote it, in either schema: mainpc's
/// `agent_groups: {group: {Name: {...}}}` or pc2's `pc2_services: [{name: ..., ...}]`.
///
/// Values keep their legacy text (`${PORT_OFFSET}+7200` stays a string); nothing is evaluated
/// here. `LegacyConfigParser` builds it, `LegacyImporter` turns several of them into a manifest.
public struct LegacyConfig: Sendable {
    /// The two layouts the legacy launchers read.
    public enum Schema: String, Sendable {
        /// mainpc: `agent_groups: {group: {AgentName: {script_path: ..., ...}}}`.
        case agentGroups = "agent_groups"
        /// pc2: `pc2_services: [{name: AgentName, script_path: ..., ...}]`.
        case pc2Services = "pc2_services"

        /// The host each legacy launcher ran on.
        public var host: String {
            switch self {
            case .agentGroups: "mainpc"
            case .pc2Services: "pc2"
            }
        }
    }

    /// The file, as named by the user (for messages and comments).
    public var file: String
    public var schema: Schema
    /// Every agent entry in file order, duplicates included (the importer decides about them).
    public var agents: [LegacyAgent]
    /// `environment` (top level or under `global_settings`), in file order.
    public var environment: [LegacySetting]
    /// `global_settings.features` (feature flags, read from the environment by the agents).
    public var features: [LegacySetting]
    /// `resource_limits`: `cpu_percent`, `memory_mb`, `max_threads`.
    public var resourceLimits: [LegacySetting]
    /// `health_checks`: `interval_seconds`, `timeout_seconds`, `retries`, `start_period_seconds`.
    public var healthChecks: [LegacySetting]
    /// `error_bus_port`, where the agents send `ERROR:{json}` frames.
    public var errorBusPort: LegacyScalar?
    /// Sections the manifest has no place for (Docker volumes and network, docker groups, ...),
    /// as dotted paths with their lines.
    public var notImported: [LegacySetting]
    /// Facts worth a comment that are not defects (e.g. a section merged from two places).
    public var notes: [String]

    public init(file: String, schema: Schema) {
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

/// One agent entry of a legacy file.
public struct LegacyAgent: Sendable {
    public var name: String
    /// Line of the agent's name.
    public var line: Int?
    /// The `agent_groups` key, or the list it came from (`pc2_services`, `core_services`).
    public var group: String
    /// A Python file relative to the legacy repository root.
    public var scriptPath: String?
    public var port: LegacyScalar?
    public var healthCheckPort: LegacyScalar?
    public var required: Bool?
    public var dependencies: [LegacyReference]
    /// The free-form `config` map, encoded as JSON (keys in file order), with `${NAME}`
    /// references that lack a default given an empty one (reported as findings).
    public var configJSON: String?
    /// pc2's per-agent `host` (a bind address such as 0.0.0.0).
    public var bindAddress: String?
    /// Extra command-line arguments from `params` / `command_args`.
    public var arguments: [String]
    /// `env_vars`, in file order.
    public var environment: [LegacySetting]
    /// Keys the manifest has no place for (`module`, `class`, `description`, ...).
    public var ignoredKeys: [String]

    public init(name: String, line: Int?, group: String) {
        self.name = name
        self.line = line
        self.group = group
        scriptPath = nil
        port = nil
        healthCheckPort = nil
        required = nil
        dependencies = []
        configJSON = nil
        bindAddress = nil
        arguments = []
        environment = []
        ignoredKeys = []
    }
}

/// A scalar as written, with where it was written.
public struct LegacyScalar: Equatable, Sendable {
    /// The text (`7200`, `${PORT_OFFSET}+7200`).
    public var text: String
    public var line: Int?

    public init(text: String, line: Int?) {
        self.text = text
        self.line = line
    }

    /// True for a plain decimal number, written without quotes in the output.
    public var isNumber: Bool { !text.isEmpty && text.allSatisfy(\.isASCII) && Int(text) != nil }

    /// The value with variables expanded from `environment` (`PORT_OFFSET` unset means 0) and
    /// `A+B` summed, as the manifest evaluates an integer field; nil when it is not a number.
    public func integerValue(environment: [String: String] = [:]) -> Int? {
        guard case .success(let expanded) = VariableExpander(environment: environment).expand(text) else { return nil }
        let parts = expanded.split(separator: "+", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.reduce(0) { $0 + $1! }
    }
}

/// A named value (environment variable, limit, health setting).
public struct LegacySetting: Equatable, Sendable {
    public var key: String
    public var value: String
    public var line: Int?

    public init(key: String, value: String, line: Int?) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// A name used as a reference (a dependency), with its line.
public struct LegacyReference: Equatable, Sendable {
    public var name: String
    public var line: Int?

    public init(name: String, line: Int?) {
        self.name = name
        self.line = line
    }
}
