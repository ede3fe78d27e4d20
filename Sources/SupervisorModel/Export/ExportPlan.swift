import Foundation

/// What every export format shares: the agents chosen, their service names, the dependencies
/// that can be expressed (cycles broken) and the environment for containers.
struct ExportPlan {
    let manifest: Manifest
    let hosts: HostTable
    /// The host filter, if any.
    let host: String?
    /// The exported agents, in manifest order.
    let agents: [AgentSpec]
    /// Agent name -> service, unit and resource name.
    let serviceNames: [String: String]
    /// Agent name -> dependencies left out because they close a cycle, with the cycle's path.
    let droppedDependencies: [String: [(dependency: String, cycle: String)]]
    private let graph: DependencyGraph

    init(manifest: Manifest, hosts: HostTable, host: String?) throws(ExportError) {
        if let host, !manifest.hostNames.contains(host) {
            let known = manifest.hostNames.joined(separator: ", ")
            throw ExportError(.unknownHost, "no agent runs on host '\(host)' (hosts with agents: \(known))")
        }
        self.manifest = manifest
        self.hosts = hosts
        self.host = host
        agents = host.map { manifest.agents(on: $0) } ?? manifest.agents
        var names: [String: String] = [:]
        var owners: [String: String] = [:]
        for agent in agents {
            let name = Self.serviceName(agent.name)
            if let other = owners[name] {
                throw ExportError(.nameClash, "agents '\(other)' and '\(agent.name)' both become service '\(name)'; rename one")
            }
            owners[name] = agent.name
            names[agent.name] = name
        }
        serviceNames = names
        graph = DependencyGraph(agents: agents.map { ($0.name, $0.dependsOn) })
        var dropped: [String: [(String, String)]] = [:]
        let cyclePaths = graph.cycles
        for agent in agents {
            for dependency in graph.dependencies[agent.name] ?? [] where graph.stepOfAgent[dependency] == graph.stepOfAgent[agent.name] {
                let path = cyclePaths.first { $0.contains(agent.name) } ?? [agent.name, agent.name]
                dropped[agent.name, default: []].append((dependency, path.joined(separator: " -> ")))
            }
        }
        droppedDependencies = dropped
    }

