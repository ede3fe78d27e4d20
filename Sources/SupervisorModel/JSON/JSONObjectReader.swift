/// Reads typed fields out of a parsed JSON object (a `JSONValue` from the strict `JSONParser`),
/// as the reply types' hand-written `JSONReadable` conformances do.
///
/// It reads what `JSONDecoder` reads from the same text: a missing or `null` optional field is
/// nil, a missing required field or a value of the wrong kind is an error naming its key path,
/// and keys it is not asked for are ignored. Without `Codable`'s generic machinery, which costs
/// a short-lived client (`supervisor status`) more than the reading itself.
public struct JSONObjectReader {
    /// The object's fields.
    public let fields: [String: JSONValue]
    /// Where the object is, for errors: `data.agents[3]`.
    public let path: String

    public init(_ fields: [String: JSONValue], path: String = "") {
        self.fields = fields
        self.path = path
    }

    /// A reader of `value`, which must be an object.
    public init(_ value: JSONValue, path: String = "") throws(JSONReadError) {
        guard case .object(let fields) = value else { throw JSONReadError(path: path, "expected an object") }
        self.init(fields, path: path)
    }

    // MARK: Required fields

    public func string(_ key: String) throws(JSONReadError) -> String {
        try required(key) { $0.string }
    }

    public func bool(_ key: String) throws(JSONReadError) -> Bool {
        try required(key) { $0.bool }
    }

    public func double(_ key: String) throws(JSONReadError) -> Double {
        try required(key) { if case .number(let value) = $0 { value } else { nil } }
    }

    /// A whole number that fits `Integer`.
    public func integer<Integer: FixedWidthInteger>(_ key: String, as type: Integer.Type = Int.self) throws(JSONReadError) -> Integer {
        try required(key) { Self.integer($0) }
    }

    public func strings(_ key: String) throws(JSONReadError) -> [String] {
        try required(key) { $0.strings }
    }

    /// A string that names a case of `Value`.
    public func enumCase<Value: RawRepresentable>(_ key: String, as type: Value.Type) throws(JSONReadError) -> Value
    where Value.RawValue == String {
        try required(key) { $0.string.flatMap(Value.init(rawValue:)) }
    }

    /// A nested object.
    public func object<Value: JSONReadable>(_ key: String, as type: Value.Type) throws(JSONReadError) -> Value {
        guard let value = fields[key] else { throw JSONReadError(path: child(key), "missing") }
        return try Value(reading: JSONObjectReader(value, path: child(key)))
    }

    /// An array of objects.
    public func objects<Value: JSONReadable>(_ key: String, as type: Value.Type) throws(JSONReadError) -> [Value] {
        guard let value = fields[key] else { throw JSONReadError(path: child(key), "missing") }
        return try Self.objects(value, path: child(key))
    }

    /// An object whose values all have the same type (`totals`).
    public func dictionary<Value>(_ key: String, _ read: (JSONValue) -> Value?) throws(JSONReadError) -> [String: Value] {
        let object = try required(key) { $0.object }
        var result: [String: Value] = [:]
        result.reserveCapacity(object.count)
        for (name, item) in object {
            guard let value = read(item) else { throw JSONReadError(path: "\(child(key)).\(name)", "unexpected value") }
            result[name] = value
        }
        return result
    }

    // MARK: Optional fields (missing or null: nil)

    public func string(ifPresent key: String) throws(JSONReadError) -> String? {
        try optional(key) { $0.string }
    }

    public func bool(ifPresent key: String) throws(JSONReadError) -> Bool? {
        try optional(key) { $0.bool }
    }

    public func double(ifPresent key: String) throws(JSONReadError) -> Double? {
        try optional(key) { if case .number(let value) = $0 { value } else { nil } }
    }

    public func integer<Integer: FixedWidthInteger>(ifPresent key: String, as type: Integer.Type = Int.self) throws(JSONReadError) -> Integer? {
        try optional(key) { Self.integer($0) }
    }

    public func strings(ifPresent key: String) throws(JSONReadError) -> [String]? {
        try optional(key) { $0.strings }
    }

    public func enumCase<Value: RawRepresentable>(ifPresent key: String, as type: Value.Type) throws(JSONReadError) -> Value?
    where Value.RawValue == String {
        try optional(key) { $0.string.flatMap(Value.init(rawValue:)) }
    }

    public func object<Value: JSONReadable>(ifPresent key: String, as type: Value.Type) throws(JSONReadError) -> Value? {
        guard let value = fields[key], value != .null else { return nil }
        return try Value(reading: JSONObjectReader(value, path: child(key)))
    }

    public func objects<Value: JSONReadable>(ifPresent key: String, as type: Value.Type) throws(JSONReadError) -> [Value]? {
        guard let value = fields[key], value != .null else { return nil }
        return try Self.objects(value, path: child(key))
    }

    public func dictionary<Value>(ifPresent key: String, _ read: (JSONValue) -> Value?) throws(JSONReadError) -> [String: Value]? {
        guard let value = fields[key], value != .null else { return nil }
        return try dictionary(key, read)
    }

    // MARK: Internals

    private func required<Value>(_ key: String, _ read: (JSONValue) -> Value?) throws(JSONReadError) -> Value {
        guard let value = fields[key] else { throw JSONReadError(path: child(key), "missing") }
        guard let typed = read(value) else { throw JSONReadError(path: child(key), "unexpected value") }
        return typed
    }

    private func optional<Value>(_ key: String, _ read: (JSONValue) -> Value?) throws(JSONReadError) -> Value? {
        guard let value = fields[key], value != .null else { return nil }
        guard let typed = read(value) else { throw JSONReadError(path: child(key), "unexpected value") }
        return typed
    }

    private func child(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    private static func integer<Integer: FixedWidthInteger>(_ value: JSONValue) -> Integer? {
        guard case .number(let number) = value, number == number.rounded(.towardZero) else { return nil }
        return Integer(exactly: number)
    }

    private static func objects<Value: JSONReadable>(_ value: JSONValue, path: String) throws(JSONReadError) -> [Value] {
        guard case .array(let items) = value else { throw JSONReadError(path: path, "expected an array") }
        var result: [Value] = []
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            result.append(try Value(reading: JSONObjectReader(item, path: itemPath)))
        }
        return result
    }
}

/// A value read from a JSON object by hand (see `JSONObjectReader`).
public protocol JSONReadable {
    init(reading object: JSONObjectReader) throws(JSONReadError)
}

/// A JSON object that does not read as the type asked for: where, and what is wrong.
public struct JSONReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key path: `data.agents[3].state`.
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
