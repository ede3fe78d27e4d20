import CZeroMQ
import Foundation
import SupervisorModel

/// The control endpoint: a ROUTER socket owned by the reactor thread. It turns any bytes into
/// either a parsed request or an error reply, and never blocks on a slow or vanished client.
///
/// Authorization is a separate step (`ControlAuthorizer`), so a ZAP handler that names clients
/// by key can decide rights per command later without touching the request path.
final class ControlServer {
    /// Largest request accepted; libzmq drops a peer that sends more.
    static let maxMessageSize: Int64 = 1 << 20
    /// Requests handled per reactor turn, so one flooding client cannot starve the rest.
    static let batchSize = 256

    /// One request as received: where to answer, who asked, and what.
    struct Incoming {
        var envelope: [[UInt8]]
        var client: ControlClientIdentity
        var request: Result<ControlRequest, ControlRequest.IdentifiedError>
    }

    /// Replies queued per client that does not read them; more are dropped. A DEALER keeps a
    /// few requests in flight, so this is plenty, and a client that never reads costs at most
    /// this many replies.
    static let sendHighWaterMark: Int32 = 1000
    /// Requests queued per client before libzmq stops reading its connection (TCP pushes back;
    /// nothing is lost). Messages may be 1 MiB each, so this bounds what one client can make
    /// the supervisor hold: 16 MiB (10 000 let four clients of 900 KB frames take 360 MB).
    static let receiveHighWaterMark: Int32 = 16

    let socket: ZMQSocket
    let endpoint: String
    /// Which refusals get an event and a log line of their own.
    var refusals = RefusalThrottle()
    /// Each agent's status fields but its clocks, as encoded for the last `status` that
    /// included it (encoded again when they changed; emptied by a reload).
    var statusFragments: [String: AgentStatusFragments] = [:]
    /// The size of the last status reply, to reserve as much for the next.
    var lastStatusReplySize = 4096
    /// The last status reply's storage, sent and kept to write the next one over: a reply of
    /// 40 KB (84 agents) to 500 KB (1000) then costs no allocation, no page faults and no
    /// return of memory to the kernel per request.
    private var spareReplyBuffer: [UInt8] = []
    /// With CurveZMQ: the socket's connection events, for logging refused handshakes.
    let monitor: SocketMonitor?

    /// Binds the ROUTER; with `curve`, as a CurveZMQ server with that key pair (the ZAP handler
    /// must already be bound).
    init(address: String, port: Int, curve: CurveKeyPair? = nil) throws {
        endpoint = ZMQEndpoint.tcp(address, port: port)
        socket = try ZMQSocket(.router)
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: Self.maxMessageSize)
        try socket.setOption(ZMQ_SNDHWM, Self.sendHighWaterMark)
        try socket.setOption(ZMQ_RCVHWM, Self.receiveHighWaterMark)
        monitor = try CurveSetup.serve(socket, keys: curve)
        try socket.bind(endpoint)
    }

    /// The poll item for the reactor.
    var pollItem: zmq_pollitem_t {
        zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
    }

    /// Up to `batchSize` waiting requests.
    func receiveBatch() -> [Incoming] {
        var batch: [Incoming] = []
        while batch.count < Self.batchSize, let message = try? socket.receiveMessageWithMetadata() {
            if var incoming = Self.split(message.frames, peer: message.peerAddress) {
                incoming.client.publicKey = message.userId.flatMap { $0.isEmpty ? nil : $0 }
                batch.append(incoming)
            }
        }
        return batch
    }

    /// Answers on the request's envelope; dropped silently if the client is gone.
    func reply(_ envelope: [[UInt8]], _ payload: [UInt8]) {
        socket.sendMessage(envelope + [payload])
    }

    /// The kept reply storage (empty when there is none), handed over so that it is unique.
    func takeSpareReplyBuffer() -> [UInt8] {
        defer { spareReplyBuffer = [] }
        return spareReplyBuffer
    }

    /// Keeps a sent reply's storage for the next status reply.
    func keepSpareReplyBuffer(_ bytes: [UInt8]) {
        spareReplyBuffer = bytes
    }

    /// Lets a last reply (to `down`) leave before the socket closes.
    func closeGracefully() {
        monitor?.close()
        try? socket.setOption(ZMQ_LINGER, Int32(500))
        socket.close()
    }

    /// `[identity, payload]` from a DEALER, `[identity, "", payload]` from a REQ.
    static func split(_ frames: [[UInt8]], peer: String?) -> Incoming? {
        guard frames.count >= 2 else { return nil }
        let hasDelimiter = frames[1].isEmpty
        let envelope = hasDelimiter ? Array(frames[0...1]) : [frames[0]]
        let body = Array(frames[envelope.count...])
        let client = ControlClientIdentity(routingId: frames[0], peerAddress: peer)
        guard body.count == 1 else {
            let problem = ControlRequest.IdentifiedError(
                error: ControlError(.malformed, "a request is exactly one frame after the envelope; got \(body.count)"), id: nil)
            return Incoming(envelope: envelope, client: client, request: .failure(problem))
        }
        return Incoming(envelope: envelope, client: client, request: ControlRequest.parseKeepingId(body[0]))
    }
}

/// Who sent a request: libzmq's routing id, the TCP peer address, and with CurveZMQ the
/// client's public key (the User-Id the ZAP handler gave it) and that key's name.
struct ControlClientIdentity {
    var routingId: [UInt8]
    var peerAddress: String?
    var publicKey: String?
    var keyName: String?

    /// `key admin from 10.0.0.2 (id 0a1b2c3d)` or `127.0.0.1 (id 0a1b2c3d)` for logs and
    /// `system.commands` events.
    var description: String {
        let digits = Array("0123456789abcdef".utf8)
        let id = String(decoding: routingId.prefix(8).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
        if let keyName { return "key \(keyName) from \(peerAddress ?? "unknown") (id \(id))" }
        return "\(peerAddress ?? "unknown") (id \(id))"
    }
}

/// Decides what a client may do. Without CurveZMQ (loopback by default) every client is admin;
/// with it, the right comes from the client key's line in `keys/authorized`, as the file is when
/// a batch of requests is served, so an edit of it takes effect at the next request.
struct ControlAuthorizer {
    /// The accepted keys; nil when control is not authenticated.
    let authorized: AuthorizedKeys?

    /// The client with its key's current name filled in.
    func identify(_ client: ControlClientIdentity) -> ControlClientIdentity {
        guard let authorized, let key = client.publicKey else { return client }
        var named = client
        named.keyName = authorized.entry(forPublicKey: key)?.name ?? Z85Key.abbreviated(key)
        return named
    }

    /// nil when allowed, else the refusal.
    func refusal(_ client: ControlClientIdentity, _ command: ControlCommand) -> ControlError? {
        guard let authorized else { return nil }
        let needed = command.requiredRight
        let right = client.publicKey.flatMap { authorized.entry(forPublicKey: $0) }?.right
        if right == .admin || (right == .read && needed == .read) { return nil }
        let who = client.keyName.map { "key '\($0)'" } ?? "this client"
        let has = right.map { "has only the \($0.rawValue) right" } ?? "is no longer in keys/authorized"
        return ControlError(.forbidden, "\(command.name) needs the \(needed.rawValue) right; \(who) \(has)")
    }
}