    /// `SystemDigitalTwin` -> `systemdigitaltwin`, `Foo_Bar.2` -> `foo-bar-2`: lowercase, every
    /// run of other characters one `-`, at most 63 characters (a DNS-1123 label).
    static func serviceName(_ agent: String) -> String {
        var name = ""
        for character in agent.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                name.append(character)
            } else if !name.isEmpty && name.last != "-" {
                name.append("-")
            }
        }
        while name.hasSuffix("-") { name.removeLast() }
        if name.isEmpty { name = "agent" }
        if name.count > 63 { name = String(name.prefix(63)) }
        while name.hasSuffix("-") { name.removeLast() }
        return name
    }

    /// The service name of an agent.
    func service(_ agent: String) -> String { serviceNames[agent] ?? Self.serviceName(agent) }

    /// The dependencies that are exported: those in the selection, minus the ones inside a cycle.
    func dependencies(of agent: AgentSpec) -> [AgentSpec] {
        let dropped = Set((droppedDependencies[agent.name] ?? []).map(\.dependency))
        return (graph.dependencies[agent.name] ?? []).filter { !dropped.contains($0) }.compactMap { manifest[$0] }
    }

    /// Comment lines for the dependencies left out of an agent: those closing a cycle, and those
    /// on agents of another host when one host is exported.
    func droppedComments(of agent: AgentSpec) -> [String] {
        let cycles = (droppedDependencies[agent.name] ?? []).map {
            "depends_on \($0.dependency) left out: it closes the dependency cycle \($0.cycle), which this format cannot start"
        }
        let exported = Set(agents.map(\.name))
        let remote = agent.dependsOn.filter { !exported.contains($0) }.compactMap { manifest[$0] }.map {
            "depends_on \($0.host)/\($0.name) left out: it runs on host \($0.host), which this export does not include; start it first, or export all hosts together"
        }
        return cycles + remote
    }

    /// The environment of an agent in a container: its identity, the manifest's `env`, and the
    /// legacy variables with service names in place of host addresses.
    func containerEnvironment(of agent: AgentSpec) -> [(name: String, value: String)] {
        var variables: [String: String] = ["AGENT_NAME": agent.name]
        if let port = agent.port { variables["AGENT_PORT"] = String(port) }
        if let port = agent.health.port { variables["HEALTH_CHECK_PORT"] = String(port) }
        if agent.legacyEnvironment {
            variables["BIND_ADDRESS"] = "0.0.0.0"
            if let registry = manifest.registry, let server = registry.agent.flatMap({ manifest[$0] }) {
                variables["SERVICE_REGISTRY_HOST"] = service(server.name)
                variables["SERVICE_REGISTRY_PORT"] = String(registry.port)
                if let port = server.health.port { variables["SERVICE_REGISTRY_HEALTH_PORT"] = String(port) }
            }
            for dependency in dependencies(of: agent) + droppedTargets(of: agent) {
                let stem = LegacyEnvironment.variableStem(dependency.name)
                variables[stem + "_HOST"] = service(dependency.name)
                if let port = dependency.port { variables[stem + "_PORT"] = String(port) }
                if let port = dependency.health.port { variables[stem + "_HEALTH_PORT"] = String(port) }
            }
        }
        for (name, value) in agent.environment { variables[name] = value }
        return variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Dependencies dropped for a cycle still get their address variables.
    private func droppedTargets(of agent: AgentSpec) -> [AgentSpec] {
        (droppedDependencies[agent.name] ?? []).compactMap { manifest[$0.dependency] }
    }

    /// Why the registry and error bus are missing, when the manifest has them.
    var supervisorServiceNote: String? {
        var served: [String] = []
        if manifest.registry?.isServedBySupervisor == true { served.append("the service registry (SERVICE_REGISTRY_HOST/_PORT)") }
        if manifest.errorBus != nil { served.append("the error bus (ERROR_BUS_HOST/_PORT)") }
        if served.isEmpty { return nil }
        return "\(served.joined(separator: " and ")) \(served.count > 1 ? "are" : "is") served by the supervisor, which does not run here: those variables are not set; agents fall back to their own defaults"
    }

    /// argv of a probe that runs inside the agent's container (zmq and tcp checks), or nil.
    static func probeCommand(_ health: HealthCheckSpec) -> [String]? {
        switch health.kind {
        case .zmq:
            guard let port = health.port else { return nil }
            let healthy = health.healthyStatus.map { "'\($0.lowercased())'" }.joined(separator: ",")
            let timeout = max(1, Int((health.timeout * 1000).rounded()))
            let script = "import sys,zmq;s=zmq.Context().socket(zmq.REQ);s.setsockopt(zmq.LINGER,0);"
                + "s.setsockopt(zmq.RCVTIMEO,\(timeout));s.connect('tcp://127.0.0.1:\(port)');"
                + "s.send_json({'action':'health_check'});"
                + "sys.exit(0 if str(s.recv_json().get('status','')).lower() in (\(healthy),) else 1)"
            return ["python3", "-c", script]
        case .tcp:
            guard let port = health.port else { return nil }
            let script = "import socket;socket.create_connection(('127.0.0.1',\(port)),\(max(0.1, health.timeout)))"
            return ["python3", "-c", script]
        case .exec:
            return health.command.isEmpty ? nil : health.command
        case .none:
            return nil
        }
    }

    /// Whole seconds, at least `minimum` (Kubernetes and systemd counts).
    static func wholeSeconds(_ seconds: TimeInterval, minimum: Int = 1) -> Int {
        max(minimum, Int(seconds.rounded(.up)))
    }

    /// `10s`, `1500ms`: a duration Compose and systemd both read.
    static func duration(_ seconds: TimeInterval) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(Int((seconds * 1000).rounded()))ms"
    }

    /// The header every file starts with.
    func header(_ format: String) -> [String] {
        let scope = host.map { "host \($0)" } ?? "all hosts"
        return [
            "# \(format) exported by `supervisor export` from \(manifest.file) (\(scope)).",
            "# Generated: edit the manifest and export again rather than editing this file.",
        ]
    }
}
