import CSpawn
import CZeroMQ
import Foundation
import SupervisorModel

/// Runs health probes for the reactor, at most one in flight per agent, without blocking:
/// each in-flight probe contributes a poll item and a deadline.
///
/// ZeroMQ probes keep their REQ socket between probes of one process generation while it keeps
/// answering (a REQ socket is only stuck after a timeout; then it is dropped and a fresh one is
/// made), so the fast start-up polling costs no new TCP connection per probe.
final class ProbeRunner {
    /// What a probe waits on.
    enum Wait {
        case zmq(ZMQSocket)
        case tcp(Int32)
        case exec(pid: Int32, pidfd: Int32)
    }

    struct Flight {
        var generation: Int
        var wait: Wait
        var deadline: TimeInterval
        var timeout: TimeInterval
        var healthy: [String] = []
        var notReady: [String] = []
    }

    /// A finished probe.
    struct Result {
        var agent: String
        var generation: Int
        var outcome: ProbeOutcome
    }

    private(set) var flights: [String: Flight] = [:]
    private var idleSockets: [String: (generation: Int, socket: ZMQSocket)] = [:]
    var launcher: AgentLauncher

    init(launcher: AgentLauncher) {
        self.launcher = launcher
    }

    /// Starts a probe; returns its outcome at once when it is known without waiting.
    func start(_ spec: AgentSpec, generation: Int, now: TimeInterval) -> ProbeOutcome? {
        forget(spec.name, keepIdleSocketOf: generation)
        let health = spec.health
        let deadline = now + health.timeout
        switch health.kind {
        case .none:
            return .healthy
        case .zmq:
            do {
                let socket = try reusableSocket(for: spec.name, generation: generation, health: health)
                try socket.send(HealthReply.request, dontWait: true)
                flights[spec.name] = Flight(
                    generation: generation, wait: .zmq(socket), deadline: deadline, timeout: health.timeout,
                    healthy: health.healthyStatus, notReady: health.notReadyStatus)
                return nil
            } catch {
                return .unhealthy("cannot send the health request: \(error)")
            }
        case .tcp:
            let port = health.port ?? spec.port ?? 0
            switch TCPConnectProbe.begin(address: health.probeAddress, port: port) {
            case .connected: return .healthy
            case .refused(let reason): return .notReady(reason)
            case .pending(let fd):
                flights[spec.name] = Flight(generation: generation, wait: .tcp(fd), deadline: deadline, timeout: health.timeout)
                return nil
            }
        case .exec:
            let environment = launcher.environment(for: spec)
            let directory = launcher.workingDirectory(for: spec)
            let resolved = ExecutableResolver.resolve(
                health.command[0], directory: directory, searchPath: environment["PATH"] ?? "/usr/bin:/bin")
            guard case .success(let path) = resolved else {
                if case .failure(let failure) = resolved { return .unhealthy("health command: \(failure)") }
                return nil
            }
            let started = AgentLauncher.spawn(
                path: path, arguments: health.command, environment: environment, directory: directory,
                stdout: -1, stderr: -1)
            switch started {
            case .success(let (pid, pidfd)):
                flights[spec.name] = Flight(generation: generation, wait: .exec(pid: pid, pidfd: pidfd), deadline: deadline, timeout: health.timeout)
                return nil
            case .failure(let failure):
                return .unhealthy("health command: \(failure)")
            }
        }
    }

    /// Poll items of every in-flight probe, tagged with their agent.
    func pollItems() -> [(item: zmq_pollitem_t, agent: String)] {
        flights.map { agent, flight in
            switch flight.wait {
            case .zmq(let socket):
                (zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0), agent)
            case .tcp(let fd):
                (zmq_pollitem_t(socket: nil, fd: fd, events: Int16(ZMQ_POLLOUT), revents: 0), agent)
            case .exec(_, let pidfd):
                (zmq_pollitem_t(socket: nil, fd: pidfd, events: Int16(ZMQ_POLLIN), revents: 0), agent)
            }
        }
    }

    /// The agent's probe has an event: finish it if it is complete.
    func complete(_ agent: String) -> Result? {
        guard let flight = flights[agent] else { return nil }
        let outcome: ProbeOutcome
        switch flight.wait {
        case .zmq(let socket):
            guard let reply = try? socket.receiveMessage(dontWait: true) else { return nil }
            outcome = HealthReply.interpret(reply.last ?? [], healthy: flight.healthy, notReady: flight.notReady)
            flights[agent] = nil
            idleSockets[agent] = (flight.generation, socket)
        case .tcp(let fd):
            outcome = TCPConnectProbe.finish(fd)
            flights[agent] = nil
        case .exec(let pid, let pidfd):
            var code: Int32 = -1, signal: Int32 = -1, core: Int32 = 0
            guard cspawn_pidfd_reap(pidfd, pid, &code, &signal, &core) == 1 else { return nil }
            close(pidfd)
            flights[agent] = nil
            outcome = code == 0 ? .healthy : .unhealthy(code >= 0 ? "health command exit code \(code)" : "health command killed by signal \(signal)")
        }
        return Result(agent: agent, generation: flight.generation, outcome: outcome)
    }

    /// Probes whose deadline passed, as timeouts.
    func expire(now: TimeInterval) -> [Result] {
        let late = flights.filter { $0.value.deadline <= now }
        return late.map { agent, flight in
            forget(agent)
            return Result(agent: agent, generation: flight.generation,
                          outcome: .unhealthy("no answer within \(Quantity.describe(seconds: flight.timeout))"))
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
    var nextDeadline: TimeInterval? { flights.values.map(\.deadline).min() }

    /// Drops the agent's probe and sockets (the process is gone, or a new probe replaces it).
    func forget(_ agent: String, keepIdleSocketOf generation: Int? = nil) {
        if let flight = flights.removeValue(forKey: agent) {
            switch flight.wait {
            case .zmq(let socket): socket.close()
            case .tcp(let fd): close(fd)
            case .exec(let pid, let pidfd):
                kill(-pid, SIGKILL)
                var code: Int32 = 0, signal: Int32 = 0, core: Int32 = 0
                // SIGKILL is prompt; wait so that no zombie is left behind.
                var status: Int32 = 0
                if cspawn_pidfd_reap(pidfd, pid, &code, &signal, &core) == 0 { waitpid(pid, &status, 0) }
                close(pidfd)
            }
        }
        if let idle = idleSockets[agent], idle.generation != generation {
            idle.socket.close()
            idleSockets[agent] = nil
        }
    }

    private func reusableSocket(for agent: String, generation: Int, health: HealthCheckSpec) throws -> ZMQSocket {
        if let idle = idleSockets.removeValue(forKey: agent), idle.generation == generation { return idle.socket }
        let socket = try ZMQSocket(.req)
        // Reconnect fast while the agent has not bound yet, so its first answer is not delayed.
        try socket.setOption(ZMQ_RECONNECT_IVL, Int32(10))
        try socket.setOption(ZMQ_RECONNECT_IVL_MAX, Int32(100))
        try socket.connect(ZMQEndpoint.tcp(health.probeAddress, port: health.port ?? 0))
        return socket
    }
}
