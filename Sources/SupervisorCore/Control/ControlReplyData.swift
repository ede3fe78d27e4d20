import Foundation
import SupervisorModel

/// A reply frame as a client received it, parsed once with the strict `JSONParser`: its `data`
/// read as the command's reply type (`HostStatus`, `PingReply`, ...), or as a `JSONValue` (for
/// `--json`, which prints keys a newer supervisor added too).
public struct ControlReplyData: Sendable {
    /// The frame.
    public var bytes: [UInt8]
    /// The frame's top-level object; nil when it is not one JSON object.
    private let frame: [String: JSONValue]?

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        if case .success(.object(let fields)) = JSONParser.parse(bytes) { frame = fields } else { frame = nil }
    }

    /// The reply's `id`, or nil when the frame is not a JSON object (or its `id` is not a string).
    var identity: ControlReplyIdentity? {
        guard let frame else { return nil }
        switch frame["id"] {
        case nil, .null?: return ControlReplyIdentity(id: nil)
        case .string(let id)?: return ControlReplyIdentity(id: id)
        default: return nil
        }
    }

    /// The error of a refusal; nil for a successful reply.
    var refusal: ControlError? {
        let notAReply = ControlError(.malformed, "the supervisor's reply is not a control reply")
        guard let frame else { return notAReply }
        let ok: Bool?
        switch frame["ok"] {
        case nil, .null?: ok = nil
        case .bool(let value)?: ok = value
        default: return notAReply
        }
        let error: ControlError?
        do throws(JSONReadError) {
            error = try JSONObjectReader(frame).object(ifPresent: "error", as: ControlError.self)
        } catch {
            return notAReply
        }
        if ok == true { return nil }
        return error ?? ControlError(.malformed, "the supervisor's reply has neither data nor a known error")
    }

    /// The `data`, decoded as `type` (with `JSONDecoder`; see `read` for the reply types that
    /// read themselves).
    public func decode<Reply: Decodable>(_ type: Reply.Type) -> Result<Reply, ControlError> {
        do {
            return try JSONDecoder().decode(ControlReplyEnvelope<Reply>.self, from: Data(bytes)).result
        } catch {
            return .failure(ControlError(.malformed, "the supervisor's reply does not read as \(Reply.self): \(error)"))
        }
    }

    /// The `data`, read as `type` from the parsed frame (what `decode` gives, without
    /// `JSONDecoder`: `supervisor status` spent most of its reading time in its generic machinery).
    public func decode<Reply: Decodable & JSONReadable>(_ type: Reply.Type) -> Result<Reply, ControlError> {
        guard let frame else { return .failure(ControlError(.malformed, "the supervisor's reply does not read as \(Reply.self): not a JSON object")) }
        do throws(JSONReadError) {
            let reply = JSONObjectReader(frame)
            let ok = try reply.bool("ok")
            let error = try reply.object(ifPresent: "error", as: ControlError.self)
            if ok, let data = try reply.object(ifPresent: "data", as: Reply.self) { return .success(data) }
            return .failure(error ?? ControlError(.malformed, ok ? "the supervisor's reply has no data" : "unknown error"))
        } catch {
            return .failure(ControlError(.malformed, "the supervisor's reply does not read as \(Reply.self): \(error)"))
        }
    }

    /// The `data`, as a JSON value; an empty object when there is none.
    public var value: JSONValue {
        frame?["data"] ?? .object([:])
    }
}
