import ArgumentParser
import SupervisorCore

/// `supervisor`: runs and controls a host's agents.
@main
struct SupervisorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Start, supervise and restart the agents of a multi-agent system.",
        discussion: """
            Agents are described in agents.yaml; hosts and their control ports in hosts. \
            `check` validates both, `plan HOST` shows the start order, `up HOST` runs a host's \
            agents; `status`, `start`, `stop`, `restart`, `logs`, `events`, `reload`, `down` and \
            `ping` talk to a running supervisor over ZeroMQ; `discover` asks the service \
            registry; `import` converts legacy configs; `export` writes compose, Kubernetes or \
            systemd files; `keys init` makes the CurveZMQ keys for authenticated remote control.
            """,
        version: SupervisorVersion.text,
        subcommands: [
            Check.self, Plan.self, Up.self, Status.self, Start.self, Stop.self, Restart.self, Logs.self,
            Events.self, Down.self, Reload.self, Ping.self, Import.self, Discover.self, Export.self, Keys.self,
        ]
    )

    /// The plain forms of `supervisor status` run without ArgumentParser's parsing (see
    /// `StatusRequest.init?(quick:)`); everything else as ArgumentParser reads it. Errors end the
    /// process as ArgumentParser ends it.
    static func main() {
        guard let request = StatusRequest(quick: Array(CommandLine.arguments.dropFirst())) else { return main(nil) }
        do {
            try request.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Where the manifest and hosts file are.
struct FileOptions: ParsableArguments {
    @Option(name: .long, help: "The agents manifest.")
    var manifest = "agents.yaml"

    @Option(name: .long, help: "The hosts file (name address control-port per line).")
    var hosts = "hosts"
}
