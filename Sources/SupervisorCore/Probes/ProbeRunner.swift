import CSpawn
import CZeroMQ
import Foundation
import SupervisorModel

/// Runs health probes for the reactor, at most one in flight per agent, without blocking:
/// what an in-flight probe waits on is watched by the reactor's event loop from its start to
/// its end, and its deadline sits in a heap (`DeadlineQueue`), so neither the next deadline
/// nor the expired probes cost a scan of every probe.
///
/// ZeroMQ probes keep their REQ socket between probes of one process generation while it keeps
/// answering (a REQ socket is only stuck after a timeout; then it is dropped and a fresh one is
/// made), so the fast start-up polling costs no new TCP connection per probe. A kept socket also
/// stays registered with the event loop until it is closed, so a probe costs no `epoll_ctl`:
/// between probes its notifications only make the loop read `ZMQ_EVENTS` (a REQ socket with no
/// request out receives nothing; should a message ever be there, it is dropped).
///
/// With `health.discover`, a probe of the configured port that gets no answer (a zmq timeout,
/// a refused or failed tcp connect) or an answer from another agent goes on as a discovery
/// round (`ProbeRunner+Discovery`) over the ports the agent's processes listen on.
final class ProbeRunner {
    /// What a probe waits on.
    enum Wait {
        case zmq(ZMQSocket)
        case tcp(Int32)
        case exec(pid: Int32, pidfd: Int32)
        /// Discovery: one zmq request or tcp connect per candidate port, most likely first.
        case discovery([Candidate])
    }

    /// One port tried by a discovery round.
    struct Candidate {
        var port: Int
        /// `.zmq` or `.tcp`.
        var wait: Wait
        /// nil while no answer has come.
        var answer: ProbeOutcome?
    }

    struct Flight {
        var spec: AgentSpec
        var generation: Int
        /// The port probed (zmq and tcp probes of one port).
        var port: Int?
        var wait: Wait
        var deadline: TimeInterval
        /// When this probe fails for want of an answer, look at the agent's other ports.
        var mayDiscover = false
        /// For a discovery round: the configured port's failure, reported if no port answers.
        var failure: ProbeOutcome?
    }

    /// A finished probe.
    struct Result {
        var agent: String
        var generation: Int
        var outcome: ProbeOutcome
        /// Set when a discovery round found the port that answered.
        var discoveredPort: Int?
    }

    /// In-flight probes by agent; changed only through `store` and `takeFlight`, which keep the
    /// loop's registrations and the deadlines in step.
    var flights: [String: Flight] = [:]
    /// Each flight's deadline, by agent.
    private var deadlines = DeadlineQueue<String>()
    /// The reactor's event loop; nil for a runner used alone (tests poll `pollItems`).
    var loop: EventLoop<ReactorTag>?
    var idleSockets: [String: (generation: Int, port: Int, socket: ZMQSocket)] = [:]
    /// The generation each agent's last REQ socket was made for: the first socket of a
    /// generation (the probe sent at spawn) reconnects fast, see `requestSocket`.
    private var socketGenerations: [String: Int] = [:]
    var launcher: AgentLauncher
    /// The TCP ports the agent's processes listen on, reachable at its probe address (the
    /// reactor reads them from /proc); consulted only for a discovery round.
    var listeningPorts: (AgentSpec) -> [Int] = { _ in [] }

    init(launcher: AgentLauncher) {
        self.launcher = launcher
    }

