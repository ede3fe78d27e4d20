/// One agent entry of a legacy file.
struct LegacyAgent: Sendable {
    var name: String
    /// Line of the agent's name.
    var line: Int?
    /// The `agent_groups` key, or the list it came from (`pc2_services`, `core_services`).
    var group: String
    /// A Python file relative to the legacy repository root.
    var scriptPath: String?
    var port: LegacyScalar?
    var healthCheckPort: LegacyScalar?
    var required: Bool?
    var dependencies: [LegacyReference]
    /// The free-form `config` map, encoded as JSON (keys in file order), with `${NAME}`
    /// references that lack a default given an empty one (reported as findings).
    var configJSON: String?
    /// pc2's per-agent `host` (a bind address such as 0.0.0.0).
    var bindAddress: String?
    /// Extra command-line arguments from `params` / `command_args`.
    var arguments: [String]
    /// `env_vars`, in file order.
    var environment: [LegacySetting]
    /// Keys the manifest has no place for (`module`, `class`, `description`, ...).
    var ignoredKeys: [String]
    /// The findings about this entry, as comment text for the agent.
    var warnings: [String]

    init(name: String, line: Int?, group: String) {
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
        warnings = []
    }
}
