import Foundation

/// Turns parsed legacy files into one `ImportedManifest`: assigns hosts, drops duplicates,
/// renames names reused across hosts, resolves dependencies, and finds the defects a manifest
/// cannot hold (cycles, the error bus on an agent's port, unknown and cross-host dependencies).
struct LegacyImporter {
    /// `--host`, `--pass-ports`, `--registry`.
    let options: LegacyImportOptions
    var hostOverride: String? { options.host }

    /// The interpreter every agent's script runs with.
    static let python = "${LEGACY_PYTHON:-python3}"
    /// The legacy repository root: every agent's working directory.
    static let root = "${LEGACY_ROOT:-.}"

    var result = ImportedManifest()
    /// host -> legacy name -> index in `result.agents`.
    var agentIndex: [String: [String: Int]] = [:]
    /// The agent that is the legacy service registry, by index in `result.agents`.
    var registryIndex: Int?

    init(options: LegacyImportOptions) {
        self.options = options
    }

    /// Imports the files in order; agents keep the order of their files.
    mutating func importConfigs(_ configs: [LegacyConfig]) -> ImportedManifest {
        result = ImportedManifest()
        agentIndex = [:]
        registryIndex = nil
        for config in configs { add(config) }
        placeRegistry()
        resolveDependencies()
        findCycles()
        for (index, config) in configs.enumerated() { placeErrorBus(config, source: index) }
        removeRegistryAgentIfServedBySupervisor()
        return result
    }

    // MARK: - Agents

    private mutating func add(_ config: LegacyConfig) {
        let host = hostOverride ?? config.schema.host
        let reason = hostOverride != nil
            ? "given by --host"
            : "the \(config.schema.rawValue) schema is \(config.schema.host)'s; --host overrides"
        let sourceIndex = result.sources.count
        result.sources.append(ImportedManifest.Source(
            file: config.file, schema: config.schema, host: host, hostReason: reason,
            notImported: config.notImported, notes: config.notes, environment: config.environment,
            resourceLimits: config.resourceLimits, healthChecks: config.healthChecks))
        let shared = sharedSettings(config, source: sourceIndex)
        for legacy in config.agents {
            if let first = agentIndex[host]?[legacy.name] {
                reportDuplicate(legacy, of: first, file: config.file)
                continue
            }
            guard let script = legacy.scriptPath, !script.isEmpty else {
                warn(.notAnAgent, config.file, legacy.line, legacy.name, "has no script_path, so there is nothing to run; skipped")
                continue
            }
            let name = manifestName(for: legacy, host: host, file: config.file)
            var agent = ImportedManifest.Agent(
                name: name, legacyName: legacy.name, host: host, source: sourceIndex, line: legacy.line,
                group: legacy.group, command: [Self.python, script] + legacy.arguments + portArguments(legacy, file: config.file),
                port: legacy.port,
                healthPort: legacy.healthCheckPort, required: legacy.required ?? false,
                legacyDependencies: legacy.dependencies, scriptPath: script)
            agent.settings = settings(of: legacy, shared: shared, file: config.file)
            if name != legacy.name, let finding = result.findings.last, finding.code == .renamedAgent {
                agent.comments.append("warning: renamed from '\(legacy.name)': " + finding.commentText.dropFirst("warning: ".count))
            }
            agent.comments += legacy.warnings
            if !legacy.ignoredKeys.isEmpty {
                agent.comments.append("not imported: \(legacy.ignoredKeys.joined(separator: ", ")) (no such manifest key)")
            }
            agentIndex[host, default: [:]][legacy.name] = result.agents.count
            result.agents.append(agent)
            result.sources[sourceIndex].agentCount += 1
        }
    }

    /// A second declaration on the same host: the first one is kept, the differences reported.
    private mutating func reportDuplicate(_ legacy: LegacyAgent, of index: Int, file: String) {
        let first = result.agents[index]
        let firstFile = result.sources[first.source].file
        let firstPlace = firstFile == file
            ? "line \(first.line.map(String.init) ?? "?")"
            : "\(baseName(firstFile)):\(first.line.map(String.init) ?? "?")"
        var differences: [String] = []
        func compare(_ key: String, _ second: String?, _ kept: String?) {
            if let second, second != kept { differences.append("\(key) \(second) (first: \(kept ?? "none"))") }
        }
        compare("script_path", legacy.scriptPath, first.scriptPath)
        compare("port", legacy.port?.text, first.port?.text)
        compare("health_check_port", legacy.healthCheckPort?.text, first.healthPort?.text)
        compare("required", legacy.required.map(String.init), String(first.required))
        let detail = differences.isEmpty ? "the two declarations agree" : "this one differs: " + differences.joined(separator: ", ")
        let message = "declared again in \(legacy.group) (first in \(first.group), \(firstPlace)); \(detail); the first one is kept"
        warn(.duplicateAgent, file, legacy.line, legacy.name, message)
        result.agents[index].comments.append(
            "warning: declared twice; the second declaration, in \(legacy.group) [\(baseName(file)):\(legacy.line ?? 0)], is dropped; \(detail)")
    }

