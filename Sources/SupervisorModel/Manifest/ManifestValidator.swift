/// Checks that need the whole manifest: names, hosts, dependencies, ports, cycles, limits.
/// Each check is a small function that appends issues; all of them always run.
struct ManifestValidator {
    let manifest: Manifest
    let hosts: HostTable?
    let strict: Bool
    var machineCores: Int?

    func validate() -> [ManifestIssue] {
        var issues: [ManifestIssue] = []
        checkNames(&issues)
        checkHosts(&issues)
        checkDependencies(&issues)
        checkPorts(&issues)
        checkLimits(&issues)
        checkServices(&issues)
        checkCycles(&issues)
        return issues
    }

    private func issue(
        _ code: ManifestIssue.Code, _ agent: String?, key: String?, _ message: String,
        severity: ManifestIssue.Severity = .error
    ) -> ManifestIssue {
        let line = agent.flatMap { manifest.line(of: $0, key: key) }
        return ManifestIssue(severity, code, file: manifest.file, line: line, agent: agent, key: key, message: message)
    }

    /// Names end up in file paths (`logs/<host>/<agent>.log`), so they must be path-safe.
    private func checkNames(_ issues: inout [ManifestIssue]) {
        for agent in manifest.agents {
            let name = agent.name
            let allowed = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
            if name.isEmpty || !allowed || name.contains("..") || name.hasPrefix(".") {
                issues.append(issue(.badName, name, key: nil,
                    "agent name '\(name)' may use only letters, digits, '-', '_' and '.', and may not start with '.' or contain '..'"))
            }
        }
    }

    private func checkHosts(_ issues: inout [ManifestIssue]) {
        guard let hosts else { return }
        let names = hosts.hosts.map(\.name)
        // A host whose line was rejected is that line's one error, not one more per agent.
        for agent in manifest.agents where !agent.host.isEmpty && hosts[agent.host] == nil && hosts.rejected[agent.host] == nil {
            var message = "host '\(agent.host)' is not in \(hosts.file)"
            if let suggestion = Spelling.closest(to: agent.host, among: names) { message += "; did you mean '\(suggestion)'?" }
            issues.append(issue(.unknownHost, agent.name, key: "host", message))
        }
    }

    /// Every dependency (short or long form) names an agent of the manifest, on any host;
    /// `host/Name` must name the host that agent runs on.
    private func checkDependencies(_ issues: inout [ManifestIssue]) {
        let hostOf = Dictionary(manifest.agents.map { ($0.name, $0.host) }, uniquingKeysWith: { first, _ in first })
        let names = manifest.agents.map(\.name)
        for agent in manifest.agents {
            for dependency in agent.dependencies {
                let dep = dependency.name
                let key = "depends_on." + dep
                let written = dependency.written
                guard let depHost = hostOf[dep] else {
                    var message = "depends on '\(written)', which is not an agent in this manifest"
                    if let suggestion = Spelling.closest(to: dep, among: names) { message += "; did you mean '\(suggestion)'?" }
                    issues.append(issue(.unknownDependency, agent.name, key: key, message))
                    continue
                }
                if let stated = dependency.host, stated != depHost {
                    issues.append(issue(.dependencyHostMismatch, agent.name, key: key,
                        "depends on '\(written)', but '\(dep)' runs on host '\(depHost)'; write '\(depHost)/\(dep)'"))
                }
            }
        }
    }

    /// Two agents of one host may not use one port (main or health).
    private func checkPorts(_ issues: inout [ManifestIssue]) {
        var users: [String: [Int: (agent: String, key: String)]] = [:]
        for agent in manifest.agents {
            var claims: [(Int, String)] = []
            if let port = agent.port { claims.append((port, "port")) }
            if let port = agent.health.port, agent.health.kind == .zmq || agent.health.kind == .tcp {
                // A tcp check on the agent's own port is one socket, not a clash.
                if !(agent.health.kind == .tcp && port == agent.port) { claims.append((port, "health.port")) }
            }
            for (port, key) in claims {
                if let owner = users[agent.host]?[port] {
                    let who = owner.agent == agent.name ? "its own \(owner.key)" : "'\(owner.agent)' (\(owner.key))"
                    issues.append(issue(.portConflict, agent.name, key: key,
                        "port \(port) on host '\(agent.host)' is already used by \(who)"))
                } else {
                    users[agent.host, default: [:]][port] = (agent.name, key)
                }
            }
        }
    }

