import CSpawn
import CZeroMQ
import Foundation
import SupervisorModel

/// The one long-lived thread that performs what the pure `HostSupervisor` decides.
///
/// It owns every resource of a running host: child processes (reaped through their pidfds),
/// their output pipes, probe sockets and timers. One `EventLoop` (epoll) waits on all of them,
/// each registered once when it is made, plus a wake pipe that signals and `requestShutdown()`
/// write to (`Reactor+EventLoop`). Agents must be spawned from this thread, because the
/// parent-death signal fires when the forking thread exits.
public final class Reactor {
    public internal(set) var model: HostSupervisor
    let options: SupervisorOptions
    var launcher: AgentLauncher
    let processes: AgentProcessTable
    let probes: ProbeRunner
    let log: SupervisorLog
    let progress: StartupProgress
    let control: ControlServer?
    let events: EventPublisher?
    /// With CurveZMQ: the ZAP handler, rights per key and refusal logging.
    let gate: CurveGate?
    /// Every descriptor the reactor waits on, registered when it is made.
    let loop: EventLoop<ReactorTag>
    /// Sampling, metrics and remote watchers' deadlines (the model's are in `timers`, the
    /// probes' in `probes`).
    var deadlines = DeadlineQueue<ReactorDeadline>()
    var legacyServices: LegacyServices?
    var limiter: CgroupLimiter?
    var cgroups: [String: AgentCgroup] = [:]
    var oomKillsAtOwnKill: [String: Int] = [:]
    var figures: [String: ResourceFigures] = [:]
    var cpuMarks: [String: (at: TimeInterval, seconds: Double)] = [:]
    var sampledMembers: [String: [Int32]] = [:]
    var nextFullSampleAt = MonotonicClock.now()
    /// The agents the memory watchdog reads between full samples.
    var watchdogPace = MemoryWatchdogPace()
    var remoteWatchers: [RemoteHostWatcher] = []
    /// Orphaned descendants of agents (when `containDescendants`).
    let orphans: OrphanTable?
    var orphanScanPending = false
    /// The hosts file as last loaded (at start or reload).
    var hostTable: HostTable?
    /// Names this run of the supervisor in events and status replies.
    let instance = "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
    var timers = TimerQueue()
    /// Starts holding a start slot, sampled for when they go quiet.
    var startQuiet = StartQuietWatch()
    var pendingEvents: [SupervisorEvent] = []
    var finished = false
    let wake: (read: Int32, write: Int32)
    private var caughtSignals: [Int32] { SignalPlan.caught(adoptingOrphans: orphans != nil) }

    /// Called on the reactor thread for every state change (tests and the CLI observe here).
    public var onTransition: ((AgentTransition) -> Void)?
    /// Called on the reactor thread once start-up has ended.
    public var onStartupFinished: ((StartupSummary) -> Void)?

    public init(options: SupervisorOptions) throws {
        self.options = options
        hostTable = options.hosts
        model = HostSupervisor(
            manifest: options.manifest, host: options.host, keepGoing: options.keepGoing,
            startLimit: options.maxConcurrentStarts, machineCores: ProcessInfo.processInfo.activeProcessorCount)
        launcher = AgentLauncher(baseDirectory: options.baseDirectory, inheritedEnvironment: options.environment)
        // `run` raises the supervisor's own limit; agents get back the one it started with.
        launcher.nofileSoftLimit = DescriptorLimit.original?.soft ?? -1
        if let hosts = options.hosts {
            launcher.legacy = LegacyEnvironment(
                manifest: options.manifest, hosts: hosts, portOffset: options.environment["PORT_OFFSET"] ?? "0")
        }
        loop = try EventLoop()
        processes = AgentProcessTable(logDirectory: options.logDirectory, loop: loop)
        orphans = options.containDescendants ? OrphanTable(runMarker: options.runMarker) : nil
        orphans?.loop = loop
        if options.containDescendants { launcher.runMarker = options.runMarker }
        probes = ProbeRunner(launcher: launcher)
        probes.loop = loop
        try FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
        let console = Console.forStandardError(options.verbosity)
        log = try SupervisorLog(directory: options.logDirectory, host: options.host, console: console)
        // Flushed by `reportLogNotices`, before every wait.
        log.batched = true
        progress = StartupProgress(graph: model.graph, console: options.showProgress ? console : nil)
        wake = try Descriptor.pipe()
        try Descriptor.setNonBlocking(wake.write)
        if let hosts = options.hosts {
            legacyServices = try LegacyServices(
                manifest: options.manifest, hosts: hosts, host: options.host, logDirectory: options.logDirectory)
        }
        if let endpoint = options.control {
            do {
                // The ZAP handler first: a Curve server without one admits every key.
                gate = options.curveKeys == nil ? nil : try CurveGate(keysDirectory: options.keysDirectory)
                let curve = options.curveKeys
                control = try ControlServer(address: endpoint.address, port: endpoint.controlPort, curve: curve)
                events = try EventPublisher(
                    address: endpoint.address, port: endpoint.controlPort + 1, host: options.host, instance: instance, curve: curve)
            } catch {
                throw ReactorError.controlUnavailable(
                    "cannot serve control on tcp://\(endpoint.address):\(endpoint.controlPort) and events on port \(endpoint.controlPort + 1): \(error)")
            }
        } else {
            gate = nil
            control = nil
            events = nil
        }
        probes.listeningPorts = { [unowned self] spec in self.listeningHealthPorts(of: spec) }
        try watchSetUpDescriptors()
    }

