import CZeroMQ
import Foundation
import SupervisorModel

/// A client of a supervisor's control endpoint (what the CLI verbs use): one DEALER socket,
/// one JSON request frame, one reply.
public final class ControlClient {
    public let host: HostTable.Host
    public var endpoint: String { "tcp://\(bracketed):\(host.controlPort)" }
    public var eventsEndpoint: String { "tcp://\(bracketed):\(host.controlPort + 1)" }
    private var bracketed: String { host.address.contains(":") ? "[\(host.address)]" : host.address }

    public init(host: HostTable.Host) {
        self.host = host
    }

    /// Sends one command and returns the reply's `data` object, or the supervisor's error.
    /// With nothing listening the error is `supervisor.unreachable`.
    public func request(_ command: String, args: [String: Any] = [:], timeout: TimeInterval = 15) -> Result<Any, ControlError> {
        // Connecting never fails in ZeroMQ; a TCP connect first tells "nobody there" at once.
        guard TCPConnectProbe.accepts(address: host.address, port: host.controlPort, timeout: min(timeout, 3)) else {
            return .failure(unreachable())
        }
        do {
            let socket = try ZMQSocket(.dealer)
            try socket.connect(endpoint)
            let id = String(UInt32.random(in: 0...UInt32.max))
            let body: [String: Any] = ["v": ControlRequest.version, "cmd": command, "args": args, "id": id]
            try socket.send(Array(try JSONSerialization.data(withJSONObject: body)))
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                guard socket.waitReadable(timeout: deadline.timeIntervalSinceNow) else { break }
                guard let frames = try socket.receiveMessage(dontWait: true), let last = frames.last else { continue }
                guard let reply = try JSONSerialization.jsonObject(with: Data(last)) as? [String: Any] else {
                    return .failure(ControlError(.malformed, "the supervisor's reply is not JSON"))
                }
                if let replyId = reply["id"] as? String, replyId != id { continue }
                if reply["ok"] as? Bool == true { return .success(reply["data"] ?? [:]) }
                let error = reply["error"] as? [String: Any] ?? [:]
                let code = ControlError.Code(rawValue: error["code"] as? String ?? "") ?? .malformed
                return .failure(ControlError(code, error["message"] as? String ?? "unknown error", details: error["details"] as? [String]))
            }
            return .failure(ControlError(.unreachable, "no reply from the supervisor of \(host.name) at \(endpoint) within \(Int(timeout)) s"))
        } catch {
            return .failure(ControlError(.unreachable, "cannot reach \(endpoint): \(error)"))
        }
    }

    private func unreachable() -> ControlError {
        ControlError(.unreachable, "no supervisor running for host \(host.name) (nothing listens on \(endpoint))")
    }
}
