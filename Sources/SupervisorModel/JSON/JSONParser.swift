/// A strict JSON parser (RFC 8259): one value, objects, arrays, strings with every escape
/// (surrogate pairs included), numbers, `true`, `false`, `null`, surrounded only by whitespace.
///
/// Stricter than the RFC requires, on purpose, because the control protocol is a security
/// boundary: the input must be UTF-8 (checked first, for the whole text), an object may not
/// have the same key twice (two readers could otherwise disagree about what was asked), a
/// `\u` escape may not name a lone surrogate, numbers must be finite, and nesting is limited.
///
/// One pass over the bytes after the UTF-8 check; no intermediate tokens. Strings without
/// escapes are made straight from the input, and an error costs nothing until it happens
/// (its path is built while the parser unwinds).
public struct JSONParser {
    /// Deepest nesting of arrays and objects accepted by default.
    public static let defaultMaxDepth = 128

    let input: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0

    private init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
    }

    /// Parses one JSON text. Never traps: every problem is a `JSONParseError`.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) -> Result<JSONValue, JSONParseError> {
        if let result = bytes.withContiguousStorageIfAvailable({ parse(buffer: $0, maxDepth: maxDepth) }) {
            return result
        }
        return Array(bytes).withUnsafeBufferPointer { parse(buffer: $0, maxDepth: maxDepth) }
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) -> Result<JSONValue, JSONParseError> {
        if let encodingProblem = encodingProblem(buffer) { return .failure(encodingProblem) }
        var parser = JSONParser(input: buffer, maxDepth: max(0, maxDepth))
        do throws(JSONParseError) {
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            if let extra = parser.peek() {
                throw JSONParseError(.syntax, "unexpected \(describe(extra)) after the end of the JSON value", offset: parser.position)
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// Not UTF-8, UTF-16 or UTF-32 (NUL bytes among the first, which JSON text never has
    /// there), or a UTF-8 byte order mark.
    private static func encodingProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONParseError? {
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return JSONParseError(.notUTF8, "a UTF-16 byte order mark", offset: 0)
        }
        if let (offset, problem) = UTF8Validation.firstProblem(in: bytes) {
            return JSONParseError(.notUTF8, "\(problem)", offset: offset)
        }
        if bytes.count >= 2, bytes[0] == 0 || bytes[1] == 0 {
            return JSONParseError(.notUTF8, "NUL bytes where the text starts (UTF-16 or UTF-32 text?)", offset: bytes[0] == 0 ? 0 : 1)
        }
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return JSONParseError(.syntax, "a byte order mark (U+FEFF) before the JSON value", offset: 0)
        }
        return nil
    }

    // MARK: Values

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = peek() else {
            throw JSONParseError(.syntax, "the text ends where a value should be", offset: position)
        }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw JSONParseError(.syntax, "unexpected \(Self.describe(byte)) where a value should be", offset: position)
        }
    }

    private mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
        try enter(depth)
        position += 1
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
            return .object(fields)
        }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw expected("a key (a string in double quotes)") }
            let keyOffset = position
            let key = try string()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw expected("\":\" after the key") }
            position += 1
            skipWhitespace()
            let item: JSONValue
            do { item = try value(depth: depth) } catch { throw error.inside(.key(key)) }
            if fields.updateValue(item, forKey: key) != nil {
                throw JSONParseError(.duplicateKey, "duplicate key \"\(key)\"", offset: keyOffset, path: [.key(key)])
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(fields)
            default: throw expected("\",\" or \"}\" in the object")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
        try enter(depth)
        position += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            do { items.append(try value(depth: depth)) } catch { throw error.inside(.index(items.count)) }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(items)
            default: throw expected("\",\" or \"]\" in the array")
            }
        }
    }

    private func enter(_ depth: Int) throws(JSONParseError) {
        guard depth <= maxDepth else {
            throw JSONParseError(.tooDeep, "arrays and objects nested more than \(maxDepth) deep", offset: position)
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let length = word.utf8CodeUnitCount
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: length)
        guard input.count - position >= length, expected.elementsEqual(input[position..<position + length]) else {
            throw JSONParseError(.syntax, "unexpected \(Self.describe(input[position])) where a value should be (\(word)?)", offset: position)
        }
        position += length
    }

    // MARK: Bytes

    /// The byte at the current position, or nil at the end.
    func peek() -> UInt8? {
        position < input.count ? input[position] : nil
    }

    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): position += 1
            default: return
            }
        }
    }

    func expected(_ what: String) -> JSONParseError {
        let found = peek().map(Self.describe) ?? "the end of the text"
        return JSONParseError(.syntax, "expected \(what), found \(found)", offset: position)
    }

    /// `"x"` for printable ASCII, `byte 0x07` otherwise.
    static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "\"\(Character(Unicode.Scalar(byte)))\"" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }
}
