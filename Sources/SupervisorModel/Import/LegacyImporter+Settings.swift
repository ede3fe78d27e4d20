import Foundation

/// The legacy global sections (`environment`, `features`, `health_checks`, `resource_limits`)
/// and per-agent extras (`host`, `env_vars`, `config`) as manifest `env`, `health` and `limits`.
extension LegacyImporter {
    typealias Entry = ImportedManifest.Entry

    /// What every agent of one file gets.
    struct SharedSettings {
        var env: [Entry] = []
        var health: [Entry] = []
        var limits: [Entry] = []
    }

    /// The manifest's `pids` for a legacy `max_threads`.
    ///
    /// `pids` counts threads as well as processes, and a Python agent with ZeroMQ runs several
    /// threads before it does any work (libzmq's I/O and reaper threads, the interpreter's),
    /// while numeric libraries add a pool per core. At the limit a new thread fails and the agent
    /// usually crashes, and no agent was ever held to `max_threads` (nothing enforced it). So:
    /// eight per declared thread, and never below 64.
    static func pids(forMaxThreads threads: Int) -> Int {
        let (product, overflow) = threads.multipliedReportingOverflow(by: 8)
        return min(max(overflow ? Int.max : product, 64), 4_194_304)
    }

    static let healthKeys = [
        "interval_seconds": "interval", "timeout_seconds": "timeout", "retries": "retries",
        "start_period_seconds": "start_period",
    ]

    mutating func sharedSettings(_ config: LegacyConfig, source: Int) -> SharedSettings {
        var shared = SharedSettings()
        // PYTHONPATH is the legacy root ("/app" in the container, "${PWD}/.." beside pc2_code):
        // "." is the agent's cwd, LEGACY_ROOT, and Python makes it absolute at start-up. The
        // host's code folder follows, for the agents' `import utils.…` of modules kept there.
        let folder = Self.codeFolder(of: config.agents.compactMap(\.scriptPath))
        shared.env.append(Entry(key: "PYTHONPATH", value: YAMLScalar.render(folder.map { ".:" + $0 } ?? ".")))
        // Python buffers stdout in blocks when it is not a terminal: lines would reach the log
        // late, in bursts, and be lost when the agent is killed.
        shared.env.append(Entry(key: "PYTHONUNBUFFERED", value: YAMLScalar.render("1")))
        for setting in config.environment + config.features where setting.key != "PYTHONPATH" {
            let value = expandable(setting, file: config.file, section: "environment")
            set(&shared.env, Entry(key: setting.key, value: YAMLScalar.render(value)))
        }
        for setting in config.healthChecks {
            guard let key = Self.healthKeys[setting.key] else {
                result.sources[source].notImported.append(
                    LegacySetting(key: "health_checks.\(setting.key)", value: setting.value, line: setting.line))
                continue
            }
            if key == "retries" {
                guard let retries = Int(setting.value), retries >= 1 else {
                    badValue(setting, file: config.file, expected: "a whole number of at least 1")
                    continue
                }
                set(&shared.health, Entry(key: key, value: String(retries)))
            } else {
                guard let seconds = Double(setting.value), seconds > 0, seconds <= Quantity.maximumSeconds else {
                    badValue(setting, file: config.file, expected: "a number of seconds above 0 and at most one year")
                    continue
                }
                set(&shared.health, Entry(key: key, value: Self.duration(seconds)))
            }
        }
        for setting in config.resourceLimits {
            // The largest figure any of these keys can mean (percent, MB, threads) is far below
            // 1e9; above it a value cannot be turned into a limit without overflowing.
            guard let number = Double(setting.value), number > 0, number <= 1e9 else {
                badValue(setting, file: config.file, expected: "a positive number up to 1000000000")
                continue
            }
            switch setting.key {
            case "cpu_percent": set(&shared.limits, Entry(key: "cpu", value: Self.number(number) + "%"))
            case "memory_mb": set(&shared.limits, Entry(key: "memory", value: Self.number(number) + "M"))
            case "max_threads":
                set(&shared.limits, Entry(key: "pids", value: String(Self.pids(forMaxThreads: Int(number.rounded(.up))))))
            default:
                result.sources[source].notImported.append(
                    LegacySetting(key: "resource_limits.\(setting.key)", value: setting.value, line: setting.line))
            }
        }
        return shared
    }

