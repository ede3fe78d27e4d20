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

            \(CLIExit.table)

            Colour (status): --color auto (the default) colours only a terminal, and not when \
            NO_COLOR is set to anything or TERM is dumb; --color always and --color never decide alone.
            """,
        version: SupervisorVersion.text,
        subcommands: [
            Check.self, Plan.self, Up.self, Status.self, Start.self, Stop.self, Restart.self, Logs.self,
            Events.self, Down.self, Reload.self, Ping.self, Import.self, Discover.self, Export.self, Keys.self,
        ]
    )

    /// The plain forms of `supervisor status` run without ArgumentParser's parsing (see
    /// `StatusRequest.init?(quick:)`); everything else as ArgumentParser reads it. Errors end the
    /// process with the exit table of `CLIExit`.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if let request = StatusRequest(quick: arguments) {
                try request.run()
            } else {
                var command = try parseAsRoot(arguments)
                try command.run()
            }
        } catch {
            finish(with: error)
        }
    }

    /// Ends the process as ArgumentParser does (help, version, messages), except that its usage
    /// errors (EX_USAGE, 64) exit 2 as every other usage error does.
    static func finish(with error: Error) -> Never {
        guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
        printError(fullMessage(for: error))
        exit(withError: CLIExit.usage)
    }
}

/// Where the manifest and hosts file are.
struct FileOptions: ParsableArguments {
    @Option(name: .long, help: "The agents manifest.")
    var manifest = "agents.yaml"

    @Option(name: .long, help: "The hosts file (name address control-port per line).")
    var hosts = "hosts"
}
