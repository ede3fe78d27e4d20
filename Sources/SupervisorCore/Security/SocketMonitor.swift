import CZeroMQ
import Foundation

/// What happened to one of a socket's connections, as libzmq's socket monitor reports it.
public struct SocketEvent: Equatable, Sendable, CustomStringConvertible {
    /// The event, with its value where it means something.
    public enum Kind: Equatable, Sendable {
        /// A connecting socket reached its peer (before the handshake).
        case connected
        /// A connection was lost or closed by the peer.
        case disconnected
        /// The ZMTP handshake (and, with CurveZMQ, the ZAP check) succeeded.
        case handshakeSucceeded
        /// The handshake failed without a protocol error (e.g. the peer went away).
        case handshakeFailedNoDetail
        /// The handshake failed on a protocol error: `ZMQ_PROTOCOL_ERROR_*`, e.g.
        /// `ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH` when one side is not CurveZMQ.
        case handshakeFailedProtocol(code: UInt32)
        /// The ZAP handler refused the peer: its status code (400 for an unknown key).
        case handshakeFailedAuth(statusCode: UInt32)
        /// A listening socket accepted a TCP connection (before the handshake).
        case accepted
        /// A connection's socket was closed.
        case closed
        /// Any other `ZMQ_EVENT_*` (listening, connect-delayed, connect-retried, ...).
        case other(id: UInt16)
    }

    public var kind: Kind
    /// libzmq's value for the event (a file descriptor, an errno, a status or protocol code).
    public var value: UInt32
    /// The endpoint concerned, e.g. `tcp://127.0.0.1:7700`.
    public var endpoint: String

    public init(kind: Kind, value: UInt32, endpoint: String) {
        self.kind = kind
        self.value = value
        self.endpoint = endpoint
    }

    /// Parses a libzmq 4.x monitor message: frame 1 is a 16-bit event id and a 32-bit value in
    /// host byte order, frame 2 the endpoint. Nil when the frames do not have that shape.
    public init?(frames: [[UInt8]]) {
        guard frames.count >= 2, frames[0].count == 6 else { return nil }
        // Host byte order, as libzmq writes them (memcpy of a uint16_t and a uint32_t).
        let (event, value) = frames[0].withUnsafeBytes {
            ($0.loadUnaligned(as: UInt16.self), $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        let kind: Kind = switch Int32(event) {
        case ZMQ_EVENT_CONNECTED: .connected
        case ZMQ_EVENT_DISCONNECTED: .disconnected
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: .handshakeSucceeded
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: .handshakeFailedNoDetail
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: .handshakeFailedProtocol(code: value)
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: .handshakeFailedAuth(statusCode: value)
        case ZMQ_EVENT_ACCEPTED: .accepted
        case ZMQ_EVENT_CLOSED: .closed
        default: .other(id: event)
        }
        self.init(kind: kind, value: value, endpoint: String(decoding: frames[1], as: UTF8.self))
    }

    /// True for the three handshake failures.
    public var isHandshakeFailure: Bool {
        switch kind {
        case .handshakeFailedNoDetail, .handshakeFailedProtocol, .handshakeFailedAuth: true
        default: false
        }
    }

    /// `handshake failed on tcp://127.0.0.1:7700: mechanism mismatch (not CurveZMQ?)`.
    public var description: String {
        switch kind {
        case .connected: "connected to \(endpoint)"
        case .disconnected: "disconnected from \(endpoint)"
        case .handshakeSucceeded: "handshake succeeded on \(endpoint)"
        case .handshakeFailedNoDetail: "handshake failed on \(endpoint) (no detail, errno \(value))"
        case .handshakeFailedProtocol(let code): "handshake failed on \(endpoint): \(Self.protocolErrorName(code))"
        case .handshakeFailedAuth(let status): "refused by the server's key check on \(endpoint) (ZAP status \(status))"
        case .accepted: "accepted a connection on \(endpoint)"
        case .closed: "closed a connection on \(endpoint)"
        case .other(let id): "event 0x\(String(id, radix: 16)) (value \(value)) on \(endpoint)"
        }
    }

    /// A phrase for a `ZMQ_PROTOCOL_ERROR_*` code.
    public static func protocolErrorName(_ code: UInt32) -> String {
        switch Int32(bitPattern: code) {
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: "security mechanism mismatch (one side does not use CurveZMQ)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: "cryptographic error (wrong server key?)"
        case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: "key exchange failed"
        case ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: "unexpected ZMTP command"
        case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE: "invalid ZMTP sequence"
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED...ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME:
            "malformed ZMTP command"
        case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA: "invalid metadata"
        case ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED...ZMQ_PROTOCOL_ERROR_ZAP_INVALID_METADATA: "bad answer from the ZAP handler"
        default: "protocol error 0x\(String(code, radix: 16))"
        }
    }
}

/// Watches a socket's connections through `zmq_socket_monitor`: libzmq publishes events on an
/// inproc PAIR endpoint, and this reads them without blocking. Create it before the socket binds
/// or connects (earlier events are lost), and use it on the socket's thread.
public final class SocketMonitor {
    /// The PAIR end the owner polls.
    public let socket: ZMQSocket
    /// The inproc endpoint libzmq publishes on.
    public let endpoint: String
    private weak var target: ZMQSocket?

    /// Starts monitoring `target` for `events` (a mask of `ZMQ_EVENT_*`).
    public init(_ target: ZMQSocket, events: Int32 = ZMQ_EVENT_ALL) throws {
        endpoint = "inproc://monitor.\(UUID().uuidString)"
        guard zmq_socket_monitor(target.handle, endpoint, events) == 0 else {
            throw ZMQSocket.lastError("zmq_socket_monitor(\(endpoint))")
        }
        self.target = target
        // Same context: inproc endpoints exist only inside one.
        socket = try ZMQSocket(.pair, context: target.context)
        try socket.connect(endpoint)
    }

    deinit {
        close()
    }

    /// Stops monitoring and closes the PAIR end (also done on deinit).
    public func close() {
        if let handle = target?.handle { zmq_socket_monitor(handle, nil, 0) }
        target = nil
        socket.close()
    }

    /// The poll item for the owner's loop.
    public var pollItem: zmq_pollitem_t {
        zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
    }

    /// Every event waiting now; never blocks.
    public func pendingEvents() -> [SocketEvent] {
        var events: [SocketEvent] = []
        while socket.handle != nil, let frames = try? socket.receiveMessage(dontWait: true) {
            if let event = SocketEvent(frames: frames) { events.append(event) }
        }
        return events
    }
}
