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

/// Where the manifest and hosts file are: named on the command line, named by
/// $SUPERVISOR_MANIFEST / $SUPERVISOR_HOSTS, or found as `docker compose` finds its file
/// (`ManifestDiscovery`). `manifest` and `hosts` are the resolved paths.
struct FileOptions: ParsableArguments {
    @Option(name: .customLong("manifest"), help: ArgumentHelp(
        "The agents manifest. Default: $SUPERVISOR_MANIFEST, else agents.yaml in this folder or the nearest parent folder.",
        valueName: "path"))
    var manifestOption: String?

    @Option(name: .customLong("hosts"), help: ArgumentHelp(
        "The hosts file (name address control-port per line). Default: $SUPERVISOR_HOSTS, else hosts beside the manifest.",
        valueName: "path"))
    var hostsOption: String?

    /// The manifest's path: as given, or as found.
    var manifest: String { located.manifest }

    /// The hosts file's path: as given, or beside the manifest.
    var hosts: String { located.hosts }

    /// No manifest named or found (and no hosts file named): one message, exit 2.
    func validate() throws {
        _ = try ManifestDiscovery.locateOrExit(manifest: manifestOption, hosts: hostsOption)
    }

    private var located: ManifestDiscovery {
        let found = try? ManifestDiscovery.locate(manifest: manifestOption, hosts: hostsOption).get()
        return found ?? ManifestDiscovery(
            manifest: manifestOption ?? ManifestDiscovery.manifestName, hosts: hostsOption ?? ManifestDiscovery.hostsName)
    }
}
