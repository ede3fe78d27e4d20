/// Docker Compose: one `compose.yaml`, one service per agent.
struct ComposeExport {
    let plan: ExportPlan

    /// The default image; `AGENT_IMAGE` in the environment or an `.env` file replaces it.
    static let image = "${AGENT_IMAGE:-python:3.11-slim}"

    func render() -> ExportResult {
        var lines = plan.header("Docker Compose file")
        lines += [
            "# Each service runs the agent's manifest command in the image below. Build an image with",
            "# your agents' code and Python dependencies (pyzmq for the health checks) and set",
            "# AGENT_IMAGE, or replace `image:` per service. Services reach each other by service name.",
        ]
        var notes: [String] = []
        if let note = plan.supervisorServiceNote {
            lines.append("# Note: \(note).")
            notes.append(note)
        }
        lines += ["", "services:"]
        for agent in plan.agents {
            lines += service(agent, notes: &notes)
        }
        return ExportResult(files: ["compose.yaml": lines.joined(separator: "\n") + "\n"], notes: notes)
    }

    /// Compose interpolates `$`: a literal one is written `$$`.
    private func literal(_ text: String) -> String {
        text.replacingOccurrences(of: "$", with: "$$")
    }

    private func service(_ agent: AgentSpec, notes: inout [String]) -> [String] {
        var lines = ["", "  \(plan.service(agent.name)):"]
        lines.append("    # agent \(agent.name), host \(agent.host)\(agent.group.map { ", group \($0)" } ?? "")")
        for comment in plan.droppedComments(of: agent) {
            lines.append("    # \(comment)")
            notes.append("\(agent.name): \(comment)")
        }
        lines.append("    image: \(ExportYAML.quoted(Self.image))")
        lines.append("    command: \(ExportYAML.flow(agent.command, map: literal))")
        if let cwd = agent.cwd, cwd.hasPrefix("/") {
            lines.append("    working_dir: \(ExportYAML.quoted(literal(cwd)))")
        }
        let environment = plan.containerEnvironment(of: agent)
        if !environment.isEmpty {
            lines.append("    environment:")
            for (name, value) in environment {
                lines.append("      \(name): \(ExportYAML.quoted(literal(value)))")
            }
        }
        let ports = [agent.port, agent.health.port].compactMap { $0 }
        if !ports.isEmpty {
            lines.append("    expose: \(ExportYAML.flow(ports.map(String.init)))")
        }
        lines += dependsOn(agent)
        lines += healthcheck(agent)
        lines.append("    restart: \(restart(agent.restart.policy))")
        lines.append("    stop_signal: \(agent.stop.signal.rawValue)")
        lines.append("    stop_grace_period: \(ExportPlan.duration(agent.stop.timeout))")
        lines += limits(agent)
        return lines
    }

    private func restart(_ policy: RestartSpec.Policy) -> String {
        switch policy {
        case .onFailure: "on-failure"
        case .always: "always"
        case .never: "\"no\""
        }
    }

    private func dependsOn(_ agent: AgentSpec) -> [String] {
        let dependencies = plan.dependencies(of: agent)
        if dependencies.isEmpty { return [] }
        var lines = ["    depends_on:"]
        for dependency in dependencies {
            let terms = agent.dependency(on: dependency.name) ?? DependencySpec(name: dependency.name)
            let healthy = ExportPlan.probeCommand(dependency.health) != nil && terms.condition == .ready
            lines.append("      \(plan.service(dependency.name)):")
            if !terms.required {
                lines.append("        # not required in agents.yaml (the supervisor starts \(agent.name) without it once it has failed or missed its start period); Compose waits for it")
            }
            lines.append("        condition: \(healthy ? "service_healthy" : "service_started")")
        }
        return lines
    }

    private func healthcheck(_ agent: AgentSpec) -> [String] {
        let health = agent.health
        guard let command = ExportPlan.probeCommand(health) else {
            return ["    # no health check (kind \(health.kind.rawValue)): dependents wait only for the start"]
        }
        var lines = ["    healthcheck:"]
        if health.kind == .zmq {
            lines.append("      # the legacy ZeroMQ health_check request, sent with pyzmq inside the container")
        }
        lines += [
            "      test: \(ExportYAML.flow(["CMD"] + command, map: literal))",
            "      interval: \(ExportPlan.duration(health.interval))",
            "      timeout: \(ExportPlan.duration(health.timeout))",
            "      retries: \(health.retries)",
            "      start_period: \(ExportPlan.duration(health.effectiveStartPeriod))",
        ]
        return lines
    }

    private func limits(_ agent: AgentSpec) -> [String] {
        let limits = agent.limits
        var lines: [String] = []
        if let pids = limits.pids { lines.append("    pids_limit: \(pids)") }
        if limits.memory != nil || limits.cpu != nil {
            lines += ["    deploy:", "      resources:", "        limits:"]
            if let cpu = limits.cpu { lines.append("          cpus: \(ExportYAML.quoted(Self.number(cpu)))") }
            if let memory = limits.memory { lines.append("          memory: \(ExportYAML.quoted(Self.bytes(memory)))") }
        }
        if let high = limits.memoryHigh {
            lines.append("    # memory_high \(Quantity.describe(bytes: high)) has no Compose equivalent (Docker sets no memory.high)")
        }
        return lines
    }

    /// `0.8`, `2`: no trailing zeros.
    static func number(_ value: Double) -> String {
        NumberText.of(value)
    }

    /// Docker's size syntax: `2048m`, or plain bytes `1500b`.
    static func bytes(_ value: UInt64) -> String {
        if value % (1 << 20) == 0 { return "\(value >> 20)m" }
        if value % (1 << 10) == 0 { return "\(value >> 10)k" }
        return "\(value)b"
    }
}
