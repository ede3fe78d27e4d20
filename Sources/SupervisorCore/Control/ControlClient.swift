import CZeroMQ
import Foundation
import SupervisorModel

/// A client of a supervisor's control endpoint (what the CLI verbs use): one DEALER socket,
/// one JSON request frame, one reply. With `credentials` it speaks CurveZMQ; a refused handshake
/// (unknown key, no key, wrong server key) is reported at once, not as a timeout.
public final class ControlClient {
    public let host: HostTable.Host
    public let credentials: ClientCredentials?
    public var endpoint: String { ZMQEndpoint.tcp(host.address, port: host.controlPort) }
    public var eventsEndpoint: String { ZMQEndpoint.tcp(host.address, port: host.controlPort + 1) }

    public init(host: HostTable.Host, credentials: ClientCredentials? = nil) {
        self.host = host
        self.credentials = credentials
    }

    /// Sends one command and returns the reply's `data`, decoded as the command's reply type
    /// (`HostStatus`, `PingReply`, `CommandResults`, ...), or the supervisor's error. With
    /// nothing listening the error is `supervisor.unreachable`; a refused CurveZMQ handshake is
    /// `request.unauthenticated`.
    public func request<Reply: Decodable>(
        _ command: ControlCommand, as type: Reply.Type, timeout: TimeInterval = 15
    ) -> Result<Reply, ControlError> {
        request(command, timeout: timeout).flatMap { $0.decode(type) }
    }

    /// The same for a reply type that reads itself from the parsed frame (`HostStatus`), without
    /// `JSONDecoder`.
    public func request<Reply: Decodable & JSONReadable>(
        _ command: ControlCommand, as type: Reply.Type, timeout: TimeInterval = 15
    ) -> Result<Reply, ControlError> {
        request(command, timeout: timeout).flatMap { $0.decode(type) }
    }

    /// Sends one command and returns the reply as received (its `data` decodes as the
    /// command's reply type, or reads as a `JSONValue` for `--json`). Errors as above.
    public func request(_ command: ControlCommand, timeout: TimeInterval = 15) -> Result<ControlReplyData, ControlError> {
        // Connecting never fails in ZeroMQ; a TCP connect first tells "nobody there" at once.
        guard TCPConnectProbe.accepts(address: host.address, port: host.controlPort, timeout: min(timeout, 3)) else {
            return .failure(unreachable())
        }
        let id = String(UInt32.random(in: 0...UInt32.max))
        return exchange(ControlRequestFrame.bytes(command, id: id), id: id, timeout: timeout) { last in
            let reply = ControlReplyData(bytes: last)
            guard let identity = reply.identity else {
                return .failure(ControlError(.malformed, "the supervisor's reply is not a JSON object"))
            }
            if let replyId = identity.id, replyId != id { return nil }
            return reply.refusal.map { .failure($0) } ?? .success(reply)
        }
    }

    /// Sends `body` on a fresh DEALER and hands each reply frame to `decode` until it returns
    /// a result (nil: not the reply to this request) or `timeout` passes.
    private func exchange<Value>(
        _ body: [UInt8], id: String, timeout: TimeInterval, decode: ([UInt8]) -> Result<Value, ControlError>?
    ) -> Result<Value, ControlError> {
        do {
            let socket = try ZMQSocket(.dealer)
            try credentials?.apply(to: socket)
            let monitor = try SocketMonitor(socket, events: Self.handshakeEvents)
            defer { monitor.close() }
            try socket.connect(endpoint)
            try socket.send(body)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                var items = [
                    zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
                    monitor.pollItem,
                ]
                guard zmq_poll(&items, 2, max(1, Int(deadline.timeIntervalSinceNow * 1000))) > 0 else { continue }
                if let refusal = handshakeRefusal(monitor.pendingEvents()) { return .failure(refusal) }
                guard let frames = try socket.receiveMessage(dontWait: true), let last = frames.last else { continue }
                if let result = decode(last) { return result }
            }
            return .failure(ControlError(.unreachable, "no reply from the supervisor of \(host.name) at \(endpoint) within \(Int(timeout)) s"))
        } catch {
            return .failure(ControlError(.unreachable, "cannot reach \(endpoint): \(error)"))
        }
    }

    static let handshakeEvents = ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
        | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL

    /// The error for a failed handshake among `events`, or nil.
    func handshakeRefusal(_ events: [SocketEvent]) -> ControlError? {
        for event in events {
            let message: String
            switch event.kind {
            case .handshakeFailedAuth:
                message = "the supervisor of \(host.name) refused key '\(credentials?.keyName ?? "?")': it is not in that host's keys/authorized"
            case .handshakeFailedProtocol(let code) where code == UInt32(ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH):
                message = credentials == nil
                    ? "the supervisor of \(host.name) requires a CurveZMQ key: pass --key NAME (keys from `supervisor keys init`, see docs/security.md)"
                    : "the supervisor of \(host.name) does not use CurveZMQ (started with --insecure-control?): pass --key none"
            case .handshakeFailedProtocol(let code):
                message = "CurveZMQ handshake with the supervisor of \(host.name) failed (\(SocketEvent.protocolErrorName(code)))"
            case .handshakeFailedNoDetail where credentials != nil:
                message = "CurveZMQ handshake with the supervisor of \(host.name) failed: its key is not the one in keys/hosts/\(host.name).pub, or it does not use CurveZMQ"
            default:
                continue
            }
            return ControlError(.unauthenticated, message)
        }
        return nil
    }

    private func unreachable() -> ControlError {
        ControlError(.unreachable, "no supervisor running for host \(host.name) (nothing listens on \(endpoint))")
    }
}
