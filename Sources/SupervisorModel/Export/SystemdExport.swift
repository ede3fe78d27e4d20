/// systemd: one service unit per agent (`<name>.service`) and one target per host
/// (`agents-<host>.target`) that pulls them all in. The agents run on the host itself, so they
/// get the same legacy environment the supervisor gives them, with the host addresses.
struct SystemdExport {
    let plan: ExportPlan
    let baseDirectory: String
    let portOffset: String

    func render() -> ExportResult {
        var files: [String: String] = [:]
        var notes: [String] = []
        if let note = plan.supervisorServiceNote { notes.append(note) }
        if plan.agents.contains(where: { $0.health.kind != .none }) {
            notes.append("systemd runs no health checks: Requires=/After= wait for a dependency's start, not its readiness")
        }
        let hostNames = plan.host.map { [$0] } ?? plan.manifest.hostNames
        for host in hostNames {
            let agents = plan.agents.filter { $0.host == host }
            var lines = plan.header("systemd target")
            lines += [
                "[Unit]",
                "Description=Agents of host \(host) (exported by supervisor)",
            ]
            lines += agents.map { "Wants=\(plan.service($0.name)).service" }
            lines += ["", "[Install]", "WantedBy=multi-user.target"]
            files[Self.target(host)] = lines.joined(separator: "\n") + "\n"
        }
        for agent in plan.agents {
            let comments = plan.droppedComments(of: agent)
            notes += comments.map { "\(agent.name): \($0)" }
            files["\(plan.service(agent.name)).service"] = unit(agent, comments: comments)
        }
        return ExportResult(files: files, notes: notes)
    }

    static func target(_ host: String) -> String { "agents-\(ExportPlan.serviceName(host)).target" }

    private func unit(_ agent: AgentSpec, comments: [String]) -> String {
        var lines = plan.header("systemd unit")
        lines += comments.map { "# \($0)" }
        if agent.health.kind != .none {
            lines.append("# health check \(agent.health.kind.rawValue) not exported: systemd has no health checks, so dependents start once this unit has started")
        }
        if let note = plan.supervisorServiceNote { lines.append("# Note: \(note).") }
        let restart = agent.restart
        lines += [
            "[Unit]",
            "Description=Agent \(agent.name) on \(agent.host)",
            "PartOf=\(Self.target(agent.host))",
        ]
        // A dependency that is not required is wanted, not required: its failure does not stop this unit.
        let dependencies = plan.dependencies(of: agent)
        let units = dependencies.map { "\(plan.service($0.name)).service" }
        let required = dependencies.filter { agent.dependency(on: $0.name)?.required ?? true }.map { "\(plan.service($0.name)).service" }
        let wanted = units.filter { !required.contains($0) }
        if !required.isEmpty { lines.append("Requires=\(required.joined(separator: " "))") }
        if !wanted.isEmpty { lines.append("Wants=\(wanted.joined(separator: " "))") }
        if !units.isEmpty { lines.append("After=\(units.joined(separator: " "))") }
        lines += [
            "# more than max_restarts (\(restart.maxRestarts)) restarts within window: the unit fails",
            "StartLimitIntervalSec=\(ExportPlan.duration(restart.window))",
            "StartLimitBurst=\(restart.maxRestarts + 1)",
            "",
            "[Service]",
            "Type=simple",
            "ExecStart=\(execStart(agent.command))",
            "WorkingDirectory=\(escape(workingDirectory(agent)))",
        ]
        for (name, value) in environment(agent) {
            lines.append("Environment=\(quote("\(name)=\(value)"))")
        }
        lines += [
            "Restart=\(restartValue(restart.policy))",
            "# the supervisor's backoff grows from \(ExportPlan.duration(restart.backoff.initial)) to \(ExportPlan.duration(restart.backoff.max)); systemd here waits the first step each time",
            "RestartSec=\(ExportPlan.duration(restart.backoff.initial))",
            "KillSignal=\(agent.stop.signal.rawValue)",
            "TimeoutStopSec=\(ExportPlan.duration(agent.stop.timeout))",
        ]
        let limits = agent.limits
        if let memory = limits.memory { lines.append("MemoryMax=\(memory)") }
        if let high = limits.memoryHigh { lines.append("MemoryHigh=\(high)") }
        if let cpu = limits.cpu { lines.append("CPUQuota=\(Int((cpu * 100).rounded()))%") }
        if let pids = limits.pids { lines.append("TasksMax=\(pids)") }
        lines += ["", "[Install]", "WantedBy=\(Self.target(agent.host))"]
        return lines.joined(separator: "\n") + "\n"
    }

    private func restartValue(_ policy: RestartSpec.Policy) -> String {
        switch policy {
        case .onFailure: "on-failure"
        case .always: "always"
        case .never: "no"
        }
    }

    private func workingDirectory(_ agent: AgentSpec) -> String {
        guard let cwd = agent.cwd, !cwd.isEmpty, cwd != "." else { return baseDirectory }
        return cwd.hasPrefix("/") ? cwd : baseDirectory + "/" + cwd
    }

    /// The supervisor's legacy environment (host addresses), minus what the supervisor serves.
    private func environment(_ agent: AgentSpec) -> [(String, String)] {
        var variables: [String: String] = ["AGENT_NAME": agent.name]
        if let port = agent.port { variables["AGENT_PORT"] = String(port) }
        if let port = agent.health.port { variables["HEALTH_CHECK_PORT"] = String(port) }
        if agent.legacyEnvironment {
            let legacy = LegacyEnvironment(manifest: plan.manifest, hosts: plan.hosts, portOffset: portOffset)
            for (name, value) in legacy.variables(for: agent)
            where !["SERVICE_REGISTRY_HOST", "SERVICE_REGISTRY_PORT", "ERROR_BUS_HOST", "ERROR_BUS_PORT", "SUPERVISOR_ENDPOINTS"].contains(name) {
                variables[name] = value
            }
        }
        for (name, value) in agent.environment { variables[name] = value }
        return variables.sorted { $0.key < $1.key }
    }

    /// argv as one ExecStart= line: relative paths made absolute, each word quoted when needed.
    private func execStart(_ command: [String]) -> String {
        var words = command
        if let first = words.first, first.contains("/"), !first.hasPrefix("/") {
            words[0] = baseDirectory + "/" + (first.hasPrefix("./") ? String(first.dropFirst(2)) : first)
        }
        return words.map { word in
            let needsQuotes = word.isEmpty || word.contains { $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\\" || $0 == ";" || $0 == "\t" }
            return needsQuotes ? quote(word, variables: true) : escape(word, variables: true)
        }.joined(separator: " ")
    }

    /// `%` starts a specifier everywhere, `$` a variable in ExecStart=; doubled they are literal.
    private func escape(_ text: String, variables: Bool = false) -> String {
        let specifiers = text.replacingOccurrences(of: "%", with: "%%")
        return variables ? specifiers.replacingOccurrences(of: "$", with: "$$") : specifiers
    }

    /// A double-quoted word with `\` and `"` escaped.
    private func quote(_ text: String, variables: Bool = false) -> String {
        let inner = escape(text, variables: variables).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(inner)\""
    }
}
