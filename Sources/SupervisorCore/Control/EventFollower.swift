import CZeroMQ
import Foundation
import SupervisorModel

/// Follows one supervisor's event stream for a client (`supervisor events`) and tells when that
/// supervisor is gone: it stopped, or another run of it answers now.
///
/// The SUB socket exchanges ZeroMQ heartbeats with the supervisor (every second, 3 s allowed),
/// so a silent network is noticed too, and a socket monitor reports each lost or refused
/// connection. Only then is the supervisor asked, with a `ping` on a fresh DEALER, whether it is
/// still there and which `instance` it is: a quiet stream costs no requests (and puts no
/// `system.commands` events of its own into the stream it follows). Each event's `instance`
/// is checked as well. The decisions are `SupervisorLiveness`'s.
///
/// Use it on one thread: poll `pollItems`, then call `receive`.
public final class EventFollower {
    public let host: HostTable.Host
    public let eventsEndpoint: String
    public let controlEndpoint: String
    private let credentials: ClientCredentials?
    private let subscriber: ZMQSocket
    private let monitor: SocketMonitor
    private var requester: ZMQSocket?
    private var pingId: String?
    private var pings = 0
    public private(set) var liveness: SupervisorLiveness

    /// Subscribes to `topics` (prefixes; empty: every topic) of `host`. `instance` is the run
    /// followed, as its `ping` answered just before (nil: the first event names it).
    public init(host: HostTable.Host, instance: String?, topics: [String], credentials: ClientCredentials?,
                answerTimeout: Double = 3) throws {
        self.host = host
        self.credentials = credentials
        eventsEndpoint = ZMQEndpoint.tcp(host.address, port: host.controlPort + 1)
        controlEndpoint = ZMQEndpoint.tcp(host.address, port: host.controlPort)
        liveness = SupervisorLiveness(answerTimeout: answerTimeout)
        _ = liveness.sawEvent(instance: instance)
        subscriber = try ZMQSocket(.sub)
        try credentials?.apply(to: subscriber)
        try subscriber.setOption(ZMQ_HEARTBEAT_IVL, Int32(1000))
        try subscriber.setOption(ZMQ_HEARTBEAT_TIMEOUT, Int32(Int(answerTimeout * 1000)))
        try subscriber.setOption(ZMQ_RECONNECT_IVL, Int32(200))
        monitor = try SocketMonitor(subscriber, events: ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED)
        for prefix in topics.isEmpty ? [""] : topics {
            try subscriber.setOption(ZMQ_SUBSCRIBE, bytes: Array(prefix.utf8))
        }
        try subscriber.connect(eventsEndpoint)
    }

    deinit {
        close()
    }

    /// The sockets to wait on.
    public var pollItems: [zmq_pollitem_t] {
        var items = [
            zmq_pollitem_t(socket: subscriber.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
            monitor.pollItem,
        ]
        if let requester {
            items.append(zmq_pollitem_t(socket: requester.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0))
        }
        return items
    }

    /// When `receive` must run even if nothing arrives: the deadline of the ping now out.
    public var nextDeadline: Double? { liveness.deadline }

    /// What arrived, without blocking: up to `limit` event bodies (the JSON frame) in order,
    /// then why the stream ends, if it does. An event of another run is not returned.
    public func receive(now: Double, limit: Int? = nil) -> (events: [[UInt8]], verdict: SupervisorLiveness.Verdict?) {
        var bodies: [[UInt8]] = []
        while limit.map({ bodies.count < $0 }) ?? true, let frames = try? subscriber.receiveMessage(dontWait: true) {
            guard let body = frames.last else { continue }
            let instance = JSONValue.parse(body)?.object?["instance"]?.string
            if let verdict = liveness.sawEvent(instance: instance) { return (bodies, verdict) }
            bodies.append(body)
        }
        let lost = monitor.pendingEvents().contains { event in
            switch event.kind {
            case .disconnected: true
            case .other(let id): Int32(id) == ZMQ_EVENT_CONNECT_RETRIED
            default: false
            }
        }
        if lost, liveness.needsCheck(now: now) { sendPing() }
        while let requester, let frames = try? requester.receiveMessage(dontWait: true) {
            guard let body = frames.last, case .object(let reply)? = JSONValue.parse(body),
                  reply["id"]?.string == pingId else { continue }
            closeRequester()
            let instance = reply["data"]?.object?["instance"]?.string
            if let verdict = liveness.answered(instance: instance) { return (bodies, verdict) }
        }
        return (bodies, liveness.verdict(now: now))
    }

    /// A sentence for the verdict, naming the host.
    public func explain(_ verdict: SupervisorLiveness.Verdict) -> String {
        switch verdict {
        case .stopped(let silence):
            "the supervisor of \(host.name) stopped: no answer on \(controlEndpoint) for \(Int(silence.rounded())) s"
        case .restarted(let was, let now):
            "the supervisor of \(host.name) restarted (instance \(was), now \(now)); its events from here on are another run's"
        }
    }

    public func close() {
        closeRequester()
        monitor.close()
        subscriber.close()
    }

    /// A ping on a fresh DEALER: one that queued requests for a dead connection would answer
    /// late or never.
    private func sendPing() {
        closeRequester()
        pings += 1
        let id = "events-\(host.name)-\(pings)-\(UInt32.random(in: 0...UInt32.max))"
        pingId = id
        do {
            let socket = try ZMQSocket(.dealer)
            try credentials?.apply(to: socket)
            try socket.connect(controlEndpoint)
            // The id is ours (ASCII, no quotes), so the text needs no encoder.
            try socket.send(Array(#"{"v":\#(ControlRequest.version),"cmd":"ping","id":"\#(id)"}"#.utf8), dontWait: true)
            requester = socket
        } catch {
            // Unanswered, the ping's deadline ends the stream.
        }
    }

    private func closeRequester() {
        requester?.close()
        requester = nil
    }
}