    /// The legacy name, unless another host already uses it: then `Name-host`.
    private mutating func manifestName(for legacy: LegacyAgent, host: String, file: String) -> String {
        let taken = Set(result.agents.map(\.name))
        guard taken.contains(legacy.name) else { return legacy.name }
        var name = "\(legacy.name)-\(host)"
        var counter = 2
        while taken.contains(name) {
            name = "\(legacy.name)-\(host)\(counter)"
            counter += 1
        }
        let other = result.agents.first { $0.name == legacy.name }!
        let otherPlace = "\(baseName(result.sources[other.source].file)):\(other.line ?? 0)"
        warn(.renamedAgent, file, legacy.line, legacy.name,
             "host \(other.host) also has an agent named '\(legacy.name)' (\(otherPlace)); names must be unique in one manifest, so this one is imported as '\(name)' (its AGENT_NAME changes accordingly; dependencies on it within \(host) follow)")
        return name
    }

    // MARK: - Dependencies

    /// Keeps each dependency that an imported file defines. One on an agent that is not
    /// `required` in its legacy file does not hold its dependents back once it has failed (the
    /// legacy launcher went on past such agents): see docs/import.md.
    private mutating func resolveDependencies() {
        for index in result.agents.indices {
            let agent = result.agents[index]
            let file = result.sources[agent.source].file
            var kept: [String] = []
            for dependency in agent.legacyDependencies {
                if let target = agentIndex[agent.host]?[dependency.name] {
                    if let reason = servedBySupervisor(target) {
                        result.agents[index].leftOut.append(.init(name: dependency.name, reason: reason))
                        continue
                    }
                    let name = result.agents[target].name
                    if !kept.contains(name) { kept.append(name) }
                    if !result.agents[target].required { result.agents[index].notRequired.insert(name) }
                } else if let otherHost = agentIndex.keys.sorted().first(where: { agentIndex[$0]?[dependency.name] != nil }),
                          let target = agentIndex[otherHost]?[dependency.name] {
                    if let reason = servedBySupervisor(target) {
                        result.agents[index].leftOut.append(.init(name: dependency.name, reason: reason))
                        continue
                    }
                    let name = "\(otherHost)/\(result.agents[target].name)"
                    warn(.crossHostDependency, file, dependency.line, agent.legacyName,
                         "depends on '\(dependency.name)', an agent of host \(otherHost); kept as '\(name)': \(agent.host)'s supervisor waits for it through \(otherHost)'s supervisor")
                    if !kept.contains(name) { kept.append(name) }
                    if !result.agents[target].required { result.agents[index].notRequired.insert(name) }
                } else {
                    var message = "depends on '\(dependency.name)', which no imported file defines; left out of depends_on"
                    let names = agentIndex[agent.host].map { Array($0.keys).sorted() } ?? []
                    if let suggestion = Spelling.closest(to: dependency.name, among: names) {
                        message += " (did you mean '\(suggestion)'?)"
                    }
                    warn(.unknownDependency, file, dependency.line, agent.legacyName, message)
                    result.agents[index].leftOut.append(.init(name: dependency.name, reason: "unknown: not an agent in the imported files"))
                }
            }
            result.agents[index].dependsOn = kept
        }
    }

    // MARK: - Cycles

