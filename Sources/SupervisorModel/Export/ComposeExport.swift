/// Docker Compose (`compose.yaml`) or a Swarm stack (`stack.yaml`, for `docker stack deploy`):
/// one service per agent. The stack is the same file without `depends_on`, which Swarm does not
/// read, and with Swarm's `deploy.restart_policy` in place of `restart`.
struct ComposeExport {
    let plan: ExportPlan
    let image: ContainerImage
    /// Write the Swarm stack rather than the Compose file.
    var swarm = false

    /// The image line: `AGENT_IMAGE` in the environment or an `.env` file replaces it.
    var imageReference: String { "${AGENT_IMAGE:-\(image.name)}" }

    func render() -> ExportResult {
        var lines = plan.header(swarm ? "Docker Swarm stack file" : "Docker Compose file")
        lines += [
            "# Each service runs the agent's manifest command in the image below (`make image` builds",
            "# \(ContainerImage.defaultName) with agent-sim; for your own agents, build one with their code and",
            "# Python dependencies, pyzmq for the health checks, and set AGENT_IMAGE or pass --image).",
            "# Services reach each other by service name.",
        ]
        if swarm {
            lines += [
                "# Swarm starts every service at once: it has no depends_on. An agent whose dependency is",
                "# not there yet must retry (ZeroMQ connects retry by themselves) or exit and be restarted",
                "# by its restart_policy. Deploy with: docker stack deploy --resolve-image never -c stack.yaml NAME",
            ]
        }
        var notes: [String] = []
        if let note = plan.supervisorServiceNote {
            lines.append("# Note: \(note).")
            notes.append(note)
        }
        if let moved = movedProgramNote {
            lines.append("# Note: \(moved).")
            notes.append(moved)
        }
        if swarm { lines += ["", "version: \"3.8\""] }
        lines += ["", "services:"]
        for agent in plan.agents {
            lines += service(agent, notes: &notes)
        }
        let file = swarm ? "stack.yaml" : "compose.yaml"
        return ExportResult(files: [file: lines.joined(separator: "\n") + "\n"], notes: notes)
    }

    /// Says which programs were moved to the image's folder, once.
    private var movedProgramNote: String? {
        var moved: [String] = []
        for agent in plan.agents {
            guard let program = agent.command.first, let path = image.imagePath(of: program), !moved.contains(path) else { continue }
            moved.append(path)
        }
        guard let folder = image.hostBinaryDirectory, !moved.isEmpty else { return nil }
        return "commands that run programs from \(folder) (${SUPERVISOR_BIN_DIR}) run \(moved.joined(separator: ", ")) in the image"
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
        lines.append("    image: \(ExportYAML.quoted(imageReference))")
        lines.append("    command: \(ExportYAML.flow(image.command(agent.command), map: literal))")
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
        lines += swarm ? unorderedDependencies(agent) : dependsOn(agent)
        lines += healthcheck(agent)
        if !swarm { lines.append("    restart: \(restart(agent.restart.policy))") }
        lines.append("    stop_signal: \(agent.stop.signal.rawValue)")
        lines.append("    stop_grace_period: \(ExportPlan.duration(agent.stop.timeout))")
        lines += deploy(agent)
        return lines
    }

    /// Swarm: the dependencies as a comment, since nothing orders the start.
    private func unorderedDependencies(_ agent: AgentSpec) -> [String] {
        let dependencies = plan.dependencies(of: agent).map { plan.service($0.name) }
        if dependencies.isEmpty { return [] }
        return ["    # depends on \(dependencies.joined(separator: ", ")): Swarm does not order starts (see the header)"]
    }

    /// Swarm's restart policy for a manifest policy.
    private func swarmCondition(_ policy: RestartSpec.Policy) -> String {
        switch policy {
        case .onFailure: "on-failure"
        case .always: "any"
        case .never: "none"
        }
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

    /// Limits, and under Swarm the restart policy: both live in `deploy`.
    private func deploy(_ agent: AgentSpec) -> [String] {
        let limits = agent.limits
        var lines: [String] = []
        if let pids = limits.pids {
            // Swarm's stack schema has no service-level pids_limit; its own key was not tried.
            lines.append(swarm ? "    # pids limit \(pids): not written for Swarm (untested there); set it with docker service update --limit-pids" : "    pids_limit: \(pids)")
        }
        if swarm || limits.memory != nil || limits.cpu != nil { lines.append("    deploy:") }
        if swarm {
            let restart = agent.restart
            lines += [
                "      # names resolve to the task itself: one replica on fixed ports needs no virtual IP",
                "      # (which also needs IPVS in the kernel)",
                "      endpoint_mode: dnsrr",
                "      restart_policy:",
                "        condition: \(swarmCondition(restart.policy))",
                "        delay: \(ExportPlan.duration(restart.backoff.initial))",
                "      # max_restarts \(restart.maxRestarts) in \(ExportPlan.duration(restart.window)): Swarm's max_attempts counts a service's whole life, so it is left out",
            ]
        }
        if limits.memory != nil || limits.cpu != nil {
            lines += ["      resources:", "        limits:"]
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
