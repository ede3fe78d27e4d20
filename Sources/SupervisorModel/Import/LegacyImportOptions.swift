/// The choices `supervisor import` leaves to the user: which host the files belong to, whether
/// the agents get their ports on the command line, and who serves the service registry.
public struct LegacyImportOptions: Sendable, Equatable {
    /// Who answers the legacy service-registry protocol in the imported system.
    public enum Registry: String, Sendable, CaseIterable {
        /// The legacy registry agent itself (the default): it keeps its port, and every agent's
        /// `SERVICE_REGISTRY_HOST`/`_PORT` point at it (`registry: {agent: Name}`).
        case agent
        /// The supervisor of the registry agent's host, on that agent's port
        /// (`registry: {host, port}`); the agent is not imported and dependencies on it are
        /// left out, since the supervisor serves the registry before any agent starts.
        case supervisor
    }

    /// `--host`: every file's host. Without it, each file's schema decides.
    public var host: String?
    /// `--pass-ports`: append `--port N` and `--health-check-port M` to each command, as the
    /// newer legacy launcher did.
    public var passPorts: Bool
    /// `--registry`.
    public var registry: Registry

    /// The defaults: hosts from the schemas, no port arguments, the registry agent serves.
    public init(host: String? = nil, passPorts: Bool = false, registry: Registry = .agent) {
        self.host = host
        self.passPorts = passPorts
        self.registry = registry
    }
}
