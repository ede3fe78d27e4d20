/// The legacy service registry, answered from what the supervisor knows: every agent of the
/// manifest (address from `hosts`), plus what agents register at run time. Registrations of an
/// agent expire when its process dies. Pure: requests in, replies out.
public struct ServiceRegistry: Sendable {
    /// What an agent registered about itself (free-form legacy `registration_data`).
    public private(set) var registrations: [String: [String: JSONValue]] = [:]
    public var manifest: Manifest
    public var hosts: HostTable

    public init(manifest: Manifest, hosts: HostTable) {
        self.manifest = manifest
        self.hosts = hosts
    }

    /// Answers one request frame. `state` gives the state of agents the local supervisor runs.
    public mutating func answer(_ bytes: [UInt8], state: (String) -> String?) -> JSONValue {
        .object(answerFields(bytes, state: state))
    }

    private mutating func answerFields(_ bytes: [UInt8], state: (String) -> String?) -> [String: JSONValue] {
        guard let request = JSONValue.parse(bytes)?.object else {
            return ["status": "error", "message": "the request is not a JSON object"]
        }
        switch request["action"]?.string {
        case "register_agent":
            guard let data = request["registration_data"]?.object,
                  let name = (data["name"] ?? data["agent_name"] ?? data["agent_id"])?.string else {
                return ["status": "error", "message": "register_agent needs registration_data with a name"]
            }
            registrations[name] = data
            return ["status": "success", "message": .string("registered \(name)")]
        case "get_agent_endpoint":
            guard let name = (request["agent_name"] ?? request["name"])?.string else {
                return ["status": "error", "message": "get_agent_endpoint needs agent_name"]
            }
            guard let entry = endpoint(of: name, state: state) else {
                let close = Spelling.closeMatches(to: name, among: manifest.agents.map(\.name) + registrations.keys)
                return ["status": "error", "message": .string("agent \(name) is not known"), "close_matches": .array(close.map(JSONValue.string))]
            }
            return entry.merging(["status": "success"]) { $1 }
        case "list_agents":
            let names = manifest.agents.map(\.name) + registrations.keys.filter { manifest[$0] == nil }.sorted()
            return ["status": "success", "agents": .array(names.compactMap { endpoint(of: $0, state: state).map(JSONValue.object) })]
        case let other?:
            return ["status": "error", "message": .string("unknown action \(other); actions: register_agent, get_agent_endpoint, list_agents")]
        case nil:
            return ["status": "error", "message": "the request has no action"]
        }
    }

    /// Forgets what a dead agent registered.
    public mutating func expire(_ agent: String) {
        registrations[agent] = nil
    }

    private func endpoint(of name: String, state: (String) -> String?) -> [String: JSONValue]? {
        var entry: [String: JSONValue] = ["agent_name": .string(name), "name": .string(name)]
        if let spec = manifest[name] {
            entry["host"] = .string(hosts[spec.host]?.address ?? spec.host)
            entry["host_name"] = .string(spec.host)
            if let port = spec.port { entry["port"] = .number(Double(port)) }
            if let port = spec.health.port { entry["health_check_port"] = .number(Double(port)) }
            if let current = state(name) { entry["state"] = .string(current) }
        }
        if let registered = registrations[name] {
            for (key, value) in registered { entry[key] = value }
            entry["registered"] = .bool(true)
        } else if manifest[name] == nil {
            return nil
        }
        return entry
    }
}
