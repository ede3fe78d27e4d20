import Foundation

/// The environment the legacy agents read, computed from `hosts` and the manifest instead of
/// the IP addresses written into their code: moving a host is one edit of `hosts`.
public struct LegacyEnvironment: Sendable {
    public let manifest: Manifest
    public let hosts: HostTable
    /// The value of PORT_OFFSET the manifest was expanded with.
    public let portOffset: String
    /// `{"Agent": {"address": "127.0.0.1", "health_port": 8200, "host": "mainpc", "port": 7200}, ...}`
    /// (`SUPERVISOR_ENDPOINTS`): the same for every agent, so built once per manifest load,
    /// not once per spawn.
    public let endpointsJSON: String

    public init(manifest: Manifest, hosts: HostTable, portOffset: String) {
        self.manifest = manifest
        self.hosts = hosts
        self.portOffset = portOffset
        endpointsJSON = Self.endpoints(of: manifest, hosts: hosts)
    }

    /// `SystemDigitalTwin` -> `SYSTEM_DIGITAL_TWIN`, `pc2` -> `PC2`.
    public static func variableStem(_ name: String) -> String {
        var stem = ""
        var previous: Character?
        for character in name {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { stem.append("_") }
            stem.append(character.isLetter || character.isNumber ? Character(character.uppercased()) : "_")
            previous = character
        }
        return stem
    }

    /// Every variable for one agent (without AGENT_NAME/AGENT_PORT/HEALTH_CHECK_PORT, which
    /// every agent gets).
    public func variables(for spec: AgentSpec) -> [String: String] {
        var variables: [String: String] = ["PORT_OFFSET": portOffset]
        if let own = hosts[spec.host] { variables["BIND_ADDRESS"] = own.address }
        for host in hosts.hosts {
            variables[Self.variableStem(host.name) + "_IP"] = host.address
        }
        // The legacy code spells mainpc's variable both ways.
        if let mainpc = hosts["mainpc"] {
            variables["MAIN_PC_IP"] = mainpc.address
            variables["MAINPC_IP"] = mainpc.address
        }
        if let registry = manifest.registry, let host = hosts[registry.host] {
            variables["SERVICE_REGISTRY_HOST"] = host.address
            variables["SERVICE_REGISTRY_PORT"] = String(registry.port)
            // A registry agent binds these as its own ports when it is given no others.
            if let agent = registry.agent, let port = manifest[agent]?.health.port {
                variables["SERVICE_REGISTRY_HEALTH_PORT"] = String(port)
            }
        }
        if let bus = manifest.errorBus, let host = hosts[bus.host] {
            variables["ERROR_BUS_HOST"] = host.address
            variables["ERROR_BUS_PORT"] = String(bus.port)
        }
        if let twin = manifest["SystemDigitalTwin"], let host = hosts[twin.host], let port = twin.port {
            variables["DIGITAL_TWIN_HOST"] = host.address
            variables["DIGITAL_TWIN_PORT"] = String(port)
        }
        for dependency in spec.dependsOn {
            guard let other = manifest[dependency], let host = hosts[other.host] else { continue }
            let stem = Self.variableStem(dependency)
            variables[stem + "_HOST"] = host.address
            if let port = other.port { variables[stem + "_PORT"] = String(port) }
            if let port = other.health.port { variables[stem + "_HEALTH_PORT"] = String(port) }
        }
        variables["SUPERVISOR_ENDPOINTS"] = endpointsJSON
        return variables
    }

    /// One agent's entry in `SUPERVISOR_ENDPOINTS`.
    private struct Endpoint: Encodable {
        var host: String
        var address: String
        var port: Int?
        var healthPort: Int?

        enum CodingKeys: String, CodingKey {
            case host, address, port
            case healthPort = "health_port"
        }
    }

    private static func endpoints(of manifest: Manifest, hosts: HostTable) -> String {
        var map: [String: Endpoint] = [:]
        for agent in manifest.agents {
            map[agent.name] = Endpoint(
                host: agent.host, address: hosts[agent.host]?.address ?? "", port: agent.port, healthPort: agent.health.port)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(map)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
