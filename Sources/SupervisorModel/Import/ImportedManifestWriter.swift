/// Writes an `ImportedManifest` as `agents.yaml` text: a header that says where everything came
/// from and what to set before running, `defaults`, the error bus, then the agents in the order
/// of their files, each warning written as a comment at the agent it concerns.
///
/// Block style throughout, so `${PORT_OFFSET}+7200` needs no quotes; flow lists (`command`,
/// `depends_on`) quote what would break them.
struct ImportedManifestWriter {
    let manifest: ImportedManifest
    private var lines: [String] = []
    static let width = 100

    init(manifest: ImportedManifest) {
        self.manifest = manifest
    }

    mutating func render() -> String {
        lines = []
        let defaults = manifest.defaults
        writeHeader()
        lines.append("version: 1")
        lines.append("")
        writeDefaults(defaults)
        writeRegistry()
        writeErrorBus()
        lines.append("agents:")
        writeAgents(defaults)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Header

    private mutating func writeHeader() {
        lines.append("# agents.yaml written by `supervisor import` from legacy startup configurations:")
        for source in manifest.sources {
            comment("\(source.file) -> host \(source.host), \(count(source.agentCount, "agent")) (\(source.hostReason))",
                    indent: 0, bullet: "  ")
        }
        comment("docs/import.md explains how each legacy key maps; docs/manifest.md describes every key.", indent: 0)
        lines.append("#")
        lines.append("# Before `supervisor up`:")
        let hosts = manifest.hosts
        comment("List the host\(hosts.count == 1 ? "" : "s") \(hosts.joined(separator: " and ")) in ./hosts (`name address control-port` per line).",
                indent: 0, bullet: "- ")
        comment("Set LEGACY_ROOT to the legacy repository root, as an absolute path (unset: this folder). Each agent runs there (cwd) as `python3 <script_path>`, with PYTHONPATH holding that root and its host's code folder; set LEGACY_PYTHON to use another interpreter, e.g. a virtualenv's bin/python.",
                indent: 0, bullet: "- ")
        comment("Run `supervisor check --deep` first: it finds missing scripts, scripts that do not compile (file and line) and ports already taken, before anything starts.",
                indent: 0, bullet: "- ")
        comment("Some legacy agents read REDIS_URL/REDIS_HOST, NATS_SERVERS or MACHINE_TYPE, which the legacy files do not set: set them in defaults.env (or the supervisor's environment) if you run Redis or NATS (docs/import.md).",
                indent: 0, bullet: "- ")
        if manifest.usesPortOffset {
            comment("Ports written ${PORT_OFFSET}+N are N plus PORT_OFFSET (unset: 0), as the legacy files meant.",
                    indent: 0, bullet: "- ")
        }
        if manifest.agents.contains(where: { $0.settings[.env]?.contains { $0.key == "AGENT_CONFIG_JSON" } ?? false }) {
            comment("An agent's legacy `config` block reaches it as JSON in AGENT_CONFIG_JSON (its ${...} expanded).",
                    indent: 0, bullet: "- ")
        }
        let warnings = manifest.findings.filter { $0.severity == .warning }
        if !warnings.isEmpty {
            lines.append("#")
            comment("Problems found in the legacy files (\(warnings.count)), each also printed by the import and noted at its place below:",
                    indent: 0)
            for finding in warnings { comment(finding.description, indent: 0, bullet: "- ") }
        }
        let skipped = manifest.sources.filter { !$0.notImported.isEmpty }
        if !skipped.isEmpty {
            lines.append("#")
            lines.append("# Not imported (the manifest has no place for them):")
            for source in skipped {
                let items = source.notImported.map { "\($0.key) (line \($0.line.map(String.init) ?? "?"))" }
                comment("\(baseName(source.file)): \(items.joined(separator: ", "))", indent: 0, bullet: "- ")
            }
        }
        let notes = manifest.sources.flatMap { source in source.notes.map { "\(baseName(source.file)): \($0)" } }
        if !notes.isEmpty {
            lines.append("#")
            lines.append("# Notes:")
            for note in notes { comment(note, indent: 0, bullet: "- ") }
        }
        lines.append("")
    }

    // MARK: - Defaults

    private mutating func writeDefaults(_ defaults: ImportedManifest.Defaults) {
        lines.append("defaults:")
        comment("What every agent shares. A value that differs between hosts or agents is set on each agent instead (env, health and limits merge key by key with these).",
                indent: 2)
        if let host = defaults.host { lines.append("  host: \(YAMLScalar.render(host))") }
        lines.append("  cwd: \(LegacyImporter.root)")
        if manifest.agents.contains(where: { !$0.notRequired.isEmpty }) {
            comment("required is each agent's legacy `required` (missing: false). A dependency on an agent that is not required is written {name: X, required: false}: as the legacy launcher went on past failures, its dependents start without it once it has failed or is not ready within its start period. `supervisor up --keep-going` does so for every failed dependency.",
                    indent: 2)
        }
        if let required = defaults.required { lines.append("  required: \(required)") }
        comment("The legacy agents are servers: they catch a fatal error in main() and return 0, so any exit is restarted (and counts towards the crash-loop limit).",
                indent: 2)
        lines.append("  restart:")
        lines.append("    policy: always")
        comment("The legacy agents die at once on SIGTERM and run their cleanup (up to about 10 s) only on SIGINT.",
                indent: 2)
        lines.append("  stop:")
        lines.append("    signal: SIGINT")
        lines.append("    timeout: 15s")

        let pythonPaths = manifest.sources.compactMap { source in
            source.environment.first { $0.key == "PYTHONPATH" }.map { "\($0.value) in \(baseName(source.file))" }
        }
        var envNote = "From each file's environment (and global_settings.features). PYTHONPATH is \".\" (the agent's cwd, LEGACY_ROOT) and the folder most of the host's scripts are in; PYTHONUNBUFFERED=1 makes Python write each line at once instead of in blocks"
        switch pythonPaths.count {
        case 0: envNote += "."
        case 1: envNote += " (the legacy file sets \(pythonPaths[0]), meaning the repository root)."
        default: envNote += " (the legacy files set \(pythonPaths.joined(separator: "; ")), each meaning the repository root)."
        }
        if manifest.agents.contains(where: { $0.settings[.env]?.contains { $0.key == "BIND_ADDRESS" } ?? false }) {
            envNote += " BIND_ADDRESS is an agent's legacy `host`, the address it binds."
        }
        comment(envNote, indent: 2)
        writeSection("env", defaults.sections[.env] ?? [])

        var health = "kind zmq: the legacy {\"action\": \"health_check\"} request on each agent's health_check_port."
        health += " discover: when that port does not answer, the ports the agent's processes listen on are tried (its port + 1 first, where BaseAgent binds health unless told otherwise) and the one that answers is used, with a warning."
        let declared = describe(\.healthChecks)
        if !declared.isEmpty { health += " From each file's health_checks: \(declared)." }
        health += missingHealthKeys()
        comment(health, indent: 2)
        writeSection("health", defaults.sections[.health] ?? [])

        let limits = describe(\.resourceLimits)
        if !limits.isEmpty {
            comment("From each file's resource_limits, declared by the legacy system but enforced by nothing until now: \(limits). cpu_percent -> cpu, memory_mb -> memory; pids counts threads as well as processes, and a Python agent with ZeroMQ runs several threads (libzmq's I/O and reaper threads, library thread pools), so pids = max(8 x max_threads, 64): at the limit a new thread fails and the agent crashes. Raise it for agents with large thread pools.",
                    indent: 2)
        }
        writeSection("limits", defaults.sections[.limits] ?? [])
        lines.append("")
    }

    /// " mainpc-2025-08-19.yaml has no start_period_seconds: its agents get the built-in 30s."
    private func missingHealthKeys() -> String {
        let builtIn = [
            ("interval_seconds", "interval 5s"), ("timeout_seconds", "timeout 2s"), ("retries", "retries 3"),
            ("start_period_seconds", "start_period 30s"),
        ]
        var text = ""
        for source in manifest.sources where source.agentCount > 0 {
            let own = Set(source.healthChecks.map(\.key))
            let missing = builtIn.filter { !own.contains($0.0) }
            guard !missing.isEmpty else { continue }
            text += " \(baseName(source.file)) has no \(missing.map(\.0).joined(separator: ", ")): its agents get the built-in \(missing.map(\.1).joined(separator: ", "))."
        }
        return text
    }

    private func describe(_ section: KeyPath<ImportedManifest.Source, [LegacySetting]>) -> String {
        manifest.sources.compactMap { source in
            let settings = source[keyPath: section]
            if settings.isEmpty { return nil }
            return "\(baseName(source.file)) " + settings.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }.joined(separator: "; ")
    }

    private mutating func writeSection(_ name: String, _ entries: [ImportedManifest.Entry], indent: Int = 2) {
        guard !entries.isEmpty else { return }
        let pad = String(repeating: " ", count: indent)
        lines.append("\(pad)\(name):")
        for entry in entries { lines.append("\(pad)  \(YAMLScalar.render(entry.key)): \(entry.value)") }
    }

    // MARK: - Registry and error bus

    private mutating func writeRegistry() {
        guard let registry = manifest.registry else { return }
        for text in registry.comments { comment(text, indent: 0) }
        lines.append("registry:")
        if let agent = registry.agent {
            lines.append("  agent: \(YAMLScalar.render(agent))")
        } else {
            lines.append("  host: \(YAMLScalar.render(registry.host))")
            lines.append("  port: \(portText(registry.port))")
        }
        lines.append("")
    }

    private mutating func writeErrorBus() {
        guard let bus = manifest.errorBus else { return }
        for text in bus.comments { comment(text, indent: 0) }
        let prefix = bus.isLive ? "" : "# "
        lines.append("\(prefix)error_bus:")
        lines.append("\(prefix)  host: \(YAMLScalar.render(bus.host))")
        lines.append("\(prefix)  port: \(bus.port.isNumber ? bus.port.text : YAMLScalar.render(bus.port.text))")
        lines.append("")
    }

    // MARK: - Agents

    private mutating func writeAgents(_ defaults: ImportedManifest.Defaults) {
        var index = 0
        let agents = manifest.agents
        while index < agents.count {
            let source = manifest.sources[agents[index].source]
            let sourceAgents = agents[index...].prefix { $0.source == agents[index].source }
            lines.append("")
            let rule = "  # " + String(repeating: "-", count: Self.width - 4)
            lines.append(rule)
            let grouping = source.schema == .agentGroups ? "group = the agent_groups key" : "group = the list it is in"
            comment("host \(source.host): \(count(sourceAgents.count, "agent")) from \(source.file) (\(grouping))", indent: 2)
            lines.append(rule)
            var groupStart = index
            while groupStart < index + sourceAgents.count {
                let group = agents[groupStart].group
                let members = agents[groupStart..<(index + sourceAgents.count)].prefix { $0.group == group }
                lines.append("")
                lines.append("  # --- \(group) (\(members.count)) ---")
                for agent in members { writeAgent(agent, defaults) }
                groupStart += members.count
            }
            index += sourceAgents.count
        }
    }

    private mutating func writeAgent(_ agent: ImportedManifest.Agent, _ defaults: ImportedManifest.Defaults) {
        lines.append("  \(YAMLScalar.render(agent.name)):")
        for text in agent.comments { comment(text, indent: 4) }
        if agent.host != defaults.host { lines.append("    host: \(YAMLScalar.render(agent.host))") }
        lines.append("    group: \(YAMLScalar.render(agent.group))")
        lines.append("    command: [\(agent.command.map { YAMLScalar.render($0, in: .flow) }.joined(separator: ", "))]")
        if let port = agent.port { lines.append("    port: \(portText(port))") }
        var health = defaults.overrides(of: agent, in: .health)
        if let port = agent.healthPort { health.insert(.init(key: "port", value: portText(port)), at: 0) }
        writeSection("health", health, indent: 4)
        if agent.required != defaults.required { lines.append("    required: \(agent.required)") }
        writeDependencies(agent)
        writeSection("env", defaults.overrides(of: agent, in: .env), indent: 4)
        writeSection("limits", defaults.overrides(of: agent, in: .limits), indent: 4)
    }

    private mutating func writeDependencies(_ agent: ImportedManifest.Agent) {
        let kept = agent.dependsOn.map { name in
            let flow = YAMLScalar.render(name, in: .flow)
            return agent.notRequired.contains(name) ? "{name: \(flow), required: false}" : flow
        }
        if agent.leftOut.isEmpty {
            lines.append("    depends_on: [\(kept.joined(separator: ", "))]")
            return
        }
        if kept.isEmpty {
            lines.append("    depends_on: []")
        } else {
            lines.append("    depends_on:")
            for entry in kept { lines.append("      - \(entry)") }
        }
        for dependency in agent.leftOut {
            lines.append("      # - \(dependency.name)  # \(dependency.reason)")
        }
    }

    private func portText(_ port: LegacyScalar) -> String {
        port.isNumber ? port.text : YAMLScalar.render(port.text)
    }

    // MARK: - Comments

    /// Writes `text` as comment lines of at most `width` columns. A bullet starts the first line;
    /// later lines are indented to align with the text after it.
    private mutating func comment(_ text: String, indent: Int, bullet: String = "") {
        let first = String(repeating: " ", count: indent) + "# " + bullet
        let rest = String(repeating: " ", count: indent) + "# " + String(repeating: " ", count: bullet.count)
        var line = first
        var lineHasWord = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if lineHasWord && line.count + 1 + word.count > Self.width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
    }

    private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
}
