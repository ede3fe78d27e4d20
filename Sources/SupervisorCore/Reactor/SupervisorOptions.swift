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
    /// Print start-up progress on stderr.
    public var showProgress = true
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
    /// Names this supervisor's cgroup subtree (`supervisor/<host>.<tag>`); derived from the
    /// run folder whose lock it holds, so stale groups of a dead supervisor are recognised.
    public var cgroupTag = "default"

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
