import Foundation
import Yams

/// The loading pipeline: YAML text -> nodes -> `defaults` -> agents -> validation. Pure: the
/// caller passes the text and the environment used for `${VAR}` expansion.
public enum ManifestLoader {
    /// What loading produced: the manifest (nil only when the text is not a usable document)
    /// and every issue found.
    public struct Result: Sendable {
        public var manifest: Manifest?
        public var issues: [ManifestIssue]
    }

    static let topLevelKeys = ["version", "defaults", "agents", "registry", "error_bus", "max_concurrent_starts", "start_settle"]

    /// Loads and validates a manifest's text.
    /// - Parameters:
    ///   - hosts: when given, every agent's host must be listed in it.
    ///   - strict: dependency cycles become errors instead of warnings.
    ///   - machineCores: when given, a cpu limit above it is a warning.
    public static func load(
        text: String, file: String, environment: [String: String], hosts: HostTable? = nil, strict: Bool = false,
        machineCores: Int? = nil
    ) -> Result {
        var reader = ManifestReader(file: file, environment: environment)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                reader.report(.missingKey, "the file is empty; it needs an 'agents' mapping", at: nil, .init(key: ""))
                return Result(manifest: nil, issues: reader.issues)
            }
            root = node
        } catch {
            reader.append(syntaxIssue(error, file: file))
            return Result(manifest: nil, issues: reader.issues)
        }
        let top = ManifestReader.Place(agent: nil, key: "")
        guard let pairs = reader.mapping(root, top, allowed: topLevelKeys) else {
            return Result(manifest: nil, issues: reader.issues)
        }
        var template = AgentSpec(name: "", host: "", command: [])
        var decoder = AgentSpecDecoder()
        var agentsNode: Node?
        var services: [String: ServiceEndpoint] = [:]
        var maxConcurrentStarts: Int?
        var startSettle: TimeInterval?
        for (key, value) in pairs {
            switch key {
            case "version":
                if let version = reader.integer(value, top.child("version")), version != 1 {
                    reader.report(.badValue, "unsupported manifest version \(version); this supervisor reads version 1", at: value, top.child("version"))
                }
            case "defaults": decoder.apply(value, onto: &template, isDefaults: true, reader: &reader)
            case "agents": agentsNode = value
            case "max_concurrent_starts":
                maxConcurrentStarts = reader.integer(value, top.child(key), range: 1...100_000)
            case "start_settle":
                startSettle = reader.duration(value, top.child(key))
            case "registry", "error_bus":
                if let endpoint = serviceEndpoint(value, top.child(key), reader: &reader) { services[key] = endpoint }
            default: break
            }
        }
        guard let agentsNode else {
            reader.report(.missingKey, "missing the 'agents' mapping", at: root, top)
            return Result(manifest: nil, issues: reader.issues)
        }
        guard let entries = reader.mapping(agentsNode, top.child("agents")) else {
            return Result(manifest: nil, issues: reader.issues)
        }
        // An agent's own line is the line of its name, not of its first key.
        var nameLines: [String: Int] = [:]
        if case .mapping(let mapping) = agentsNode {
            for (key, _) in mapping { if let name = key.scalar?.string { nameLines[name] = key.mark?.line } }
        }
        var agents: [AgentSpec] = []
        var positions: [String: [String: Int]] = [:]
        for (name, node) in entries {
            var spec = template
            spec.name = name
            spec.line = nameLines[name] ?? node.mark?.line
            var agentDecoder = AgentSpecDecoder()
            agentDecoder.apply(node, onto: &spec, isDefaults: false, reader: &reader)
            positions[name] = agentDecoder.positions
            requireEssentials(spec, at: node, reader: &reader)
            agents.append(spec)
        }
        if let hosts {
            // A legacy agent binds BIND_ADDRESS, its host's address: probe it there. Only a
            // numeric address: a host name would be resolved on the supervisor's own thread.
            for index in agents.indices where agents[index].health.address == nil && agents[index].legacyEnvironment {
                if let address = hosts[agents[index].host]?.address, Self.isNumericAddress(address),
                   address != "0.0.0.0", address != "::" {
                    agents[index].health.address = address
                }
            }
        }
        var manifest = Manifest(file: file, agents: agents, positions: positions)
        manifest.registry = services["registry"].flatMap { servingAgent($0, agents: agents, reader: &reader) }
        manifest.errorBus = services["error_bus"]
        manifest.maxConcurrentStarts = maxConcurrentStarts
        manifest.startSettle = startSettle
        var issues = reader.issues
        issues += ManifestValidator(manifest: manifest, hosts: hosts, strict: strict, machineCores: machineCores).validate()
        return Result(manifest: manifest, issues: issues)
    }

    /// Reads and loads a file; an unreadable file is reported as an issue, not thrown.
    public static func load(
        path: String, environment: [String: String], hosts: HostTable? = nil, strict: Bool = false,
        machineCores: Int? = nil
    ) -> Result {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
            return Result(manifest: nil, issues: [
                ManifestIssue(.fileUnreadable, file: path, message: "manifest \(path) \(reason)"),
            ])
        }
        return load(text: text, file: path, environment: environment, hosts: hosts, strict: strict, machineCores: machineCores)
    }

    /// `{host, port}`, or for the registry `{agent: Name}` (resolved by `servingAgent` once the
    /// agents are read; host and port are placeholders until then).
    private static func serviceEndpoint(
        _ node: Node, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) -> ServiceEndpoint? {
        let allowsAgent = place.key == "registry"
        guard let pairs = reader.mapping(node, place, allowed: allowsAgent ? ["host", "port", "agent"] : ["host", "port"]) else {
            return nil
        }
        var host: String?
        var port: Int?
        var agent: String?
        for (key, value) in pairs {
            if key == "host" { host = reader.string(value, place.child("host")) }
            if key == "port" { port = reader.port(value, place.child("port")) }
            if key == "agent" { agent = reader.string(value, place.child("agent")) }
        }
        if let agent {
            guard host == nil, port == nil else {
                reader.report(.badValue, "give either agent (the agent that serves it) or host and port (the supervisor serves it), not both",
                              at: node, place)
                return nil
            }
            return ServiceEndpoint(host: "", port: 0, line: node.mark?.line, agent: agent)
        }
        guard let host, let port else {
            reader.report(.missingKey, allowsAgent ? "needs host and port, or agent" : "needs both host and port", at: node, place)
            return nil
        }
        return ServiceEndpoint(host: host, port: port, line: node.mark?.line)
    }

    /// `registry: {agent: Name}`: the agent's host and port; an unknown agent, or one without a
    /// port, is an error.
    private static func servingAgent(
        _ endpoint: ServiceEndpoint, agents: [AgentSpec], reader: inout ManifestReader
    ) -> ServiceEndpoint? {
        guard let name = endpoint.agent else { return endpoint }
        let place = ManifestReader.Place(agent: nil, key: "registry.agent")
        guard let spec = agents.first(where: { $0.name == name }) else {
            var message = "'\(name)' is not an agent in this manifest"
            if let close = Spelling.closest(to: name, among: agents.map(\.name)) { message += "; did you mean '\(close)'?" }
            reader.append(ManifestIssue(.unknownDependency, file: reader.file, line: endpoint.line, key: place.key, message: message))
            return nil
        }
        guard let port = spec.port else {
            reader.append(ManifestIssue(.missingKey, file: reader.file, line: endpoint.line, key: place.key,
                                        message: "agent '\(name)' serves the registry but has no port"))
            return nil
        }
        return ServiceEndpoint(host: spec.host, port: port, line: endpoint.line, agent: name)
    }

    private static func requireEssentials(_ spec: AgentSpec, at node: Node, reader: inout ManifestReader) {
        let place = ManifestReader.Place(agent: spec.name, key: "")
        if spec.command.isEmpty {
            reader.report(.missingKey, "no command (set 'command' on the agent or in 'defaults')", at: node, place.child("command"))
        }
        if spec.host.isEmpty {
            reader.report(.missingKey, "no host (set 'host' on the agent or in 'defaults')", at: node, place.child("host"))
        }
        switch spec.health.kind {
        case .zmq where spec.health.port == nil:
            reader.report(.missingKey, "a zmq health check needs health.port", at: node, place.child("health.port"))
        case .tcp where spec.health.port == nil && spec.port == nil:
            reader.report(.missingKey, "a tcp health check needs health.port (or the agent's port)", at: node, place.child("health.port"))
        case .exec where spec.health.command.isEmpty:
            reader.report(.missingKey, "an exec health check needs health.command", at: node, place.child("health.command"))
        default:
            break
        }
    }

    private static func syntaxIssue(_ error: Error, file: String) -> ManifestIssue {
        var line: Int?
        var message = "\(error)"
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                line = mark.line
                message = problem
            case .duplicatedKeysInMapping(let duplicates, let context):
                line = context.mark.line
                message = "key(s) \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) appear twice in one mapping"
            default:
                message = yaml.description.split(separator: "\n").first.map(String.init) ?? message
            }
        }
        return ManifestIssue(.yamlSyntax, file: file, line: line, message: "YAML syntax: \(message)")
    }

    /// An IPv4 dotted quad or an IPv6 literal (not a name to resolve).
    static func isNumericAddress(_ address: String) -> Bool {
        if address.contains(":") { return address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (Int(part) ?? 256) <= 255
        }
    }
}
