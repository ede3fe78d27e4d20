import Foundation
import SupervisorModel

/// A reply frame as a client received it, read on demand: its `data` decoded as the
/// command's reply type (`HostStatus`, `PingReply`, ...), or as a `JSONValue` (for `--json`,
/// which prints keys a newer supervisor added too).
public struct ControlReplyData: Sendable {
    /// The frame.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The reply's `id`, or nil when the frame is not a JSON object.
    var identity: ControlReplyIdentity? {
        try? JSONDecoder().decode(ControlReplyIdentity.self, from: Data(bytes))
    }

    /// The error of a refusal; nil for a successful reply.
    var refusal: ControlError? {
        struct Outcome: Decodable {
            var ok: Bool?
            var error: ControlError?
        }
        guard let outcome = try? JSONDecoder().decode(Outcome.self, from: Data(bytes)) else {
            return ControlError(.malformed, "the supervisor's reply is not a control reply")
        }
        if outcome.ok == true { return nil }
        return outcome.error ?? ControlError(.malformed, "the supervisor's reply has neither data nor a known error")
    }

    /// The `data`, decoded as `type`.
    public func decode<Reply: Decodable>(_ type: Reply.Type) -> Result<Reply, ControlError> {
        do {
            return try JSONDecoder().decode(ControlReplyEnvelope<Reply>.self, from: Data(bytes)).result
        } catch {
            return .failure(ControlError(.malformed, "the supervisor's reply does not read as \(Reply.self): \(error)"))
        }
    }

    /// The `data`, as a JSON value (read with the strict `JSONParser`); an empty object when
    /// there is none.
    public var value: JSONValue {
        guard case .success(.object(let reply)) = JSONParser.parse(bytes) else { return .object([:]) }
        return reply["data"] ?? .object([:])
    }
}
