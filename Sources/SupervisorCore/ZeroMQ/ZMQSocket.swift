import CZeroMQ
import Foundation

/// A libzmq socket. Not thread-safe: use it only on the thread that created it.
public final class ZMQSocket {
    /// The socket types this project uses.
    public enum Kind {
        case req, rep, dealer, router, pub, sub
        /// One-to-one, for inproc pipes such as a socket monitor's.
        case pair

        var raw: Int32 {
            switch self {
            case .req: ZMQ_REQ
            case .rep: ZMQ_REP
            case .dealer: ZMQ_DEALER
            case .router: ZMQ_ROUTER
            case .pub: ZMQ_PUB
            case .sub: ZMQ_SUB
            case .pair: ZMQ_PAIR
            }
        }
    }

    /// The raw handle, for zmq_poll items.
    public private(set) var handle: UnsafeMutableRawPointer?

    /// The context the socket belongs to. Held so that a private context (tests, a ZAP handler's
    /// peers) outlives its sockets: `zmq_ctx_term` would otherwise wait for them forever.
    public let context: ZMQContext

    public init(_ kind: Kind, context: ZMQContext = .shared) throws {
        guard let socket = zmq_socket(context.handle, kind.raw) else {
            throw ZMQSocket.lastError("zmq_socket")
        }
        handle = socket
        self.context = context
        // Never block process exit on unsent messages.
        try setOption(ZMQ_LINGER, Int32(0))
    }

    deinit {
        close()
    }

    /// Closes the socket now (also done on deinit).
    public func close() {
        if let handle {
            zmq_close(handle)
            self.handle = nil
        }
    }

    public func setOption(_ option: Int32, _ value: Int32) throws {
        var copy = value
        guard zmq_setsockopt(handle, option, &copy, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQSocket.lastError("zmq_setsockopt(\(option))")
        }
    }

    public func setOption(_ option: Int32, int64 value: Int64) throws {
        var copy = value
        guard zmq_setsockopt(handle, option, &copy, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQSocket.lastError("zmq_setsockopt(\(option))")
        }
    }

    public func setOption(_ option: Int32, bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, bytes.count) }
        guard rc == 0 else { throw ZMQSocket.lastError("zmq_setsockopt(\(option))") }
    }

    public func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQSocket.lastError("zmq_bind(\(endpoint))") }
    }

    public func connect(_ endpoint: String) throws {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQSocket.lastError("zmq_connect(\(endpoint))") }
    }

    /// Sends one frame; `more` marks a multipart message. Returns false if it would block
    /// (with `dontWait`).
    @discardableResult
    public func send(_ bytes: [UInt8], more: Bool = false, dontWait: Bool = false) throws -> Bool {
        var flags: Int32 = 0
        if more { flags |= ZMQ_SNDMORE }
        if dontWait { flags |= ZMQ_DONTWAIT }
        while true {
            let rc = bytes.withUnsafeBytes { zmq_send(handle, $0.baseAddress, bytes.count, flags) }
            if rc >= 0 { return true }
            let code = zmq_errno()
            if code == EINTR { continue }
            if code == EAGAIN && dontWait { return false }
            throw SystemError("zmq_send", errno: code, message: String(cString: zmq_strerror(code)))
        }
    }

    public func send(_ text: String, more: Bool = false, dontWait: Bool = false) throws {
        try send(Array(text.utf8), more: more, dontWait: dontWait)
    }

    /// Sends a multipart message without blocking; returns false if it had to be dropped
    /// (peer gone or its queue full).
    @discardableResult
    public func sendMessage(_ frames: [[UInt8]]) -> Bool {
        for (index, frame) in frames.enumerated() {
            let sent = (try? send(frame, more: index < frames.count - 1, dontWait: true)) ?? false
            if !sent { return false }
        }
        return true
    }

    /// Receives one frame, or nil when nothing is waiting (`dontWait`). `hasMore` tells whether
    /// further frames of the same message follow.
    public func receive(dontWait: Bool = false) throws -> (bytes: [UInt8], hasMore: Bool)? {
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        while true {
            let rc = zmq_msg_recv(&message, handle, dontWait ? ZMQ_DONTWAIT : 0)
            if rc >= 0 { break }
            let code = zmq_errno()
            if code == EINTR { continue }
            if code == EAGAIN && dontWait { return nil }
            throw SystemError("zmq_msg_recv", errno: code, message: String(cString: zmq_strerror(code)))
        }
        let size = zmq_msg_size(&message)
        let bytes = size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size))
        return (bytes, zmq_msg_more(&message) != 0)
    }

    /// A message with what libzmq knows of its sender.
    public struct ReceivedMessage {
        /// Every frame, a ROUTER's routing id first.
        public var frames: [[UInt8]]
        /// libzmq's `Peer-Address` (TCP peers), e.g. `10.0.0.2`.
        public var peerAddress: String?
        /// libzmq's `User-Id`: with CurveZMQ, the name the ZAP handler gave the client's key.
        public var userId: String?
    }

    /// Receives a whole multipart message with its sender's `Peer-Address` and `User-Id`, or
    /// nil when nothing is waiting. Never blocks for the first frame.
    public func receiveMessageWithMetadata() throws -> ReceivedMessage? {
        var received = ReceivedMessage(frames: [], peerAddress: nil, userId: nil)
        var more = true
        while more {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while true {
                let rc = zmq_msg_recv(&message, handle, received.frames.isEmpty ? ZMQ_DONTWAIT : 0)
                if rc >= 0 { break }
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN && received.frames.isEmpty { return nil }
                throw SystemError("zmq_msg_recv", errno: code, message: String(cString: zmq_strerror(code)))
            }
            // A ROUTER's routing-id frame carries no metadata; the body frames do.
            if received.peerAddress == nil {
                received.peerAddress = zmq_msg_gets(&message, "Peer-Address").map { String(cString: $0) }
            }
            if received.userId == nil {
                received.userId = zmq_msg_gets(&message, "User-Id").map { String(cString: $0) }
            }
            let size = zmq_msg_size(&message)
            received.frames.append(size == 0 ? [] : Array(UnsafeRawBufferPointer(start: zmq_msg_data(&message), count: size)))
            more = zmq_msg_more(&message) != 0
        }
        return received
    }

    /// Receives a whole multipart message, or nil when nothing is waiting (`dontWait`).
    public func receiveMessage(dontWait: Bool = false) throws -> [[UInt8]]? {
        guard let first = try receive(dontWait: dontWait) else { return nil }
        var frames = [first.bytes]
        var more = first.hasMore
        while more {
            guard let next = try receive() else { break }
            frames.append(next.bytes)
            more = next.hasMore
        }
        return frames
    }

    /// Waits up to `timeout` seconds for the socket to become readable.
    public func waitReadable(timeout: TimeInterval) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = zmq_poll(&item, 1, Int(timeout * 1000))
        return rc > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }

    static func lastError(_ function: String) -> SystemError {
        let code = zmq_errno()
        return SystemError(function, errno: code, message: String(cString: zmq_strerror(code)))
    }
}
