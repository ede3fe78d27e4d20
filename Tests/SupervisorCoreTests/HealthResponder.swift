import CZeroMQ
import Foundation
import Testing
@testable import SupervisorCore

/// The agent side of the legacy health protocol, on a real libzmq socket bound to a loopback
/// port the kernel picks. A REP socket by default; a ROUTER also shows which peer asked.
///
/// libzmq sockets belong to the thread that made them: the tests that use this are synchronous,
/// so the responder, the probe runner and their sockets all live on the test's one thread.
final class HealthResponder {
    let socket: ZMQSocket
    let port: Int
    private let kind: ZMQSocket.Kind
    /// Request bodies received, in order.
    private(set) var requests: [String] = []
    /// For a ROUTER: the routing id of the peer of each request.
    private(set) var peers: [[UInt8]] = []

    init(_ kind: ZMQSocket.Kind = .rep) throws {
        self.kind = kind
        socket = try ZMQSocket(kind)
        try socket.bind("tcp://127.0.0.1:*")
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        try #require(zmq_getsockopt(socket.handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0)
        let endpoint = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        port = try #require(endpoint.split(separator: ":").last.flatMap { Int($0) })
    }

    /// The poll item for the socket.
    var pollItem: zmq_pollitem_t {
        zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)
    }

    /// Answers every waiting request with `reply`.
    func answer(_ reply: String) throws {
        while let frames = try socket.receiveMessage(dontWait: true) {
            requests.append(String(decoding: frames.last ?? [], as: UTF8.self))
            if kind == .router {
                peers.append(frames[0])
                try socket.send(frames[0], more: true)
                try socket.send([], more: true)
            }
            try socket.send(reply)
        }
    }

    /// Polls the responder and the runner's probes, answering requests with `reply`, until
    /// `agent`'s probe completes; returns its result, or nil after `timeout`.
    func exchange(
        _ runner: ProbeRunner, agent: String, reply: String?, timeout: TimeInterval = 20
    ) throws -> ProbeRunner.Result? {
        let deadline = MonotonicClock.now() + timeout
        while MonotonicClock.now() < deadline {
            var items = [pollItem] + runner.pollItems().map(\.item)
            guard zmq_poll(&items, Int32(items.count), 20) >= 0 else { continue }
            if let reply, items[0].revents != 0 { try answer(reply) }
            if items.dropFirst().contains(where: { $0.revents != 0 }), let result = runner.complete(agent) {
                return result
            }
        }
        return nil
    }
}

/// Polls a runner's in-flight probes (no responder) until `agent`'s completes.
func awaitProbe(_ runner: ProbeRunner, agent: String, timeout: TimeInterval = 20) -> ProbeRunner.Result? {
    let deadline = MonotonicClock.now() + timeout
    while MonotonicClock.now() < deadline {
        var items = runner.pollItems().map(\.item)
        if items.isEmpty { return nil }
        guard zmq_poll(&items, Int32(items.count), 20) > 0 else { continue }
        if let result = runner.complete(agent) { return result }
    }
    return nil
}