    /// The folder most scripts of one file live in (`main_pc_code`, `pc2_code`): the first
    /// component of their paths, when at least half of them share it. Nil otherwise.
    static func codeFolder(of scripts: [String]) -> String? {
        let folders = scripts.compactMap { path -> String? in
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            guard parts.count >= 2, let first = parts.first, first != ".", first != "..", !first.contains(":") else { return nil }
            return String(first)
        }
        guard let folder = ImportedManifest.majority(folders) else { return nil }
        return 2 * folders.filter { $0 == folder }.count >= scripts.count ? folder : nil
    }

    /// `--pass-ports`: `--port N` and `--health-check-port M`, unless the agent's own arguments
    /// already give them. A port written as a sum (`${PORT_OFFSET}+7200`) is summed only in the
    /// manifest's integer fields, not in a command argument: it is not passed, and reported.
    mutating func portArguments(_ legacy: LegacyAgent, file: String) -> [String] {
        guard options.passPorts else { return [] }
        var arguments: [String] = []
        for (flag, port) in [("--port", legacy.port), ("--health-check-port", legacy.healthCheckPort)] {
            guard let port, !legacy.arguments.contains(where: { $0 == flag || $0.hasPrefix(flag + "=") }) else { continue }
            guard port.isNumber else {
                warn(.portArgument, file, port.line, legacy.name,
                     "--pass-ports: \(flag) is not passed, because the port \(port.text) is a sum, which a command argument cannot hold (the agent still gets it as \(flag == "--port" ? "AGENT_PORT" : "HEALTH_CHECK_PORT"))")
                continue
            }
            arguments += [flag, port.text]
        }
        return arguments
    }

    /// One agent's full `env`, `health` and `limits`.
    mutating func settings(
        of legacy: LegacyAgent, shared: SharedSettings, file: String
    ) -> [ImportedManifest.Section: [Entry]] {
        var env = shared.env
        if let address = legacy.bindAddress {
            set(&env, Entry(key: "BIND_ADDRESS", value: YAMLScalar.render(address)))
        }
        for setting in legacy.environment {
            let value = expandable(setting, file: file, section: "env_vars", agent: legacy.name)
            set(&env, Entry(key: setting.key, value: YAMLScalar.render(value)))
        }
        if let json = legacy.configJSON {
            set(&env, Entry(key: "AGENT_CONFIG_JSON", value: YAMLScalar.render(json)))
        }
        let kind = legacy.healthCheckPort != nil ? "zmq" : legacy.port != nil ? "tcp" : "none"
        // Many legacy agents bind their health socket on port + 1, or on their code's defaults,
        // rather than on the configured health_check_port: look for it where they listen.
        let health = [Entry(key: "kind", value: kind), Entry(key: "discover", value: "true")] + shared.health
        return [.env: env, .health: health, .limits: shared.limits]
    }

    /// The value with a default for every bare `${NAME}` (reported: unset, it would stop `check`).
    private mutating func expandable(
        _ setting: LegacySetting, file: String, section: String, agent: String? = nil
    ) -> String {
        let rewritten = LegacyValue.withDefaults(setting.value)
        for name in rewritten.undefined {
            warn(.undefinedVariable, file, setting.line, agent,
                 "\(section).\(setting.key) uses ${\(name)} with no default; written as ${\(name):-} (empty when \(name) is unset)")
        }
        return rewritten.text
    }

    private mutating func badValue(_ setting: LegacySetting, file: String, expected: String) {
        warn(.badValue, file, setting.line, nil, "\(setting.key): expected \(expected), found \"\(setting.value)\"; left out")
    }

    /// Replaces the entry with the same key in place, or appends.
    private func set(_ entries: inout [Entry], _ entry: Entry) {
        if let index = entries.firstIndex(where: { $0.key == entry.key }) {
            entries[index] = entry
        } else {
            entries.append(entry)
        }
    }

    /// `30` -> `30s`, `0.5` -> `500ms`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return number(seconds * 1000) + "ms" }
        return number(seconds) + "s"
    }

    /// `80` -> `80`, `1.5` -> `1.5`.
    static func number(_ value: Double) -> String {
        NumberText.of(value)
    }
}
