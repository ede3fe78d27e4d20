import Foundation
import Yams

/// Applies one YAML mapping (the `defaults` block or an agent entry) onto an `AgentSpec`:
/// only the keys present change the spec, so an agent entry decoded onto the decoded defaults
/// gives the merged result. Maps (`env`, `health`, `restart`, ...) merge key by key; lists replace.
struct AgentSpecDecoder {
    static let agentKeys = [
        "host", "group", "command", "cwd", "env", "port", "health", "depends_on", "required",
        "restart", "stop", "limits", "logs", "expected_ready", "legacy_env",
    ]
    static let defaultsKeys = agentKeys.filter { $0 != "port" && $0 != "depends_on" }
    static let healthKeys = [
        "kind", "port", "address", "command", "interval", "timeout", "retries", "start_period", "healthy_status",
        "not_ready_status", "discover",
    ]
    static let restartKeys = ["policy", "backoff", "max_restarts", "window", "reset_after"]
    static let backoffKeys = ["initial", "factor", "max"]
    static let stopKeys = ["signal", "timeout"]
    static let limitsKeys = ["memory", "memory_high", "cpu", "pids"]
    static let logsKeys = ["max_size", "max_files"]

    /// Key path -> line, for the validator's messages.
    var positions: [String: Int] = [:]

    mutating func apply(
        _ node: Node, onto spec: inout AgentSpec, isDefaults: Bool, reader: inout ManifestReader
    ) {
        let place = ManifestReader.Place(agent: isDefaults ? nil : spec.name, key: isDefaults ? "defaults" : "")
        let allowed = isDefaults ? Self.defaultsKeys : Self.agentKeys
        let misplaced = isDefaults
            ? ["port": "ports must differ per agent; set it on each agent",
               "depends_on": "dependencies belong to each agent; set it on each agent"]
            : [:]
        guard let pairs = reader.mapping(node, place, allowed: allowed, misplaced: misplaced) else { return }
        for (key, value) in pairs {
            let here = place.child(key)
            positions[key] = value.mark?.line
            switch key {
            case "host": if let v = reader.string(value, here) { spec.host = v }
            case "group": if let v = reader.string(value, here) { spec.group = v }
            case "command":
                if let v = reader.strings(value, here) {
                    if v.isEmpty || v[0].isEmpty {
                        reader.report(.badValue, "command must name a program", at: value, here)
                    } else {
                        spec.command = v
                    }
                }
            case "cwd": if let v = reader.string(value, here) { spec.cwd = v }
            case "env": applyEnvironment(value, onto: &spec, here, reader: &reader)
            case "port": if let v = reader.port(value, here) { spec.port = v }
            case "health": applyHealth(value, onto: &spec.health, here, reader: &reader)
            case "depends_on": applyDependencies(value, onto: &spec, here, reader: &reader)
            case "required": if let v = reader.bool(value, here) { spec.required = v }
            case "restart": applyRestart(value, onto: &spec.restart, here, reader: &reader)
            case "stop": applyStop(value, onto: &spec.stop, here, reader: &reader)
            case "limits": applyLimits(value, onto: &spec.limits, here, reader: &reader)
            case "logs": applyLogs(value, onto: &spec.logs, here, reader: &reader)
            case "expected_ready": if let v = reader.duration(value, here, allowZero: true) { spec.expectedReady = v }
            case "legacy_env": if let v = reader.bool(value, here) { spec.legacyEnvironment = v }
            default: break
            }
        }
    }

    private func applyEnvironment(
        _ node: Node, onto spec: inout AgentSpec, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard let pairs = reader.mapping(node, place) else { return }
        for (name, value) in pairs {
            if name.isEmpty || name.contains("=") {
                reader.report(.badValue, "'\(name)' is not a valid environment variable name", at: value, place.child(name))
                continue
            }
            if let text = reader.string(value, place.child(name)) { spec.environment[name] = text }
        }
    }

    private mutating func applyHealth(
        _ node: Node, onto health: inout HealthCheckSpec, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard let pairs = reader.mapping(node, place, allowed: Self.healthKeys) else { return }
        let kinds = Dictionary(uniqueKeysWithValues: HealthCheckSpec.Kind.allCases.map { ($0.rawValue, $0) })
        for (key, value) in pairs {
            let here = place.child(key)
            positions["health." + key] = value.mark?.line
            switch key {
            case "kind": if let v = reader.choice(value, here, kinds) { health.kind = v }
            case "port": if let v = reader.port(value, here) { health.port = v }
            case "address": if let v = reader.string(value, here) { health.address = v }
            case "command": if let v = reader.strings(value, here) { health.command = v }
            case "interval": if let v = reader.duration(value, here) { health.interval = v }
            case "timeout": if let v = reader.duration(value, here) { health.timeout = v }
            case "retries": if let v = reader.integer(value, here, range: 1...1000) { health.retries = v }
            case "start_period": if let v = reader.duration(value, here) { health.startPeriod = v }
            case "healthy_status": if let v = reader.strings(value, here) { health.healthyStatus = v.map { $0.lowercased() } }
            case "not_ready_status": if let v = reader.strings(value, here) { health.notReadyStatus = v.map { $0.lowercased() } }
            case "discover": if let v = reader.bool(value, here) { health.discover = v }
            default: break
            }
        }
    }