    /// The registry and error bus are served by a host's supervisor: the host must exist and
    /// the port must not be an agent's (the legacy pc2 file put its error bus on an agent port).
    /// A registry served by an agent (`registry: {agent: X}`) is that agent's own port.
    private func checkServices(_ issues: inout [ManifestIssue]) {
        for (key, endpoint) in [("registry", manifest.registry), ("error_bus", manifest.errorBus)] {
            guard let endpoint, endpoint.isServedBySupervisor else { continue }
            func report(_ code: ManifestIssue.Code, _ message: String) {
                issues.append(ManifestIssue(code, file: manifest.file, line: endpoint.line, key: key, message: message))
            }
            if let hosts, hosts[endpoint.host] == nil, hosts.rejected[endpoint.host] == nil {
                report(.unknownHost, "host '\(endpoint.host)' is not in \(hosts.file)")
            }
            for agent in manifest.agents(on: endpoint.host) {
                let ports = [agent.port, agent.health.kind == .none || agent.health.kind == .exec ? nil : agent.health.port]
                if ports.contains(endpoint.port) {
                    report(.portConflict, "port \(endpoint.port) on host '\(endpoint.host)' is already used by '\(agent.name)'")
                }
            }
            if let hosts, let host = hosts[endpoint.host], endpoint.port == host.controlPort || endpoint.port == host.controlPort + 1 {
                report(.portConflict, "port \(endpoint.port) is the control or event port of host '\(endpoint.host)'")
            }
        }
        if let registry = manifest.registry, let bus = manifest.errorBus, registry.host == bus.host, registry.port == bus.port,
           registry.isServedBySupervisor {
            issues.append(ManifestIssue(.portConflict, file: manifest.file, line: bus.line, key: "error_bus",
                                        message: "the error bus and the registry cannot share port \(bus.port)"))
        }
    }

    private func checkLimits(_ issues: inout [ManifestIssue]) {
        for agent in manifest.agents {
            if let high = agent.limits.memoryHigh, let hard = agent.limits.memory, high > hard {
                issues.append(issue(.badValue, agent.name, key: "limits.memory_high",
                    "memory_high (\(Quantity.describe(bytes: high))) is above memory (\(Quantity.describe(bytes: hard)))"))
            }
            if let cpu = agent.limits.cpu, let cores = machineCores, cpu > Double(cores) {
                issues.append(issue(.badValue, agent.name, key: "limits.cpu",
                    "cpu \(cpu) is more than the \(cores) core(s) of this machine; the limit will never be reached",
                    severity: .warning))
            }
            if agent.restart.backoff.max < agent.restart.backoff.initial {
                issues.append(issue(.badValue, agent.name, key: "restart.backoff.max",
                    "backoff max (\(Quantity.describe(seconds: agent.restart.backoff.max))) is below initial (\(Quantity.describe(seconds: agent.restart.backoff.initial)))"))
            }
        }
    }

    /// A cycle within one host starts together (a warning); a cycle through agents of several
    /// hosts could never start, since no supervisor can start its members together.
    private func checkCycles(_ issues: inout [ManifestIssue]) {
        for host in manifest.hostNames {
            let graph = DependencyGraph(manifest: manifest, host: host)
            for cycle in graph.cycles {
                let path = cycle.joined(separator: " -> ")
                let consequence = strict ? "" : "; its members will start together"
                issues.append(issue(.dependencyCycle, cycle[0], key: "depends_on",
                    "dependency cycle \(path)\(consequence)", severity: strict ? .error : .warning))
            }
        }
        let whole = DependencyGraph(agents: manifest.agents.map { ($0.name, $0.dependsOn) })
        let hostOf = Dictionary(manifest.agents.map { ($0.name, $0.host) }, uniquingKeysWith: { first, _ in first })
        for cycle in whole.cycles where Set(cycle.compactMap { hostOf[$0] }).count > 1 {
            let path = cycle.map { "\(hostOf[$0] ?? "?")/\($0)" }.joined(separator: " -> ")
            issues.append(issue(.crossHostCycle, cycle[0], key: "depends_on",
                "dependency cycle across hosts \(path); members on different hosts cannot start together, so none would start"))
        }
    }
}
