/// A reply on the control socket, as the server writes it and a client reads it:
/// `{"data": ..., "id": "...", "ok": true}` or `{"error": {...}, "id": "...", "ok": false}`.
public enum ControlReplyFrame {
    /// The bytes of a successful reply carrying `data` (and the request's `id`, so DEALER
    /// clients can match it).
    public static func success(_ data: some JSONWritable, id: String?) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.field("data", data)
        writer.field("id", id)
        writer.field("ok", true)
        writer.endObject()
        return writer.bytes
    }

    /// The bytes of a successful reply whose data object's fields `writeData` writes, in the
    /// storage of `buffer` (a frame sent before, kept to be written over).
    public static func success(id: String?, capacity: Int, buffer: consuming [UInt8] = [], writeData: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(reusing: consume buffer, capacity: capacity)
        writer.beginObject()
        writer.key("data")
        writer.beginObject()
        writeData(&writer)
        writer.endObject()
        writer.field("id", id)
        writer.field("ok", true)
        writer.endObject()
        return writer.bytes
    }

    /// The bytes of a refusal.
    public static func failure(_ error: ControlError, id: String?) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("error", error)
        writer.field("id", id)
        writer.field("ok", false)
        writer.endObject()
        return writer.bytes
    }
}

/// A reply as a client decodes it: `data` of the type the command answers with, or the error.
public struct ControlReplyEnvelope<Payload: Decodable>: Decodable {
    public var ok: Bool
    public var data: Payload?
    public var error: ControlError?
    public var id: String?

    /// The reply as a result; a reply that says neither is `request.malformed`.
    public var result: Result<Payload, ControlError> {
        if ok, let data { return .success(data) }
        return .failure(error ?? ControlError(.malformed, ok ? "the supervisor's reply has no data" : "unknown error"))
    }
}

/// The `id` of a reply, read before the rest (a DEALER may get replies to earlier requests).
public struct ControlReplyIdentity: Decodable {
    public var id: String?

    public init(id: String?) {
        self.id = id
    }
}

extension ControlError: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("code", code.rawValue)
        writer.field("details", details)
        writer.field("message", message)
        writer.endObject()
    }
}
