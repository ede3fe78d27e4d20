import CZeroMQ
import SupervisorModel

/// One answer of the ZAP handler, for the daemon's log: who knocked, with which key, and why
/// it was let in or not.
public struct ZAPDecision: Equatable, Sendable, CustomStringConvertible {
    /// The ZAP domain of the server socket (`supervisor`).
    public var domain: String
    /// The client's IP address.
    public var address: String
    /// `CURVE`, `NULL` or `PLAIN`.
    public var mechanism: String
    /// The client's public key (Z85), for CURVE.
    public var publicKey: String?
    /// The key's name in `authorized` when it is accepted; it becomes the messages' `User-Id`.
    public var name: String?
    /// The key's right when it is accepted.
    public var right: ControlCommand.Right?
    /// 200 accepted, 400 refused, 500 a malformed request.
    public var statusCode: Int
    /// Why, e.g. `not in keys/authorized`.
    public var reason: String

    /// True when the client was let in.
    public var accepted: Bool { statusCode == 200 }

    /// `refused key rq:rM>}U… from 10.0.0.2: not in keys/authorized`,
    /// `accepted key rq:rM>}U… (admin, admin) from 10.0.0.2`.
    public var description: String {
        let who = publicKey.map { "key \(Z85Key.abbreviated($0))" } ?? "\(mechanism) client"
        let from = address.isEmpty ? "" : " from \(address)"
        guard accepted else { return "refused \(who)\(from): \(reason)" }
        return "accepted \(who) (\(name ?? "?"), \(right?.rawValue ?? "?"))\(from)"
    }
}

/// The ZAP handler (ZeroMQ RFC 27): a REP socket on `inproc://zeromq.zap.01` that libzmq asks
/// about every CurveZMQ client of a server socket in the same context. It accepts a key listed
/// in `authorized` and names the connection after it (`User-Id`); everything else is refused.
///
/// Only one may exist per context (the endpoint is fixed), and it must exist before a Curve
/// server socket handshakes: without one libzmq lets every key in. It answers only when its
/// owner calls `handlePending()` (poll `pollItem`), and libzmq holds the handshake until then.
public final class ZAPHandler {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"
    /// Requests answered per call, so a connection storm cannot starve the owner's loop.
    static let batchSize = 256

    /// The REP socket.
    public let socket: ZMQSocket
    /// The domain answered for (`CurveSetup.zapDomain`).
    public let domain: String
    private let authorized: () -> AuthorizedKeys

    /// Binds the handler. `authorized` is asked at every request, so it may re-read the file
    /// (as `KeyStore.authorized()` does when it changed). Throws `EADDRINUSE` when the context
    /// already has a ZAP handler.
    public init(
        context: ZMQContext = .shared, domain: String = CurveSetup.zapDomain,
        authorized: @escaping () -> AuthorizedKeys
    ) throws {
        socket = try ZMQSocket(.rep, context: context)
        self.domain = domain
        self.authorized = authorized
        do {
            try socket.bind(Self.endpoint)
        } catch let error as SystemError where error.errno == EADDRINUSE {
            throw SystemError(error.function, errno: error.errno, message: "this ZeroMQ context already has a ZAP handler (only one may exist)")
        }
    }

    /// A handler that checks keys against `keys/authorized` of `store`, re-read when it changes.
    public convenience init(context: ZMQContext = .shared, keyStore: KeyStore) throws {
        try self.init(context: context) { keyStore.authorized().keys }
    }

    deinit {
        close()
    }

    /// Unbinds (also done on deinit). Curve servers of the context then accept every key, so
    /// close it only together with them.
    public func close() {
        socket.close()
    }

    /// The poll item for the owner's loop.
    public var pollItem: zmq_pollitem_t {
        zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
    }

    /// Answers every waiting request (up to `batchSize`) without blocking.
    public func handlePending() -> [ZAPDecision] {
        var decisions: [ZAPDecision] = []
        while decisions.count < Self.batchSize, socket.handle != nil,
              let frames = try? socket.receiveMessage(dontWait: true) {
            let decision = decide(frames)
            // A REP socket must answer before it can receive again, so even a request too short
            // to carry an id gets a (500) reply.
            let requestId = frames.count > 1 ? frames[1] : []
            // User-Id is the client's public key, so each request can be checked against
            // `authorized` as it is then: a key replaced under the same name loses its rights.
            let userId = decision.accepted ? decision.publicKey ?? "" : ""
            let reply: [[UInt8]] = [
                Array("1.0".utf8), requestId, Array(String(decision.statusCode).utf8),
                Array(decision.reason.utf8), Array(userId.utf8), [],
            ]
            socket.sendMessage(reply)
            decisions.append(decision)
        }
        return decisions
    }

    /// The decision for one request: `[version, request-id, domain, address, identity,
    /// mechanism, credentials...]`.
    func decide(_ frames: [[UInt8]]) -> ZAPDecision {
        func text(_ index: Int) -> String {
            index < frames.count ? String(decoding: frames[index], as: UTF8.self) : ""
        }
        var decision = ZAPDecision(
            domain: text(2), address: text(3), mechanism: text(5), publicKey: nil, name: nil, right: nil,
            statusCode: 500, reason: "")
        guard frames.count >= 6 else {
            decision.reason = "malformed ZAP request (\(frames.count) frame(s), at least 6 expected)"
            return decision
        }
        guard text(0) == "1.0" else {
            decision.reason = "unsupported ZAP version \"\(text(0))\" (1.0 expected)"
            return decision
        }
        guard decision.domain == domain else {
            decision.statusCode = 400
            decision.reason = "unknown ZAP domain \"\(decision.domain)\" (this handler answers for \"\(domain)\")"
            return decision
        }
        guard decision.mechanism == "CURVE" else {
            decision.statusCode = 400
            decision.reason = "the \(decision.mechanism) mechanism is not allowed; clients must use CurveZMQ"
            return decision
        }
        guard frames.count == 7, let key = CurveKeyPair.z85(of: frames[6]) else {
            decision.reason = "malformed CURVE credentials (one 32-byte key expected)"
            return decision
        }
        decision.publicKey = key
        let keys = authorized()
        guard let entry = keys.entry(forPublicKey: key) else {
            decision.statusCode = 400
            decision.reason = "not in \(keys.file)"
            return decision
        }
        decision.statusCode = 200
        decision.reason = "OK"
        decision.name = entry.name
        decision.right = entry.right
        return decision
    }
}
