/// An event on the stream: two frames, the topic and one JSON object holding the body's keys
/// and the envelope's (`seq`, `ts`, `host`, `instance`, `topic`), keys in order.
public enum EventFrame {
    /// The JSON frame of an event.
    public static func body(
        _ body: some JSONObjectWritable, topic: String, seq: UInt64, ts: String, host: String, instance: String
    ) -> [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        body.writeFields(to: &writer)
        writer.field("host", host)
        writer.field("instance", instance)
        writer.field("seq", seq)
        writer.field("topic", topic)
        writer.field("ts", ts)
        writer.endObject()
        return writer.bytes
    }
}

/// An event as a subscriber decodes it: the envelope's `seq` and `instance`, and the body.
public struct ReceivedEvent<Body: Decodable>: Decodable {
    public var seq: UInt64
    public var instance: String?
    public var body: Body

    enum CodingKeys: String, CodingKey {
        case seq, instance
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seq = try container.decode(UInt64.self, forKey: .seq)
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        body = try Body(from: decoder)
    }
}