    /// Starts a probe; returns its result at once when it is known without waiting. `port`,
    /// when set, is the port discovery found for this generation: it is probed instead of the
    /// configured one, and no further discovery is made.
    func start(_ spec: AgentSpec, generation: Int, port found: Int? = nil, now: TimeInterval) -> Result? {
        forget(spec.name, keepIdleSocketOf: generation)
        let health = spec.health
        let port = found ?? spec.healthProbePort ?? 0
        var flight = Flight(spec: spec, generation: generation, port: port, wait: .tcp(-1), deadline: now + health.timeout)
        flight.mayDiscover = health.discover && found == nil
        func done(_ outcome: ProbeOutcome) -> Result {
            Result(agent: spec.name, generation: generation, outcome: outcome)
        }
        switch health.kind {
        case .none:
            return done(.healthy)
        case .zmq:
            let socket: ZMQSocket
            do {
                socket = try reusableSocket(for: spec.name, generation: generation, address: health.probeAddress, port: port)
            } catch {
                return done(.unhealthy("cannot send the health request: \(error)"))
            }
            do {
                try socket.send(HealthReply.request, dontWait: true)
                flight.wait = .zmq(socket)
                store(flight)
                return nil
            } catch {
                // A kept socket is still watched: unwatched and closed, so it does not stay
                // registered (and reconnecting) with no probe to own it.
                unwatch(.zmq(socket))
                Self.release(.zmq(socket))
                return done(.unhealthy("cannot send the health request: \(error)"))
            }
        case .tcp:
            switch TCPConnectProbe.begin(address: health.probeAddress, port: port) {
            case .connected: return done(.healthy)
            case .refused(let reason): return failed(flight, .notReady(reason), now: now)
            case .pending(let fd):
                flight.wait = .tcp(fd)
                store(flight)
                return nil
            }
        case .exec:
            let environment = launcher.environment(for: spec)
            let directory = launcher.workingDirectory(for: spec)
            let resolved = ExecutableResolver.resolve(
                health.command[0], directory: directory, searchPath: environment["PATH"] ?? AgentLauncher.defaultSearchPath)
            guard case .success(let path) = resolved else {
                if case .failure(let failure) = resolved { return done(.unhealthy("health command: \(failure)")) }
                return nil
            }
            let started = AgentLauncher.spawn(
                path: path, arguments: health.command, environment: environment, directory: directory,
                stdout: -1, stderr: -1, descriptorLimit: launcher.nofileSoftLimit)
            switch started {
            case .success(let (pid, pidfd)):
                flight.wait = .exec(pid: pid, pidfd: pidfd)
                store(flight)
                return nil
            case .failure(let failure):
                return done(.unhealthy("health command: \(failure)"))
            }
        }
    }

    /// Keeps an in-flight probe: its deadline, and what it waits on, watched.
    func store(_ flight: Flight) {
        let agent = flight.spec.name
        flights[agent] = flight
        deadlines.set(agent, at: flight.deadline)
        watch(flight.wait, for: agent)
    }

    /// Ends the agent's probe: without a deadline, nothing closed yet, and unwatched unless
    /// `keepingWatched` (a REQ socket that answered, kept registered while it is idle).
    @discardableResult
    func takeFlight(_ agent: String, keepingWatched: Bool = false) -> Flight? {
        guard let flight = flights.removeValue(forKey: agent) else { return nil }
        deadlines.cancel(agent)
        if !keepingWatched { unwatch(flight.wait) }
        return flight
    }

    /// Closes the agent's idle socket (unwatched first), if it has one.
    func closeIdleSocket(of agent: String) {
        guard let idle = idleSockets.removeValue(forKey: agent) else { return }
        loop?.remove(idle.socket)
        idle.socket.close()
    }

    /// Registers what `wait` waits on with the loop. Should epoll refuse it (out of memory),
    /// the probe ends at its deadline, as one that got no answer.
    func watch(_ wait: Wait, for agent: String) {
        guard let loop else { return }
        switch wait {
        case .zmq(let socket): try? loop.add(socket, tag: .probe(agent), answersOnly: true)
        case .tcp(let fd): if fd >= 0 { try? loop.add(fd, .writable, tag: .probe(agent)) }
        case .exec(_, let pidfd): try? loop.add(pidfd, tag: .probe(agent))
        case .discovery(let candidates):
            for candidate in candidates where candidate.answer == nil { watch(candidate.wait, for: agent) }
        }
    }

