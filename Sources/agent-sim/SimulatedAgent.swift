import CZeroMQ
import Foundation
import SupervisorCore

/// One simulated legacy agent: binds its health and main REP sockets, holds the requested
/// load, and runs a single-threaded reactor that answers requests, performs the timed events of
/// its `AgentSchedule` and turns SIGTERM/SIGINT into a clean exit.
///
/// All sockets live on the thread that calls `run()` (libzmq sockets are single-threaded), and
/// the reactor sleeps in zmq_poll until a request, a signal or the next deadline, so 58 idle
/// copies cost no CPU.
final class SimulatedAgent {
    let options: AgentSimOptions
    private let responder: HealthResponder
    private var schedule: AgentSchedule
    private let clock = AgentClock()
    /// Memory held for `--memory` and `--grow-memory`.
    let ballast = MemoryBallast()
    private var healthSocket: ZMQSocket?
    private var mainSocket: ZMQSocket?
    /// Read end of the pipe the signal handler writes to.
    var signalPipe: Int32 = -1
    private var hung = false
    /// Ticks printed so far, for `{n}` in `--line-text`.
    private(set) var ticks = 0

    init(options: AgentSimOptions) {
        self.options = options
        responder = HealthResponder(options: options)
        schedule = AgentSchedule(options: options)
    }

    private var name: String { options.name }
    private var uptime: Double { clock.uptime }

    /// Runs the agent until a signal, a simulated crash or a fatal error ends the process.
    func run() -> Never {
        installSignalHandlers()
        healthSocket = options.healthEndpoint.map { bind($0, role: "health") }
        mainSocket = options.mainEndpoint.map { bind($0, role: "main") }
        Console.line("agent-sim \(name) started pid=\(getpid()) health=\(options.healthEndpoint ?? "none") "
            + "port=\(options.mainEndpoint ?? "none")")
        startLoad()
        if options.printEvery == nil, let text = options.lineText { Console.line(expand(text)) }
        spam()
        while true { turn() }
    }

    /// One reactor turn: perform what is due, wait for work or the next deadline, serve it.
    private func turn() {
        performDueEvents()
        let readIn = Int16(ZMQ_POLLIN)
        // zmq_poll takes plain descriptors too, so the signal pipe wakes the same wait.
        var items = [zmq_pollitem_t(socket: nil, fd: signalPipe, events: readIn, revents: 0)]
        // A hung agent stops reading its health socket: requests queue up unanswered and every
        // probe times out, while the process itself stays alive.
        let pollHealth = healthSocket != nil && !hung
        if pollHealth, let healthSocket {
            items.append(zmq_pollitem_t(socket: healthSocket.handle, fd: 0, events: readIn, revents: 0))
        }
        if let mainSocket {
            items.append(zmq_pollitem_t(socket: mainSocket.handle, fd: 0, events: readIn, revents: 0))
        }

        // Round up so the wake-up lands on or just after the deadline, never a spin just before.
        let timeout = schedule.nextDeadline.map { max(0, Int(((($0 - uptime) * 1000)).rounded(.up))) } ?? -1
        let rc = zmq_poll(&items, Int32(items.count), timeout)
        if rc < 0 {
            let code = zmq_errno()
            if code == EINTR { return }
            Console.error("agent-sim \(name): zmq_poll: \(String(cString: zmq_strerror(code)))")
            exit(1)
        }
        if rc == 0 { return }
        let readable = items.map { $0.revents & readIn != 0 }
        if readable[0] { handleSignals() }
        // The hang may have fallen due during the wait: check before answering.
        performDueEvents()
        var index = 1
        if pollHealth {
            if readable[index], !hung, let healthSocket {
                serve(healthSocket) { self.responder.healthReply(to: $0, uptime: self.uptime) }
            }
            index += 1
        }
        if let mainSocket, readable[index] {
            serve(mainSocket) { self.responder.echoReply(to: $0) }
        }
    }

    /// Answers every request waiting on `socket`. A REP must answer each request before it can
    /// read the next, so even a malformed one gets a reply (an error one).
    private func serve<Reply: Encodable>(_ socket: ZMQSocket, reply: ([[UInt8]]) -> Reply) {
        // Bounded, so a flood on one socket cannot starve the other or the signal pipe.
        for _ in 0..<64 {
            do {
                guard let frames = try socket.receiveMessage(dontWait: true) else { return }
                try socket.send(HealthResponder.encode(reply(frames)))
            } catch {
                Console.error("agent-sim \(name): \(error)")
                return
            }
        }
    }

    private func performDueEvents() {
        for event in schedule.takeDue(at: uptime) {
            switch event {
            case .ready:
                Console.line("\(name) ready after \(AgentClock.format(uptime)) s")
            case .unhealthy:
                Console.line("\(name) unhealthy after \(AgentClock.format(uptime)) s")
            case .hang:
                hung = true
                Console.line("\(name) hanging after \(AgentClock.format(uptime)) s: health checks go unanswered")
            case .tick:
                ticks += 1
                Console.line(expand(options.lineText ?? "\(name) tick {n}"))
            case .growMemory:
                hold(options.growMemoryBytes)
            case .crash:
                crash()
            }
        }
    }

    private func crash() -> Never {
        switch options.crash {
        case .exit(let code):
            let what = code == 0 ? "exiting with code 0" : "crashing with exit code \(code)"
            Console.error("\(name) \(what) after \(AgentClock.format(uptime)) s")
            exit(code)
        case .signal(let signal):
            Console.error("\(name) crashing with \(signal.name) after \(AgentClock.format(uptime)) s")
            signal.deliverToSelf()
        }
    }
}
