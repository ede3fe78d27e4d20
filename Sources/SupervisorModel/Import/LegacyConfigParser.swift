import Foundation
import Yams

/// Reads one legacy startup configuration (either schema) into a `LegacyConfig`, keeping agent
/// order and line numbers, and reports what it cannot use as findings instead of stopping.
struct LegacyConfigParser {
    let file: String
    private(set) var findings: [ImportFinding] = []

    init(file: String) {
        self.file = file
    }

    static let settingSections = ["environment", "features", "resource_limits", "health_checks"]
    static let agentKeys: Set<String> = [
        "name", "script_path", "port", "health_check_port", "required", "dependencies", "config", "host",
        "params", "command_args", "env_vars",
    ]

    /// The parsed file, or nil when it is not YAML or not a legacy startup configuration.
    mutating func parse(text: String) -> LegacyConfig? {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                report(.error, .unknownSchema, line: nil, "the file is empty")
                return nil
            }
            root = node
        } catch {
            report(.error, .yamlSyntax, line: Self.errorLine(error), "YAML syntax: \(Self.errorMessage(error))")
            return nil
        }
        guard case .mapping(let top) = root else {
            report(.error, .unknownSchema, line: root.mark?.line, "expected a mapping with agent_groups or pc2_services")
            return nil
        }
        let keys = top.compactMap { $0.key.scalar?.string }
        guard let schema = keys.lazy.compactMap({ LegacyConfig.Schema(rawValue: $0) }).first else {
            report(.error, .unknownSchema, line: root.mark?.line,
                   "neither agent_groups (mainpc) nor pc2_services (pc2) found; not a legacy startup configuration")
            return nil
        }
        var config = LegacyConfig(file: file, schema: schema)
        var sections: [String: [(origin: String, node: Node)]] = [:]
        for (keyNode, value) in top {
            let key = keyNode.scalar?.string ?? ""
            switch key {
            case "agent_groups": readGroups(value, into: &config)
            case "pc2_services", "core_services": readList(value, group: key, into: &config)
            case "global_settings":
                guard case .mapping(let global) = value else {
                    config.notImported.append(LegacySetting(key: key, value: "", line: keyNode.mark?.line))
                    continue
                }
                for (innerKey, innerValue) in global {
                    let name = innerKey.scalar?.string ?? ""
                    if Self.settingSections.contains(name) {
                        sections[name, default: []].append(("global_settings.\(name)", innerValue))
                    } else {
                        config.notImported.append(LegacySetting(key: "global_settings.\(name)", value: "", line: innerKey.mark?.line))
                    }
                }
            case "environment", "resource_limits", "health_checks":
                sections[key, default: []].append((key, value))
            case "error_bus_port":
                config.errorBusPort = value.scalar.map { LegacyScalar(text: $0.string, line: $0.mark?.line) }
            default:
                config.notImported.append(LegacySetting(key: key, value: "", line: keyNode.mark?.line))
            }
        }
        config.environment = merged(sections["environment"], name: "environment", notes: &config.notes)
        config.features = merged(sections["features"], name: "features", notes: &config.notes)
        config.resourceLimits = merged(sections["resource_limits"], name: "resource_limits", notes: &config.notes)
        config.healthChecks = merged(sections["health_checks"], name: "health_checks", notes: &config.notes)
        return config
    }

    // MARK: - Agents

    /// `agent_groups: {group: {Name: {...}}}`. Entries without a `script_path` are not agents.
    private mutating func readGroups(_ node: Node, into config: inout LegacyConfig) {
        guard case .mapping(let groups) = node else {
            report(.error, .unknownSchema, line: node.mark?.line, "agent_groups is not a mapping of groups")
            return
        }
        var emptyGroups: [(name: String, line: Int?, keys: [String])] = []
        for (groupKey, groupNode) in groups {
            let group = groupKey.scalar?.string ?? ""
            guard case .mapping(let entries) = groupNode else {
                emptyGroups.append((group, groupKey.mark?.line, []))
                continue
            }
            var found = 0
            var strays: [(name: String, line: Int?)] = []
            for (nameKey, agentNode) in entries {
                let name = nameKey.scalar?.string ?? ""
                guard case .mapping(let fields) = agentNode, fields.contains(where: { $0.key.scalar?.string == "script_path" }) else {
                    strays.append((name, nameKey.mark?.line))
                    continue
                }
                var agent = LegacyAgent(name: name, line: nameKey.mark?.line, group: group)
                readFields(fields, into: &agent)
                config.agents.append(agent)
                found += 1
            }
            if found == 0 {
                emptyGroups.append((group, groupKey.mark?.line, strays.map(\.name)))
            } else {
                for stray in strays {
                    report(.warning, .notAnAgent, line: stray.line,
                           "agent_groups.\(group).\(stray.name) has no script_path, so it is not an agent; skipped")
                }
            }
        }
        guard let first = emptyGroups.first else { return }
        let names = emptyGroups.map(\.name)
        var message = "\(names.count) agent_groups \(names.count == 1 ? "entry defines" : "entries define") no agent (no script_path) and \(names.count == 1 ? "is" : "are") skipped: \(names.joined(separator: ", "))"
        let docker = emptyGroups.filter { $0.keys.contains("agents") || $0.keys.contains("description") || $0.name == "docker_groups" }
        if !docker.isEmpty {
            message += ". They hold `description`/`agents` like docker groups: the docker_groups block looks indented into agent_groups by mistake"
        }
        report(.warning, .notAnAgent, line: first.line, message)
        config.notImported += emptyGroups.map { LegacySetting(key: "agent_groups.\($0.name)", value: "", line: $0.line) }
    }

    /// `pc2_services` / `core_services`: a list of `{name: ..., ...}`.
    private mutating func readList(_ node: Node, group: String, into config: inout LegacyConfig) {
        switch node {
        case .sequence(let items):
            for item in items {
                guard case .mapping(let fields) = item,
                      let nameNode = fields.first(where: { $0.key.scalar?.string == "name" })?.value,
                      let name = nameNode.scalar?.string, !name.isEmpty else {
                    report(.warning, .notAnAgent, line: item.mark?.line, "an entry of \(group) has no name; skipped")
                    continue
                }
                var agent = LegacyAgent(name: name, line: nameNode.mark?.line, group: group)
                readFields(fields, into: &agent)
                config.agents.append(agent)
            }
        case .mapping:
            // The mainpc layout under another name: {Name: {...}}.
            readGroups(Node([(Node(group), node)]), into: &config)
        default:
            report(.warning, .notAnAgent, line: node.mark?.line, "\(group) is not a list of agents; skipped")
        }
    }

    private mutating func readFields(_ fields: Node.Mapping, into agent: inout LegacyAgent) {
        let reported = findings.count
        defer { agent.warnings += findings[reported...].map(\.commentText) }
        for (keyNode, value) in fields {
            let key = keyNode.scalar?.string ?? ""
            let line = value.mark?.line ?? keyNode.mark?.line
            switch key {
            case "name": break
            case "script_path": agent.scriptPath = scalarText(value, agent: agent.name, key: key)
            case "port": agent.port = scalarText(value, agent: agent.name, key: key).map { LegacyScalar(text: $0, line: line) }
            case "health_check_port":
                agent.healthCheckPort = scalarText(value, agent: agent.name, key: key).map { LegacyScalar(text: $0, line: line) }
            case "host": agent.bindAddress = scalarText(value, agent: agent.name, key: key)
            case "required":
                if value.scalar?.string.isEmpty ?? false { continue }
                if let flag = value.bool { agent.required = flag } else {
                    report(.warning, .badValue, line: line, agent: agent.name,
                           "required: expected true or false, found \(describe(value)); left out (not required)")
                }
            case "dependencies": agent.dependencies = references(value, agent: agent.name)
            case "config":
                var undefined: [LegacyReference] = []
                agent.configJSON = LegacyValue.json(value, undefined: &undefined)
                for reference in undefined {
                    report(.warning, .undefinedVariable, line: reference.line, agent: agent.name,
                           "config uses ${\(reference.name)} with no default; it is passed as ${\(reference.name):-} (empty when \(reference.name) is unset): set \(reference.name) in the supervisor's environment")
                }
            case "params", "command_args": agent.arguments += arguments(value, agent: agent.name, key: key)
            case "env_vars": agent.environment += settings(value)
            default: agent.ignoredKeys.append(key)
            }
        }
    }

    private mutating func references(_ node: Node, agent: String) -> [LegacyReference] {
        switch node {
        case .sequence(let items):
            return items.compactMap { item in
                guard let name = item.scalar?.string, !name.isEmpty else {
                    report(.warning, .badValue, line: item.mark?.line, agent: agent,
                           "a dependency is \(describe(item)), not a name; left out")
                    return nil
                }
                return LegacyReference(name: name, line: item.mark?.line)
            }
        case .scalar(let scalar) where scalar.string.isEmpty || Resolver.default.resolveTag(of: node) == .null:
            return []
        case .scalar(let scalar):
            return [LegacyReference(name: scalar.string, line: scalar.mark?.line)]
        default:
            report(.warning, .badValue, line: node.mark?.line, agent: agent, "dependencies is not a list of names; left out")
            return []
        }
    }

    /// `params`: a map becomes `--key value` (`--key` alone for true, nothing for false), a list
    /// its items; `command_args`: a string split at spaces (no shell quoting).
    private mutating func arguments(_ node: Node, agent: String, key: String) -> [String] {
        switch node {
        case .mapping(let mapping):
            var result: [String] = []
            for (name, value) in mapping {
                let flag = "--" + (name.scalar?.string ?? "")
                if Resolver.default.resolveTag(of: value) == .bool, let on = value.bool {
                    if on { result.append(flag) }
                } else if case .scalar(let scalar) = value {
                    result += [flag, scalar.string]
                } else if case .sequence(let items) = value {
                    result.append(flag)
                    result += items.compactMap { $0.scalar?.string }
                }
            }
            return result
        case .sequence(let items):
            return items.compactMap { $0.scalar?.string }
        case .scalar(let scalar):
            if scalar.string.contains("\"") || scalar.string.contains("'") {
                report(.warning, .badValue, line: scalar.mark?.line, agent: agent,
                       "\(key) contains quotes; it is split at spaces only (no shell), so check the command")
            }
            return scalar.string.split(separator: " ").map(String.init)
        case .alias:
            return []
        }
    }

    /// A map of name -> scalar, in file order.
    private mutating func settings(_ node: Node) -> [LegacySetting] {
        guard case .mapping(let mapping) = node else {
            report(.warning, .badValue, line: node.mark?.line, "expected a mapping, found \(describe(node)); left out")
            return []
        }
        return mapping.compactMap { key, value in
            guard let name = key.scalar?.string, let text = value.scalar?.string else { return nil }
            return LegacySetting(key: name, value: text, line: value.mark?.line ?? key.mark?.line)
        }
    }

    /// A section that may be written twice (pc2 August: `global_settings.health_checks` and a
    /// top-level `health_checks`): merged key by key, the later one winning.
    private mutating func merged(
        _ parts: [(origin: String, node: Node)]?, name: String, notes: inout [String]
    ) -> [LegacySetting] {
        guard let parts, !parts.isEmpty else { return [] }
        var result: [LegacySetting] = []
        for part in parts {
            for setting in settings(part.node) {
                if let index = result.firstIndex(where: { $0.key == setting.key }) {
                    if result[index].value != setting.value {
                        report(.warning, .badValue, line: setting.line,
                               "\(part.origin).\(setting.key) is \(setting.value), but line \(result[index].line ?? 0) says \(result[index].value); the later one is used")
                    }
                    result[index] = setting
                } else {
                    result.append(setting)
                }
            }
        }
        if parts.count > 1 {
            let places = parts.map { "\($0.origin) (line \($0.node.mark?.line ?? 0))" }
            notes.append("\(name) is written in \(parts.count) places, merged key by key: \(places.joined(separator: ", "))")
        }
        return result
    }

    private mutating func scalarText(_ node: Node, agent: String, key: String) -> String? {
        guard let scalar = node.scalar, Resolver.default.resolveTag(of: node) != .null else {
            report(.warning, .badValue, line: node.mark?.line, agent: agent, "\(key): expected a single value, found \(describe(node)); left out")
            return nil
        }
        return scalar.string
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "\"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    private mutating func report(
        _ severity: ImportFinding.Severity, _ code: ImportFinding.Code, line: Int?, agent: String? = nil, _ message: String
    ) {
        findings.append(ImportFinding(severity, code, file: file, line: line, agent: agent, message: message))
    }

    private static func errorLine(_ error: Error) -> Int? {
        guard let yaml = error as? YamlError else { return nil }
        switch yaml {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    private static func errorMessage(_ error: Error) -> String {
        guard let yaml = error as? YamlError else { return "\(error)" }
        switch yaml {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "key(s) \(duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")) appear twice in one mapping"
        default: return yaml.description.split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }
}
