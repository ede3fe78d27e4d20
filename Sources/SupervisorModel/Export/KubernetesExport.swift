/// Kubernetes: one file per agent with a Deployment (one replica) and, when the agent has
/// ports, a Service of the same name, so other agents reach it by that name.
///
/// Kubernetes has no start ordering: each dependency becomes an init container that waits until
/// the dependency's Service accepts a connection, which happens only once a pod behind it passes
/// its readiness probe.
struct KubernetesExport {
    let plan: ExportPlan
    /// The agents' image (`--image`; by default the one `make image` builds, which a cluster
    /// must be able to pull: push it to the cluster's registry or load it into its nodes).
    let image: ContainerImage
    /// The image of the init containers that wait for dependencies.
    static let waitImage = "busybox:1.36"

    func render() -> ExportResult {
        var files: [String: String] = [:]
        var notes: [String] = []
        if let note = plan.supervisorServiceNote { notes.append(note) }
        for agent in plan.agents {
            let name = plan.service(agent.name)
            var lines = plan.header("Kubernetes manifests")
            lines += [
                "# The image \(image.name) must hold the agent's code and pyzmq, and the cluster must be able to pull it.",
                "# Apply the whole folder: kubectl apply -f <this folder>",
            ]
            if let note = plan.supervisorServiceNote { lines.append("# Note: \(note).") }
            for comment in plan.droppedComments(of: agent) {
                lines.append("# \(comment)")
                notes.append("\(agent.name): \(comment)")
            }
            lines += deployment(agent, name: name)
            if agent.port != nil || agent.health.port != nil {
                lines += ["---"] + service(agent, name: name)
            }
            files["\(name).yaml"] = lines.joined(separator: "\n") + "\n"
        }
        return ExportResult(files: files, notes: notes)
    }

    private func labels(_ name: String, agent: AgentSpec, indent: String) -> [String] {
        [
            "\(indent)app.kubernetes.io/name: \(ExportYAML.quoted(name))",
            "\(indent)app.kubernetes.io/part-of: \(ExportYAML.quoted("agents-" + ExportPlan.serviceName(agent.host)))",
        ]
    }

    private func deployment(_ agent: AgentSpec, name: String) -> [String] {
        var lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", "  name: \(ExportYAML.quoted(name))", "  labels:"]
        lines += labels(name, agent: agent, indent: "    ")
        lines += ["  annotations:", "    supervisor/agent: \(ExportYAML.quoted(agent.name))", "    supervisor/host: \(ExportYAML.quoted(agent.host))"]
        lines += [
            "spec:", "  replicas: 1",
            "  # one copy at a time: the agent binds fixed ports",
            "  strategy:", "    type: Recreate",
            "  selector:", "    matchLabels:", "      app.kubernetes.io/name: \(ExportYAML.quoted(name))",
            "  template:", "    metadata:", "      labels:",
        ]
        lines += labels(name, agent: agent, indent: "        ")
        lines.append("    spec:")
        switch agent.restart.policy {
        case .always: break
        case .onFailure:
            lines.append("      # restart on-failure: a Deployment restarts on every exit (restartPolicy Always)")
        case .never:
            lines.append("      # restart never: a Deployment always restarts; run it as a Job if it must stay down")
        }
        if agent.stop.signal != .sigterm {
            lines.append("      # stop signal \(agent.stop.signal.rawValue): Kubernetes sends SIGTERM; set STOPSIGNAL \(agent.stop.signal.rawValue) in the image")
        }
        lines.append("      terminationGracePeriodSeconds: \(ExportPlan.wholeSeconds(agent.stop.timeout, minimum: 0))")
        lines += initContainers(agent)
        lines += ["      containers:", "        - name: agent", "          image: \(ExportYAML.quoted(image.name))",
                  "          # an image loaded onto the nodes (not pushed) runs too; a :latest tag would otherwise mean Always",
                  "          imagePullPolicy: IfNotPresent"]
        lines.append("          command: \(ExportYAML.flow(image.command(agent.command)))")
        if let cwd = agent.cwd, cwd.hasPrefix("/") { lines.append("          workingDir: \(ExportYAML.quoted(cwd))") }
        let environment = plan.containerEnvironment(of: agent)
        if !environment.isEmpty {
            lines.append("          env:")
            for (name, value) in environment {
                lines += ["            - name: \(ExportYAML.quoted(name))", "              value: \(ExportYAML.quoted(value))"]
            }
        }
        let ports = self.ports(agent)
        if !ports.isEmpty {
            lines.append("          ports:")
            for (portName, port) in ports {
                lines += ["            - name: \(portName)", "              containerPort: \(port)"]
            }
        }
        lines += probes(agent)
        lines += resources(agent)
        return lines
    }

    private func ports(_ agent: AgentSpec) -> [(String, Int)] {
        var ports: [(String, Int)] = []
        if let port = agent.port { ports.append(("agent", port)) }
        if let port = agent.health.port, port != agent.port { ports.append(("health", port)) }
        return ports
    }