    private mutating func findCycles() {
        for host in result.hosts {
            let members = result.agents.indices.filter { result.agents[$0].host == host }
            let graph = DependencyGraph(agents: members.map { (result.agents[$0].name, result.agents[$0].dependsOn) })
            let indexOfName = Dictionary(uniqueKeysWithValues: members.map { (result.agents[$0].name, $0) })
            for cycle in graph.cycles {
                let path = cycle.joined(separator: " -> ")
                let inCycle = Set(cycle)
                var behind: [String] = []
                var frontier = Array(inCycle)
                while let next = frontier.popLast() {
                    for dependent in graph.dependents(of: next) where !inCycle.contains(dependent) && !behind.contains(dependent) {
                        behind.append(dependent)
                        frontier.append(dependent)
                    }
                }
                behind.sort { indexOfName[$0]! < indexOfName[$1]! }
                let count = inCycle.count
                var consequence = "a launcher that starts level by level, like the legacy one, never starts "
                consequence += count == 1 ? "this agent" : "these \(count) agents"
                if !behind.isEmpty {
                    consequence += " nor the \(behind.count) that depend on them (\(behind.joined(separator: ", ")))"
                }
                let first = result.agents[indexOfName[cycle[0]]!]
                warn(.dependencyCycle, result.sources[first.source].file, first.line, first.legacyName,
                     "dependency cycle \(path): \(consequence). It is kept: the supervisor starts the members together once their other dependencies are ready (`supervisor check` warns; --strict makes it an error)")
                for name in inCycle {
                    result.agents[indexOfName[name]!].comments.append(
                        "warning: in the dependency cycle \(path), kept as in the legacy file: the members start together")
                }
            }
        }
    }

    // MARK: - Error bus

    private mutating func placeErrorBus(_ config: LegacyConfig, source: Int) {
        guard let port = config.errorBusPort else { return }
        let host = result.sources[source].host
        let file = config.file
        guard let value = port.integerValue() else {
            warn(.badValue, file, port.line, nil, "error_bus_port \(port.text) is not a port number; not imported")
            return
        }
        let users = result.agents.indices.filter { index in
            let agent = result.agents[index]
            return agent.host == host && (agent.port?.integerValue() == value || agent.healthPort?.integerValue() == value)
        }
        let place = "[\(baseName(file)):\(port.line ?? 0)]"
        if let bus = users.first(where: { Self.isErrorBus(result.agents[$0]) && result.agents[$0].port?.integerValue() == value }) {
            let name = result.agents[bus].name
            result.agents[bus].comments.append("serves the legacy error_bus_port \(port.text) \(place)")
            result.errorBus = result.errorBus ?? .init(host: host, port: port, isLive: false, comments: [
                "The legacy error_bus_port \(port.text) \(place) is the port of the agent \(name), which is the error bus, so the supervisor does not collect it itself.",
            ])
            return
        }
        if let clash = users.first {
            let agent = result.agents[clash]
            let which = agent.port?.integerValue() == value ? "port" : "health_check_port"
            let agentPlace = "\(baseName(result.sources[agent.source].file)):\(agent.line ?? 0)"
            warn(.errorBusPort, file, port.line, nil,
                 "error_bus_port \(port.text) is also the \(which) of agent '\(agent.legacyName)' (\(agentPlace)) on \(host): the agents send their errors to that agent, and an error-bus collector there would clash with it; not imported as error_bus (choose a free port and uncomment it)")
            result.agents[clash].comments.append(
                "warning: its \(which) \(value) is also the legacy error_bus_port \(place), where every agent sends its errors")
            result.errorBus = result.errorBus ?? .init(host: host, port: port, isLive: false, comments: [
                "warning: the legacy error_bus_port \(port.text) \(place) is also the \(which) of \(agent.name) on \(host); an error-bus collector there would clash with that agent. Choose a free port, then uncomment:",
            ])
            return
        }
        if let existing = result.errorBus {
            result.sources[source].notes.append(
                "error_bus_port \(port.text) (line \(port.line ?? 0)) is not imported: the manifest has one error bus, already taken from host \(existing.host)")
            return
        }
        result.errorBus = .init(host: host, port: port, isLive: true, comments: [
            "The legacy error_bus_port \(place): the supervisor of \(host) collects the agents' ERROR:{json} frames there.",
        ])
    }

    /// An agent whose name says it is the error bus (`CentralErrorBus`, `error_bus`).
    static func isErrorBus(_ agent: ImportedManifest.Agent) -> Bool {
        agent.legacyName.lowercased().replacingOccurrences(of: "_", with: "").contains("errorbus")
    }

    mutating func warn(
        _ code: ImportFinding.Code, _ file: String, _ line: Int?, _ agent: String?, _ message: String
    ) {
        result.findings.append(ImportFinding(.warning, code, file: file, line: line, agent: agent, message: message))
    }
}