    /// Removes what `wait` waits on from the loop (before it is closed or kept idle).
    func unwatch(_ wait: Wait) {
        guard let loop else { return }
        switch wait {
        case .zmq(let socket): loop.remove(socket)
        case .tcp(let fd): if fd >= 0 { loop.remove(fd) }
        case .exec(_, let pidfd): loop.remove(pidfd)
        case .discovery(let candidates): for candidate in candidates { unwatch(candidate.wait) }
        }
    }

    /// Poll items of every in-flight probe, tagged with their agent (for a runner used without
    /// an event loop; the reactor's loop watches each probe from `store` to `takeFlight`).
    func pollItems() -> [(item: zmq_pollitem_t, agent: String)] {
        var items: [(item: zmq_pollitem_t, agent: String)] = []
        for (agent, flight) in flights {
            switch flight.wait {
            case .discovery(let candidates):
                for candidate in candidates where candidate.answer == nil {
                    if let item = Self.pollItem(candidate.wait) { items.append((item, agent)) }
                }
            default:
                if let item = Self.pollItem(flight.wait) { items.append((item, agent)) }
            }
        }
        return items
    }

    private static func pollItem(_ wait: Wait) -> zmq_pollitem_t? {
        switch wait {
        case .zmq(let socket): zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
        case .tcp(let fd): zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLOUT), revents: 0)
        case .exec(_, let pidfd): zmq_pollitem_t(socket: nil, fd: pidfd, events: Int16(ZMQ_POLLIN), revents: 0)
        case .discovery: nil
        }
    }

    /// The agent's probe has an event: finish it if it is complete.
    func complete(_ agent: String) -> Result? {
        guard let flight = flights[agent] else {
            // An idle socket stays watched: drop whatever it holds, or the loop would report it
            // again at every wait.
            if let idle = idleSockets[agent]?.socket { while (try? idle.receiveMessage(dontWait: true)) != nil {} }
            return nil
        }
        let outcome: ProbeOutcome
        switch flight.wait {
        case .zmq(let socket):
            guard let reply = try? socket.receiveMessage(dontWait: true) else { return nil }
            outcome = HealthReply.interpret(
                reply.last ?? [], healthy: flight.spec.health.healthyStatus, notReady: flight.spec.health.notReadyStatus,
                expecting: Self.expectation(flight.spec, port: flight.port ?? 0))
            takeFlight(agent, keepingWatched: true)
            idleSockets[agent] = (flight.generation, flight.port ?? 0, socket)
        case .tcp(let fd):
            // An event of another poll item of this agent (a discovery round) may arrive while
            // this connect is still in progress: finish only once it has.
            guard let finished = TCPConnectProbe.check(fd) else { return nil }
            outcome = finished
            takeFlight(agent)
        case .exec(let pid, let pidfd):
            var code: Int32 = -1, signal: Int32 = -1, core: Int32 = 0
            guard cspawn_pidfd_reap(pidfd, pid, &code, &signal, &core) == 1 else { return nil }
            takeFlight(agent)
            close(pidfd)
            outcome = code == 0 ? .healthy : .unhealthy(code >= 0 ? "health command exit code \(code)" : "health command killed by signal \(signal)")
        case .discovery:
            return collectDiscoveryAnswers(agent)
        }
        if case .wrongAgent = outcome { return failed(flight, outcome, now: MonotonicClock.now()) }
        if case .tcp = flight.wait, !outcome.isHealthy { return failed(flight, outcome, now: MonotonicClock.now()) }
        return Result(agent: agent, generation: flight.generation, outcome: outcome)
    }

    /// Probes whose deadline passed, as timeouts (or, for a discovery round, its verdict).
    func expire(now: TimeInterval) -> [Result] {
        var late: [(agent: String, flight: Flight)] = []
        while let agent = deadlines.popDue(now: now) {
            if let flight = flights[agent] { late.append((agent, flight)) }
        }
        return late.compactMap { agent, flight in
            if case .discovery = flight.wait { return settleDiscovery(agent, final: true) }
            forget(agent)
            let timeout = Quantity.describe(seconds: flight.spec.health.timeout)
            if case .exec = flight.wait {
                return Result(agent: agent, generation: flight.generation, outcome: .unhealthy("no answer within \(timeout)"))
            }
            return failed(flight, .unhealthy("no answer within \(timeout)"), now: now)
        }
    }

    /// The processes of health commands in flight (children of the supervisor, not orphans).
    var processIDs: [Int32] {
        flights.values.compactMap { flight in
            if case .exec(let pid, _) = flight.wait { return pid }
            return nil
        }
    }

    /// The earliest probe deadline.
    var nextDeadline: TimeInterval? { deadlines.nextDeadline() }

    /// Drops the agent's probe and sockets (the process is gone, or a new probe replaces it).
    func forget(_ agent: String, keepIdleSocketOf generation: Int? = nil) {
        if let flight = takeFlight(agent) { Self.release(flight.wait) }
        if let idle = idleSockets[agent], idle.generation != generation { closeIdleSocket(of: agent) }
    }

    /// Closes what a probe waits on (a hanging health command is killed and reaped).
    static func release(_ wait: Wait) {
        switch wait {
        case .zmq(let socket): socket.close()
        case .tcp(let fd): if fd >= 0 { close(fd) }
        case .exec(let pid, let pidfd):
            kill(-pid, SIGKILL)
            var code: Int32 = 0, signal: Int32 = 0, core: Int32 = 0
            // SIGKILL is prompt; wait so that no zombie is left behind.
            var status: Int32 = 0
            if cspawn_pidfd_reap(pidfd, pid, &code, &signal, &core) == 0 { waitpid(pid, &status, 0) }
            close(pidfd)
        case .discovery(let candidates):
            // Answered tcp candidates hold nothing (-1); answered zmq ones still hold their socket.
            for candidate in candidates { release(candidate.wait) }
        }
    }

    /// Who must answer on `port`: the agent (or, imported as `Name-host`, `Name`).
    static func expectation(_ spec: AgentSpec, port: Int) -> HealthReply.Expectation {
        HealthReply.Expectation(agent: spec.name, host: spec.host, port: port)
    }

    func reusableSocket(for agent: String, generation: Int, address: String, port: Int) throws -> ZMQSocket {
        if let idle = idleSockets[agent] {
            if idle.generation == generation && idle.port == port {
                idleSockets[agent] = nil
                return idle.socket
            }
            closeIdleSocket(of: agent)
        }
        let first = socketGenerations[agent] != generation
        socketGenerations[agent] = generation
        return try Self.requestSocket(address: address, port: port, justSpawned: first)
    }

    /// Reconnect interval and its ceiling (ms) of the first socket of a generation, made as the
    /// agent is spawned: the connect is refused until the agent binds, some 10-20 ms later for
    /// a compiled agent, and each retry waits `ivl` doubled up to the ceiling. With 10 ms
    /// (plus up to 10 ms of libzmq's jitter) the retry after the bind came up to 20 ms late, at
    /// every dependency level; with 1 ms up to 4 ms it comes within 4 ms, for a refused
    /// loopback connect every 4 ms while the agent starts (a few microseconds each). Ports
    /// stay below the ephemeral range, so these retries cannot connect to themselves.
    static let spawnReconnect: (interval: Int32, ceiling: Int32) = (1, 4)
    /// The same for every later socket (after a timeout, or for discovery): the agent was up
    /// once, so a refused connect is no longer the start-up race, and an idle one costs little.
    static let laterReconnect: (interval: Int32, ceiling: Int32) = (10, 100)

    /// A fresh REQ socket connected to address:port.
    static func requestSocket(address: String, port: Int, justSpawned: Bool = false) throws -> ZMQSocket {
        let socket = try ZMQSocket(.req)
        // Reconnect fast while the agent has not bound yet, so its first answer is not delayed.
        let reconnect = justSpawned ? spawnReconnect : laterReconnect
        try socket.setOption(ZMQ_RECONNECT_IVL, reconnect.interval)
        try socket.setOption(ZMQ_RECONNECT_IVL_MAX, reconnect.ceiling)
        try socket.connect(ZMQEndpoint.tcp(address, port: port))
        return socket
    }
}
