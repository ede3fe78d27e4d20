/// The manifest an import produces, before it is written as YAML: every agent with its full
/// settings, what each legacy file contributed, and the comments that go with them.
struct ImportedManifest: Sendable {
    /// One imported legacy file.
    struct Source: Sendable {
        var file: String
        var schema: LegacyConfig.Schema
        var host: String
        /// Why that host: `--host`, or the schema.
        var hostReason: String
        var agentCount = 0
        var notImported: [LegacySetting]
        var notes: [String]
        /// The file's settings sections as written, for the comments of `defaults`.
        var environment: [LegacySetting]
        var resourceLimits: [LegacySetting]
        var healthChecks: [LegacySetting]
    }

    /// One setting of an agent (`env`, `health` or `limits` key) as YAML text.
    struct Entry: Equatable, Sendable {
        var key: String
        /// Already YAML: a scalar that needs no further quoting.
        var value: String
    }

    /// The three map-valued settings, which merge key by key with `defaults`.
    enum Section: String, CaseIterable, Sendable {
        case env, health, limits
    }

    /// A dependency that could not be kept in `depends_on`.
    struct LeftOutDependency: Equatable, Sendable {
        var name: String
        /// `unknown: ...` or `on host mainpc: ...`.
        var reason: String
    }

    struct Agent: Sendable {
        /// The name in the manifest (the legacy name, or a renamed one).
        var name: String
        var legacyName: String
        var host: String
        /// Index into `sources`.
        var source: Int
        var line: Int?
        var group: String
        var command: [String]
        var port: LegacyScalar?
        var healthPort: LegacyScalar?
        var required: Bool
        /// `dependencies` as the legacy file wrote them.
        var legacyDependencies: [LegacyReference]
        /// The dependencies kept, by manifest name (`host/Name` for another host's agent).
        var dependsOn: [String] = []
        /// Those of `dependsOn` on an agent the legacy file marks `required: false` (or not at
        /// all): written `{name: X, required: false}`, since the legacy launcher went on past them.
        var notRequired: Set<String> = []
        var leftOut: [LeftOutDependency] = []
        /// Full settings per section, before `defaults` are factored out.
        var settings: [Section: [Entry]] = [:]
        /// Comment lines written under the agent's name (warnings and notes).
        var comments: [String] = []
        /// The agent's `script_path`, shown after its name.
        var scriptPath: String
    }

    /// `error_bus`: live (the supervisor collects it) or written as a comment, with why.
    struct ErrorBus: Sendable {
        var host: String
        var port: LegacyScalar
        var isLive: Bool
        var comments: [String]
    }

    /// `registry`: served by an agent (`agent` set) or by the supervisor of `host` on `port`.
    struct Registry: Sendable {
        /// The agent that serves it, by manifest name; nil when the supervisor does.
        var agent: String?
        var host: String
        var port: LegacyScalar
        var comments: [String]
    }

    var sources: [Source] = []
    var agents: [Agent] = []
    var errorBus: ErrorBus?
    var registry: Registry?
    /// Every finding, in the order of the files and lines.
    var findings: [ImportFinding] = []

    /// Host names in first-seen order.
    var hosts: [String] {
        var seen: [String] = []
        for agent in agents where !seen.contains(agent.host) { seen.append(agent.host) }
        for source in sources where !seen.contains(source.host) { seen.append(source.host) }
        return seen
    }

    /// True when any imported port uses `${PORT_OFFSET}`.
    var usesPortOffset: Bool {
        agents.contains { agent in
            [agent.port, agent.healthPort].contains { $0?.text.contains("PORT_OFFSET") ?? false }
        }
    }
}
