import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor up HOST`: run a host's agents in the foreground (or in the background).
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract: "Start a host's agents in dependency order and supervise them until SIGINT/SIGTERM.",
            discussion: """
                Each agent starts the moment its dependencies are ready. Crashed agents restart \
                with backoff; agents that keep crashing are marked failed. On SIGINT/SIGTERM (or \
                `supervisor down`) the agents stop in reverse dependency order and the supervisor \
                exits 0. Status and control are served on the host's control port from the hosts \
                file, events on the port after it; off loopback both use CurveZMQ with the keys of \
                `supervisor keys init`. Agents that depend on another host's agents wait until that \
                host's supervisor reports them ready. Only one supervisor per host runs at a time.

                A dependency written {name: X, required: false} stops holding its dependents back \
                once X has failed (or cannot start) or is not ready within its start period; they \
                start without it, and status shows them as `started without X (failed)`. \
                With --keep-going every dependency that has failed lets its dependents start, \
                required or not, so a broken system comes up as far as it can.

                At most --max-concurrent-starts agents (the manifest's max_concurrent_starts; \
                default twice the cores) are busy starting at once: a start holds its slot until the \
                agent is ready, exits, goes quiet (its processes barely use the CPU and wait), \
                or start_settle (default 500ms) has passed. Further starts \
                and restarts wait their turn, shown in status as "waiting: 4 agents starting \
                (max_concurrent_starts 4)"; during start-up the agents with the longest dependency \
                chain behind them go first. A crash storm then cannot starve the machine.

                Before the first spawn, every agent whose working directory, program or Python \
                script is missing is named at once (stderr and supervisor.log); those agents are \
                started all the same and fail as they would, and the others start, as systemd \
                starts the other units. To refuse instead: `supervisor check --strict && supervisor up`. \
                `supervisor check --deep` also compiles the scripts and checks the ports.

                On a terminal, start-up is one status line redrawn at the bottom ("starting: 10/26 \
                ready, level 2/8, 4.2 s"); only what matters scrolls above it (warnings, errors, \
                preflight findings, agents that exited, crashed, are restarting or failed, with \
                the cause); routine lines (spawned, ready, ...) are only in supervisor.log. When \
                start-up ends the line gives way to a summary ("mainpc: 58/58 ready in 8.4 s", \
                one line per agent that failed, exited or is blocked, and where the logs are); \
                what matters later is printed as plain lines. --verbose prints every log line \
                instead, --quiet only errors and the summary. When stderr is not a terminal (or \
                TERM=dumb) there are no control codes: the log lines, a progress line each time \
                the lowest level still starting moves, and the summary. --detach and --all show \
                the same progress while they wait, from the status replies they poll. The \
                manifest's warnings are printed once (with --quiet, counted on one line).
                """)

        @Argument(help: "The host whose agents to run, as named in the hosts file.")
        var host: String?

        @Flag(help: "Start every host of the hosts file whose address is loopback, each in the background.")
        var all = false

        @OptionGroup var files: FileOptions

        @Option(name: .long, help: "Log folder; agent logs go to <logs>/<host>/<agent>.log. Default: logs beside the manifest.")
        var logs: String?

        @Flag(help: "Run in the background; return once start-up has ended (or only other hosts' agents are awaited).")
        var detach = false

        @Flag(help: "Serve control and events without authentication (no CurveZMQ), also on a non-loopback address. Overrides --curve.")
        var insecureControl = false

        @Flag(help: "Use CurveZMQ on a loopback address too (it is used on other addresses unless --insecure-control).")
        var curve = false

        @Option(name: .customLong("keys"), help: "The key directory (CurveZMQ keys from `supervisor keys init`). Default: keys beside the manifest.")
        var keys: String?

        /// `--keys`, else the `keys` folder beside the manifest (as the client verbs look for it).
        private var keysDirectory: String { keys ?? ManifestDiscovery.keysDirectory(besideManifest: files.manifest) }

        @Flag(help: "Start the dependents of agents that failed (or cannot start) anyway, required dependencies too: bring a broken system up as far as it can go. Status shows each such agent as 'started without X (failed; --keep-going)'.")
        var keepGoing = false
        @Option(name: .customLong("max-concurrent-starts"),
                help: "At most this many agents starting at once (overrides the manifest's max_concurrent_starts; default: twice the cores).")
        var maxConcurrentStarts: Int?

        @Flag(help: "Print every log line on stderr (spawned, ready, ...), plain, without the redrawn status line.")
        var verbose = false

        @Flag(help: "Print only errors and the start-up summary on stderr.")
        var quiet = false

        @Flag(name: .customLong("no-cgroups"), help: "Do not use cgroups: memory limits are enforced by a watchdog that restarts agents over their limit; cpu and pids limits are not enforced.")
        var noCgroups = false

        func run() throws {
            guard let verbosity = ConsoleVerbosity.from(verbose: verbose, quiet: quiet) else {
                printError("give either --verbose or --quiet, not both")
                throw CLIExit.usage
            }
            if let maxConcurrentStarts, maxConcurrentStarts < 1 {
                printError("--max-concurrent-starts must be at least 1")
                throw CLIExit.usage
            }
            if all {
                guard host == nil else {
                    printError("give either a host or --all, not both")
                    throw CLIExit.usage
                }
                return try startAllLocalHosts(verbosity)
            }
            guard let host else {
                printError("name the host to start (e.g. `supervisor up mainpc`), or use --all")
                throw CLIExit.usage
            }
            let configuration = try loadValidConfiguration(files: files, host: host, warnings: warningReport(verbosity))
            let preflight = Preflight(configuration: configuration, host: host).paths(severity: .warning).issues
            let endpoint = configuration.hosts[host]!
            let curveKeys = try controlKeys(endpoint)
            let logRoot = logs ?? configuration.baseDirectory + "/logs"
            let runDirectory = configuration.baseDirectory + "/run"
            if detach {
                // The supervisor in the background logs them too; here is where they are seen.
                announce(preflight, host: host, configuration: configuration)
                try Detacher(host: endpoint, logRoot: logRoot, runDirectory: runDirectory, arguments: foregroundArguments(host, logRoot),
                             credentials: curveKeys.map { ownCredentials(host, $0) },
                             graph: DependencyGraph(manifest: configuration.manifest!, host: host), verbosity: verbosity)
                    .startInBackground()
                return
            }
            let lock: HostLock
            do {
                lock = try HostLock(directory: runDirectory, host: host)
            } catch {
                printError("supervisor up \(host): \(error)")
                throw CLIExit.failure
            }
            var options = SupervisorOptions(
                manifest: configuration.manifest!, host: host, baseDirectory: configuration.baseDirectory,
                logRoot: logRoot, environment: configuration.environment)
            options.control = endpoint
            options.hosts = configuration.hosts
            options.manifestPath = files.manifest
            options.hostsPath = files.hosts
            options.useCgroups = !noCgroups
            options.keepGoing = keepGoing
            options.runTag = RunTag.of(runDirectory: runDirectory)
            options.containDescendants = true
            options.curveKeys = curveKeys
            options.keysDirectory = keysDirectory
            options.maxConcurrentStarts = maxConcurrentStarts
            options.preflightFindings = preflight
            options.verbosity = verbosity
            let code = try withExtendedLifetime(lock) { () throws -> Int32 in
                // The reactor (and every socket it owns) is gone when this closure returns.
                let reactor: Reactor
                do {
                    reactor = try Reactor(options: options)
                } catch {
                    printError("supervisor up \(host): \(error)")
                    throw CLIExit.failure
                }
                return reactor.run()
            }
            // The reply to `down` may still be queued in libzmq's I/O thread: deliver it.
            ZMQContext.shared.deliverQueuedBeforeExit(within: 1)
            if code != 0 { throw ExitCode(code) }
        }

        /// `up --all`: each loopback host with agents, detached, one after another.
        private func startAllLocalHosts(_ verbosity: ConsoleVerbosity) throws {
            let hosts = HostTable.load(path: files.hosts).table.hosts.filter(\.isLoopback)
            var started = 0
            for (index, target) in hosts.enumerated() {
                // The manifest's warnings are the same for every host: told with the first.
                let warnings = index == 0 ? warningReport(verbosity) : .alreadySaid
                let configuration = try loadValidConfiguration(files: files, host: target.name, allowEmpty: true, warnings: warnings)
                guard let manifest = configuration.manifest, !manifest.agents(on: target.name).isEmpty else { continue }
                let logRoot = logs ?? configuration.baseDirectory + "/logs"
                announce(Preflight(configuration: configuration, host: target.name).paths(severity: .warning).issues,
                         host: target.name, configuration: configuration)
                let curveKeys = try controlKeys(target)
                try Detacher(host: target, logRoot: logRoot, runDirectory: configuration.baseDirectory + "/run",
                             arguments: foregroundArguments(target.name, logRoot),
                             credentials: curveKeys.map { ownCredentials(target.name, $0) },
                             graph: DependencyGraph(manifest: manifest, host: target.name), verbosity: verbosity).startInBackground()
                started += 1
            }
            if started == 0 {
                printError("no host with a loopback address in \(files.hosts) has agents")
                throw CLIExit.usage
            }
        }

        /// Each warning once, or with --quiet one line that counts them.
        private func warningReport(_ verbosity: ConsoleVerbosity) -> WarningReport {
            verbosity == .quiet ? .count : .all
        }

        /// The preflight's findings on stderr, for `--detach` and `--all` (not with --quiet: the
        /// agents they name fail, and the summary says so, as in the foreground).
        private func announce(_ findings: [ManifestIssue], host: String, configuration: Configuration) {
            guard !findings.isEmpty, !quiet else { return }
            printError("\(host): " + Preflight.summary(of: findings, agentsOnHost: configuration.manifest?.agents(on: host).count ?? 0))
            for finding in findings { printError("\(host): preflight: \(finding)") }
        }

        private func foregroundArguments(_ host: String, _ logRoot: String) -> [String] {
            var arguments = ["up", host, "--manifest", files.manifest, "--hosts", files.hosts, "--logs", logRoot]
            if insecureControl { arguments.append("--insecure-control") }
            if noCgroups { arguments.append("--no-cgroups") }
            if keepGoing { arguments.append("--keep-going") }
            if curve { arguments.append("--curve") }
            if let maxConcurrentStarts { arguments += ["--max-concurrent-starts", String(maxConcurrentStarts)] }
            arguments += ["--keys", keysDirectory]
            return arguments
        }

        /// The host key pair when control and events use CurveZMQ: always on an address that is not loopback (unless
        /// --insecure-control), on loopback only with --curve. Missing keys are an error.
        private func controlKeys(_ endpoint: HostTable.Host) throws -> CurveKeyPair? {
            if insecureControl || (endpoint.isLoopback && !curve) { return nil }
            do {
                return try KeyStore(directory: keysDirectory).hostKey(endpoint.name)
            } catch {
                let place = "\(endpoint.address):\(endpoint.controlPort)"
                printError("""
                    supervisor up \(endpoint.name): control on \(place) needs CurveZMQ keys (\(error.description)). \
                    Run `supervisor keys init` and copy the keys as docs/security.md says, or pass --insecure-control \
                    to serve without authentication on a network you trust.
                    """)
                throw CLIExit.usage
            }
        }

        /// A supervisor's own key, used by `up --detach` to watch its start-up (hosts have read).
        private func ownCredentials(_ host: String, _ keys: CurveKeyPair) -> ClientCredentials {
            ClientCredentials(keyName: host, keys: keys, serverPublicKey: keys.publicKey)
        }
    }
}