    private func applyRestart(
        _ node: Node, onto restart: inout RestartSpec, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard let pairs = reader.mapping(node, place, allowed: Self.restartKeys) else { return }
        let policies = Dictionary(uniqueKeysWithValues: RestartSpec.Policy.allCases.map { ($0.rawValue, $0) })
        for (key, value) in pairs {
            let here = place.child(key)
            switch key {
            case "policy": if let v = reader.choice(value, here, policies) { restart.policy = v }
            case "max_restarts": if let v = reader.integer(value, here, range: 0...1_000_000) { restart.maxRestarts = v }
            case "window": if let v = reader.duration(value, here) { restart.window = v }
            case "reset_after": if let v = reader.duration(value, here) { restart.resetAfter = v }
            case "backoff":
                guard let inner = reader.mapping(value, here, allowed: Self.backoffKeys) else { continue }
                for (backoffKey, backoffValue) in inner {
                    let there = here.child(backoffKey)
                    switch backoffKey {
                    case "initial":
                        if let v = reader.duration(backoffValue, there, allowZero: true) { restart.backoff.initial = v }
                    case "max": if let v = reader.duration(backoffValue, there, allowZero: true) { restart.backoff.max = v }
                    case "factor":
                        if let v = reader.number(backoffValue, there) {
                            if v < 1 || v > 100 {
                                reader.report(.badValue, "factor must be between 1 and 100, found \(v)", at: backoffValue, there)
                            } else {
                                restart.backoff.factor = v
                            }
                        }
                    default: break
                    }
                }
            default: break
            }
        }
    }

    private func applyStop(
        _ node: Node, onto stop: inout StopSpec, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard let pairs = reader.mapping(node, place, allowed: Self.stopKeys) else { return }
        for (key, value) in pairs {
            let here = place.child(key)
            switch key {
            case "signal":
                guard let text = reader.string(value, here) else { continue }
                if let signal = StopSignal(manifestValue: text) {
                    stop.signal = signal
                } else {
                    let names = StopSignal.allCases.map(\.rawValue)
                    reader.report(.badValue, "unknown signal \"\(text)\"; expected one of: \(names.joined(separator: ", "))", at: value, here)
                }
            case "timeout": if let v = reader.duration(value, here) { stop.timeout = v }
            default: break
            }
        }
    }

    private func applyLimits(
        _ node: Node, onto limits: inout ResourceLimits, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard let pairs = reader.mapping(node, place, allowed: Self.limitsKeys) else { return }
        for (key, value) in pairs {
            let here = place.child(key)
            switch key {
            case "memory": if let v = reader.size(value, here) { limits.memory = v }
            case "memory_high": if let v = reader.size(value, here) { limits.memoryHigh = v }
            case "pids": if let v = reader.integer(value, here, range: 1...4_194_304) { limits.pids = v }
            case "cpu":
                guard let text = reader.string(value, here) else { continue }
                let percent = text.hasSuffix("%")
                let digits = percent ? String(text.dropLast()) : text
                guard let number = Double(digits.trimmingCharacters(in: .whitespaces)), number.isFinite, number > 0 else {
                    reader.report(.badValue, "cpu must be a positive number of cores (0.8) or a percent (80%), found \"\(text)\"", at: value, here)
                    continue
                }
                let cores = percent ? number / 100 : number
                guard cores >= 0.01, cores <= 4096 else {
                    reader.report(.badValue, "cpu \"\(text)\" is out of range 0.01...4096 cores (1%...409600%)", at: value, here)
                    continue
                }
                limits.cpu = cores
            default: break
            }
        }
    }

    private func applyLogs(
        _ node: Node, onto logs: inout LogRotation, _ place: ManifestReader.Place, reader: inout ManifestReader
    ) {
        guard let pairs = reader.mapping(node, place, allowed: Self.logsKeys) else { return }
        for (key, value) in pairs {
            let here = place.child(key)
            switch key {
            case "max_size": if let v = reader.size(value, here) { logs.maxSize = v }
            case "max_files": if let v = reader.integer(value, here, range: 0...1000) { logs.maxFiles = v }
            default: break
            }
        }
    }
}
