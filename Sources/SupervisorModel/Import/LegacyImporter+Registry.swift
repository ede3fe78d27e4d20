/// The legacy service registry: which agent it is, and who serves it in the imported system.
///
/// The legacy ServiceRegistry agent binds `SERVICE_REGISTRY_PORT` as its own port, so the
/// supervisor's registry and that agent cannot share the variable. Either the agent serves
/// (`--registry agent`, the default: `registry: {agent: Name}` points every agent's
/// `SERVICE_REGISTRY_*` at it, its own included, so it binds the port the manifest gives it), or
/// the supervisor does (`--registry supervisor`: on the agent's port, and the agent is left out).
extension LegacyImporter {
    /// An agent whose name says it is the service registry: `ServiceRegistry`, `Registry`,
    /// `service_registry` (case, `_` and `-` ignored).
    static func isRegistry(_ agent: ImportedManifest.Agent) -> Bool {
        let name = agent.legacyName.lowercased().filter { $0 != "_" && $0 != "-" }
        return name == "registry" || name == "serviceregistry"
    }

    /// Finds the registry agent (the first one, in file order) and writes `registry`.
    mutating func placeRegistry() {
        guard let index = result.agents.indices.first(where: { Self.isRegistry(result.agents[$0]) }) else { return }
        let agent = result.agents[index]
        let place = "[\(baseName(result.sources[agent.source].file)):\(agent.line ?? 0)]"
        guard let port = agent.port, port.integerValue() != nil else {
            result.sources[agent.source].notes.append(
                "\(agent.legacyName) looks like the service registry but has no port, so no `registry:` is written")
            return
        }
        registryIndex = index
        switch options.registry {
        case .agent:
            result.registry = .init(agent: agent.name, host: agent.host, port: port, comments: [
                "The service registry is the agent \(agent.name) \(place), as in the legacy system: every agent's SERVICE_REGISTRY_HOST/_PORT point at it (its own too, since it binds SERVICE_REGISTRY_PORT), and the supervisor serves no registry. `supervisor import --registry supervisor` lets the supervisor serve it instead.",
            ])
            result.agents[index].comments.append(
                "the service registry (registry: above): SERVICE_REGISTRY_PORT is its own port \(port.text)")
        case .supervisor:
            result.registry = .init(agent: nil, host: agent.host, port: port, comments: [
                "The supervisor of \(agent.host) serves the service registry on the port of the legacy agent \(agent.name) \(place), which is therefore not imported (\(agent.scriptPath)); dependencies on it are left out, since the registry answers before any agent starts. Every agent's SERVICE_REGISTRY_HOST/_PORT point here.",
            ])
        }
    }

    /// Why a dependency on the agent at `index` is left out: the supervisor serves it.
    func servedBySupervisor(_ index: Int) -> String? {
        guard options.registry == .supervisor, index == registryIndex else { return nil }
        return "served by the supervisor's registry (registry:), which answers before any agent starts"
    }

    /// With `--registry supervisor`, the registry agent is not written.
    mutating func removeRegistryAgentIfServedBySupervisor() {
        guard options.registry == .supervisor, let index = registryIndex else { return }
        let agent = result.agents.remove(at: index)
        result.sources[agent.source].agentCount -= 1
        result.sources[agent.source].notes.append(
            "\(agent.legacyName) (line \(agent.line.map(String.init) ?? "?")) is not imported: the supervisor serves the registry on its port (--registry supervisor)")
        registryIndex = nil
    }
}
