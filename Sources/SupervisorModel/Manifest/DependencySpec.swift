/// One entry of an agent's `depends_on`: the agent depended on, and what it takes before the
/// dependent may start.
///
/// The short form `Name` (or `host/Name`) means `{name: Name, condition: ready, required: true}`.
/// `required` here is about the dependency edge (does the dependent wait for an agent that has
/// failed?), not the agent-level `required` key (is the agent called out in the start-up summary
/// when it is not ready?): see docs/manifest.md, Dependencies.
public struct DependencySpec: Equatable, Sendable {
    /// What the dependency must have reached before the dependent starts.
    public enum Condition: String, Sendable, CaseIterable, Codable {
        /// Its health check passed (for `health: none`: it stayed up for its start period).
        case ready
        /// Its process is running (spawned), ready or not.
        case started
    }

    /// The agent's name (without the host).
    public var name: String
    /// The host written as `host/Name`, if it was written so (the validator checks it).
    public var host: String?
    /// What it must have reached: ready (the default) or started.
    public var condition: Condition
    /// True (the default): the dependent waits for it, however long that takes, unless
    /// `up --keep-going`. False: once it has failed (or cannot start because something it needs
    /// failed), or has not become ready within its start period, the dependent starts without it.
    public var required: Bool

    /// A dependency on `name` (of `host`, when written so); the defaults are the short form's.
    public init(name: String, host: String? = nil, condition: Condition = .ready, required: Bool = true) {
        self.name = name
        self.host = host
        self.condition = condition
        self.required = required
    }

    /// `Name`, or `host/Name` when the host was written: how messages quote it.
    public var written: String { host.map { "\($0)/\(name)" } ?? name }

    /// True for the short form's terms (condition `ready`, required): nothing but the name to write.
    public var hasDefaultTerms: Bool { condition == .ready && required }

    /// Splits `host/Name` (a plain name has no host).
    static func parse(_ text: String) -> (host: String?, name: String) {
        guard let slash = text.firstIndex(of: "/") else { return (nil, text) }
        return (String(text[..<slash]), String(text[text.index(after: slash)...]))
    }
}

extension AgentSpec {
    /// The entry of `depends_on` naming `agent`, if any.
    public func dependency(on agent: String) -> DependencySpec? {
        dependencies.first { $0.name == agent }
    }
}