    private func initContainers(_ agent: AgentSpec) -> [String] {
        let dependencies = plan.dependencies(of: agent)
        if dependencies.isEmpty { return [] }
        var lines = ["      # no start ordering in Kubernetes: wait until each dependency's Service answers,", "      # which needs a ready pod behind it", "      initContainers:"]
        for dependency in dependencies {
            let service = plan.service(dependency.name)
            let terms = agent.dependency(on: dependency.name) ?? DependencySpec(name: dependency.name)
            guard terms.condition == .ready else {
                lines.append("        # \(dependency.name): condition started, and pods start in any order: not awaited")
                continue
            }
            guard let port = dependency.port ?? dependency.health.port else {
                lines.append("        # \(dependency.name) has no port to wait for: not awaited")
                continue
            }
            var script = "until nc -z -w 2 \(service) \(port); do echo waiting for \(service); sleep 2; done"
            if !terms.required {
                // Not required: wait at most its start period, as the supervisor does.
                let seconds = Int(dependency.health.effectiveStartPeriod.rounded(.up))
                // (busybox 1.36 `timeout SECS`; no `$(...)`, which Kubernetes would take for a variable.)
                script = "timeout \(seconds) sh -c '\(script)' || echo \(service) not ready within \(seconds)s, starting without it"
            }
            lines += [
                "        - name: \(ExportYAML.quoted(String(("wait-" + service).prefix(63))))",
                "          image: \(ExportYAML.quoted(Self.waitImage))",
                "          command: \(ExportYAML.flow(["sh", "-c", script]))",
            ]
        }
        if lines.last == "      initContainers:" { lines.removeLast(3) }
        return lines
    }

    private func probes(_ agent: AgentSpec) -> [String] {
        let health = agent.health
        let action: [String]
        switch health.kind {
        case .tcp:
            guard let port = health.port else { return [] }
            action = ["  tcpSocket:", "    port: \(port)"]
        case .zmq, .exec:
            guard let command = ExportPlan.probeCommand(health) else { return [] }
            action = ["  exec:", "    command: \(ExportYAML.flow(command))"]
        case .none:
            return ["          # no health check (kind none): the pod is ready once it runs"]
        }
        let period = ExportPlan.wholeSeconds(health.interval)
        let timeout = ExportPlan.wholeSeconds(health.timeout)
        var lines: [String] = []
        if health.kind == .zmq { lines.append("          # the legacy ZeroMQ health_check request, sent with pyzmq inside the container") }
        let startupFailures = max(1, ExportPlan.wholeSeconds(health.effectiveStartPeriod) / period)
        for (probe, failures) in [("startupProbe", startupFailures), ("readinessProbe", health.retries), ("livenessProbe", health.retries)] {
            lines.append("          \(probe):")
            lines += action.map { "          " + $0 }
            lines += [
                "            periodSeconds: \(period)",
                "            timeoutSeconds: \(timeout)",
                "            failureThreshold: \(max(1, failures))",
            ]
        }
        return lines
    }

    private func resources(_ agent: AgentSpec) -> [String] {
        let limits = agent.limits
        var lines: [String] = []
        if limits.memory != nil || limits.cpu != nil {
            lines += ["          resources:", "            limits:"]
            if let cpu = limits.cpu { lines.append("              cpu: \(ExportYAML.quoted("\(Int((cpu * 1000).rounded()))m"))") }
            if let memory = limits.memory { lines.append("              memory: \(ExportYAML.quoted(Self.quantity(memory)))") }
        }
        if let pids = limits.pids {
            lines.append("          # pids \(pids): Kubernetes limits pids per node (kubelet podPidsLimit), not per container")
        }
        if let high = limits.memoryHigh {
            lines.append("          # memory_high \(Quantity.describe(bytes: high)): no container equivalent (requests default to the limits)")
        }
        return lines
    }

    private func service(_ agent: AgentSpec, name: String) -> [String] {
        var lines = ["apiVersion: v1", "kind: Service", "metadata:", "  name: \(ExportYAML.quoted(name))", "  labels:"]
        lines += labels(name, agent: agent, indent: "    ")
        lines += ["spec:", "  selector:", "    app.kubernetes.io/name: \(ExportYAML.quoted(name))", "  ports:"]
        for (portName, port) in ports(agent) {
            lines += ["    - name: \(portName)", "      port: \(port)", "      targetPort: \(port)"]
        }
        return lines
    }

    /// `2Gi`, `512Mi`, `1500`: the largest binary unit that divides the byte count.
    static func quantity(_ bytes: UInt64) -> String {
        for (shift, suffix) in [(40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki")] where bytes % (UInt64(1) << UInt64(shift)) == 0 && bytes > 0 {
            return "\(bytes >> UInt64(shift))\(suffix)"
        }
        return String(bytes)
    }
}
