import Foundation
import SupervisorModel

/// Everything `supervisor up` needs, already loaded and validated.
public struct SupervisorOptions: Sendable {
    public var manifest: Manifest
    public var host: String
    /// Folder that relative `cwd`s and commands are taken from (the manifest's folder).
    public var baseDirectory: String
    /// Logs go to `<logRoot>/<host>/`.
    public var logRoot: String
    /// The environment passed on to agents.
    public var environment: [String: String]
    /// Forward SIGINT/SIGTERM to a graceful shutdown (off in in-process tests).
    public var handleSignals = true
    /// Print start-up progress and its conclusion on stderr (off in in-process tests).
    public var showProgress = true
    /// What stderr shows (`up --verbose`, `--quiet`): on a terminal, normally one redrawn status
    /// line and only the log lines that matter (`ConsolePolicy`).
    public var verbosity = ConsoleVerbosity.normal
    /// The hosts file, for the legacy environment (addresses) and the registry's answers.
    public var hosts: HostTable?
    /// Where to serve control requests (and events on port + 1); nil: no control endpoint.
    public var control: HostTable.Host?
    /// The files `reload` reads again; nil: reload is refused.
    public var manifestPath: String?
    public var hostsPath: String?
    /// How often `agent.metrics` is published.
    public var metricsInterval: TimeInterval = 5
    /// How often the memory watchdog samples agents (when cgroups are not used).
    public var watchdogInterval: TimeInterval = 1
    /// With CurveZMQ on control and events: this host's key pair (clients are checked against
    /// `<keysDirectory>/authorized`); nil: no authentication.
    public var curveKeys: CurveKeyPair?
    /// Where keys are (`keys/`); also used to follow a non-loopback host without `curveKeys`.
    public var keysDirectory = "keys"
    /// How often the supervisors of hosts with remote dependencies are asked for status.
    public var remotePollInterval: TimeInterval = 1
    /// No status reply for this long makes a remote host unreachable.
    public var remoteTimeout: TimeInterval = 3
    /// Enforce limits with cgroups where possible; false forces the watchdog.
    public var useCgroups = true
    /// `up --keep-going`: start the dependents of agents that failed (or cannot start) anyway,
    /// whether those dependencies are required or not, so a broken system comes up as far as it can.
    public var keepGoing = false
    /// Names this supervisor's cgroup subtree (`supervisor/<host>.<tag>`) and its run marker;
    /// derived from the run folder whose lock it holds (`RunTag`), so stale groups and processes
    /// of a dead supervisor are recognised. Two reactors running at once must not share one.
    public var runTag = "default"
    /// Keep every descendant of an agent within reach: mark agents with `SUPERVISOR_RUN`, kill
    /// marked processes a dead predecessor left at start, and become a child subreaper so
    /// orphaned descendants come back and die with their agent. Only for a supervisor that is a
    /// process of its own (`up`): it adopts every orphan below it.
    public var containDescendants = false
    /// What the cheap preflight found before start (`Preflight.paths`): written to
    /// supervisor.log and stderr before the first agent is spawned. The agents still start.
    public var preflightFindings: [ManifestIssue] = []

    /// `up --max-concurrent-starts`: at most this many agents starting at once, whatever the
    /// manifest's `max_concurrent_starts` says; nil: the manifest's, else twice the cores.
    public var maxConcurrentStarts: Int?

    /// `SUPERVISOR_RUN`'s value for this supervisor's agents.
    public var runMarker: String { RunTag.marker(host: host, tag: runTag) }

    public init(manifest: Manifest, host: String, baseDirectory: String, logRoot: String, environment: [String: String]) {
        self.manifest = manifest
        self.host = host
        self.baseDirectory = baseDirectory
        self.logRoot = logRoot
        self.environment = environment
    }

    /// `<logRoot>/<host>`.
    public var logDirectory: String { "\(logRoot)/\(host)" }
}
