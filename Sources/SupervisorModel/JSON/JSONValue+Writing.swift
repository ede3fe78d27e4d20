extension JSONValue: JSONWritable {
    /// The value as JSON text, keys in byte order (numbers as `JSONWriter` writes them: a
    /// whole number without a fraction).
    public func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let value): writer.bool(value)
        case .number(let value): writer.number(value)
        case .string(let value): writer.string(value)
        case .array(let items):
            writer.beginArray()
            for item in items { item.write(to: &writer) }
            writer.endArray()
        case .object(let fields):
            writer.beginObject()
            for (key, value) in fields {
                writer.dynamicKey(key)
                value.write(to: &writer)
            }
            writer.endObject()
        }
    }

    /// Compact JSON text of the value.
    public var jsonText: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }

    /// The value as indented JSON text (two spaces), keys in order: what `--json` prints.
    public func prettyText(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .array(let items) where !items.isEmpty:
            return "[\n" + items.map { inner + $0.prettyText(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let fields) where !fields.isEmpty:
            let lines = fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }.map { key, value in
                inner + JSONValue.string(key).jsonText + ": " + value.prettyText(indent: inner)
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n\(indent)}"
        default:
            return jsonText
        }
    }
}