    deinit {
        close(wake.read)
        close(wake.write)
    }

    /// Asks for a graceful shutdown; safe from any thread.
    public func requestShutdown() {
        var byte = UInt8(SIGTERM)
        _ = write(wake.write, &byte, 1)
    }

    /// Allocations at least this large are mapped on their own and unmapped when freed.
    /// Control messages may be up to 1 MiB; with glibc's moving threshold, a flood of large
    /// frames left ~8 MB of freed buffers in the heap for good.
    static let ownMappingThreshold = 256 << 10

    /// Starts every agent and supervises until shutdown completes. Returns the exit code.
    public func run() -> Int32 {
        _ = cspawn_set_mmap_threshold(Self.ownMappingThreshold)
        if options.handleSignals {
            // A log write past RLIMIT_FSIZE then fails with EFBIG (counted as lost lines) instead
            // of killing the supervisor. Agents get default dispositions back at spawn.
            for number in SignalPlan.discarded { signal(number, SIG_IGN) }
            caughtSignals.withUnsafeBufferPointer {
                _ = cspawn_signal_forward(wake.write, $0.baseAddress, Int32($0.count))
            }
        }
        defer {
            if options.handleSignals {
                caughtSignals.withUnsafeBufferPointer { cspawn_signal_default($0.baseAddress, Int32($0.count)) }
            }
        }
        raiseDescriptorLimit()
        sweepLeftovers()
        if let control, let events {
            let security = gate.map { "CurveZMQ, keys in \($0.store.authorizedPath)" } ?? "no authentication"
            log.note("control on \(control.endpoint), events on \(events.endpoint) (\(security))")
            for line in gate?.newAuthorizedIssues() ?? [] { log.note(line) }
        }
        if let endpoint = legacyServices?.registryEndpoint { log.note("service registry on \(endpoint)") }
        if let endpoint = legacyServices?.errorEndpoint { log.note("error bus collector on \(endpoint)") }
        setUpLimits()
        scheduleSampling()
        syncRemoteWatchers()
        log.note("supervisor \(SupervisorVersion.text) starting \(model.order.count) agents of host \(options.host); logs in \(options.logDirectory)")
        reportPreflight()
        feed(.startAll)
        while !finished {
            fireDueTimers()
            reportLogNotices()
            if finished { break }
            waitAndDispatch()
            reportLogNotices()
        }
        processes.killAll()
        killAllOrphans()
        drainRemainingOutput()
        reportLogNotices()
        tearDownLimits()
        log.note("supervisor stopped", weight: .notable)
        log.flush()
        control?.closeGracefully()
        events?.closeGracefully()
        legacyServices?.close()
        for watcher in remoteWatchers { watcher.close() }
        gate?.zap.close()
        return 0
    }

    /// Applies an event to the model and performs the resulting actions, including events
    /// those actions produce, until nothing is left.
    func feed(_ event: SupervisorEvent) {
        pendingEvents.append(event)
        drainPendingEvents()
    }

    /// Feeds queued events (from performed actions) until none is left.
    func drainPendingEvents() {
        while !pendingEvents.isEmpty {
            let next = pendingEvents.removeFirst()
            let actions = model.handle(next, now: MonotonicClock.now())
            for action in actions { perform(action) }
        }
    }

    func readWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        guard let bytes = Descriptor.readAvailable(wake.read, into: &buffer) else { return }
        var childChanged = false
        for byte in bytes {
            let number = Int32(byte)
            switch SignalPlan.meaning(of: number) {
            case .stop:
                log.note("received \(SignalName.of(number)): stopping agents, dependents first", weight: .notable)
                feed(.shutdown)
            case .reload:
                log.note("received \(SignalName.of(number)): reloading \(options.manifestPath ?? "the manifest")")
                reloadOnSignal()
            case .reopenLogs:
                reopenMovedLogs(after: number)
            case .childChanged:
                childChanged = true
            case .ignore:
                log.note("received \(SignalName.of(number)): ignored (SIGHUP reloads, SIGUSR2 reopens moved logs; SIGTERM, SIGINT and SIGQUIT stop)")
            }
        }
        // After this wake-up's exits are reaped, so an agent that just died is not running.
        if childChanged { orphanScanPending = true }
    }

    /// SIGUSR2: every log file that logrotate moved is opened anew at its path.
    private func reopenMovedLogs(after number: Int32) {
        var reopened = processes.reopenMovedLogs()
        if legacyServices?.reopenMovedLog() == true { reopened += 1 }
        if log.reopenIfMoved() { reopened += 1 }
        log.note("received \(SignalName.of(number)): reopened \(reopened) moved log file(s)")
    }

    func onExit(_ agent: String, _ status: ExitStatus) {
        probes.forget(agent)
        let event = exitEvent(agent, status, cause: processes.cause(of: agent))
        if case .oomKilled = event {
            log.note("\(agent) exited: \(status): killed by the kernel for exceeding its memory limit (oom)")
        } else {
            log.note("\(agent) exited: \(status)")
        }
        // A restart (kill -9 to new pid) spawns in here; the orphan scan comes after it.
        feed(event)
        killDescendants(of: agent)
    }
}

/// Why the reactor could not be set up.
public enum ReactorError: Error, CustomStringConvertible {
    case controlUnavailable(String)

    public var description: String {
        switch self {
        case .controlUnavailable(let message): message
        }
    }
}
