/// Writes JSON text into a byte buffer, the one encoder of the wire protocol (replies, events,
/// requests the CLI and the watchers send, legacy registry answers).
///
/// The output is what `JSONEncoder` with `.sortedKeys` writes, byte for byte: no whitespace,
/// the keys of every object in byte order (fields may be written in any order: an object is
/// put in order when it closes, which costs nothing when they came in order), `/` escaped as
/// `\/`, control characters as `\n`, `\t`, ... or `\u00xx`, and a `Double` as its shortest
/// decimal form without a trailing `.0` (`0`, `0.25`, `1e-05`, `1e+16`).
public struct JSONWriter {
    /// The text written so far.
    public private(set) var bytes: [UInt8]
    /// Whether the current container has no element yet (no comma before the next one).
    private var first = true
    /// Whether a key was just written (its value follows without a comma).
    private var afterKey = false
    /// For each open object, where its fields begin in `fields`.
    private var objectMarks: [Int] = []
    /// For every field of the open objects: the offset of its key's opening quote and of its
    /// closing quote.
    private var fields: [(start: Int, keyEnd: Int)] = []
    /// Whether the innermost open object's fields are noted in `fields` to be put in order
    /// (not for an object whose writer puts them in order itself, `beginOrderedObject`).
    private var tracking = true
    /// The mark of an ordered object in `objectMarks`.
    private static let ordered = -1

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// A writer into `buffer`'s storage (emptied), grown to `capacity`: a frame written again
    /// and again (status) then costs no allocation.
    public init(reusing buffer: consuming [UInt8], capacity: Int) {
        // Consumed, so the storage stays unique and is emptied in place.
        bytes = consume buffer
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(capacity)
    }

    /// The text as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    // MARK: Containers

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        objectMarks.append(fields.count)
        tracking = true
        first = true
    }

    /// An object whose fields the caller writes in key order (nothing to note or sort, the
    /// agents of a status reply); its nested objects are ordinary.
    public mutating func beginOrderedObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        objectMarks.append(Self.ordered)
        tracking = false
        first = true
    }

    public mutating func endObject() {
        let mark = objectMarks.removeLast()
        if mark != Self.ordered {
            if fields.count - mark > 1 { putInOrder(from: mark) }
            fields.removeSubrange(mark...)
        }
        tracking = (objectMarks.last ?? 0) != Self.ordered
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// A key of the current object, written as it is (the protocol's keys: snake_case ASCII,
    /// nothing to escape); its value comes next.
    public mutating func key(_ name: StaticString) {
        beginKey()
        let start = bytes.count
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        if tracking { fields.append((start, bytes.count)) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    /// A key that is data (an agent's or a host's name, a legacy agent's own key), escaped.
    public mutating func dynamicKey(_ name: String) {
        beginKey()
        let start = bytes.count
        appendQuoted(name)
        if tracking { fields.append((start, bytes.count - 1)) }
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    // MARK: Values

    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    public mutating func bool(_ value: Bool) {
        separate()
        appendLiteral(value ? "true" : "false")
    }

    public mutating func null() {
        separate()
        appendLiteral("null")
    }

    public mutating func number<Integer: BinaryInteger>(_ value: Integer) {
        separate()
        appendDecimal(value)
    }

    /// A finite number as `JSONEncoder` writes it; a NaN or infinity (which JSON cannot hold)
    /// as `null`.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return null() }
        separate()
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            if value == 0, value.sign == .minus { bytes.append(UInt8(ascii: "-")) }
            appendDecimal(Int64(value))
            return
        }
        var text = value.description
        // Only a whole number (1e15 and above) can come as `1000000000000000.0`.
        if value == value.rounded(.towardZero), text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Text that is already JSON (a value encoded once and kept).
    public mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// Fields that are already JSON (`"a":1,"b":2`, encoded once and kept, see
    /// `AgentStatusFragments`), in an ordered object (`beginOrderedObject`), where they follow
    /// the fields before them in key order; nothing when empty.
    public mutating func rawFields(_ json: [UInt8]) {
        assert(!tracking, "raw fields go into an ordered object")
        guard !json.isEmpty else { return }
        beginKey()
        bytes.append(contentsOf: json)
    }

    // MARK: Convenience

    public mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    public mutating func field(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    public mutating func field(_ name: StaticString, _ value: Double) { key(name); number(value) }
    public mutating func field<Integer: BinaryInteger>(_ name: StaticString, _ value: Integer) { key(name); number(value) }
    public mutating func field(_ name: StaticString, _ value: [String]) {
        key(name)
        beginArray()
        for item in value { string(item) }
        endArray()
    }
    public mutating func field(_ name: StaticString, _ value: some JSONWritable) { key(name); value.write(to: &self) }

    /// A field only when the value is there (a missing value is left out, as `JSONEncoder`
    /// leaves out a nil optional).
    public mutating func field(_ name: StaticString, _ value: String?) { if let value { field(name, value) } }
    public mutating func field(_ name: StaticString, _ value: Bool?) { if let value { field(name, value) } }
    public mutating func field(_ name: StaticString, _ value: Double?) { if let value { field(name, value) } }
    public mutating func field<Integer: BinaryInteger>(_ name: StaticString, _ value: Integer?) { if let value { field(name, value) } }
    public mutating func field(_ name: StaticString, _ value: [String]?) { if let value { field(name, value) } }
    public mutating func field(_ name: StaticString, _ value: (some JSONWritable)?) { if let value { field(name, value) } }

    /// An array of writable values.
    public mutating func array<Element: JSONWritable>(_ items: [Element]) {
        beginArray()
        for item in items { item.write(to: &self) }
        endArray()
    }

    // MARK: Internals

    private mutating func beginKey() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    private mutating func separate() {
        if afterKey {
            afterKey = false
        } else {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
        }
    }

    // Literals are copied from static strings: a static array would cost a retain and a
    // release per use, which showed in the profile of a status reply.
    private mutating func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendDecimal<Integer: BinaryInteger>(_ value: Integer) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude < 10 { return bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude)) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { digits in
            var index = digits.count
            while magnitude > 0 {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var plainFrom = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x2F {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainFrom..<index]))
                plainFrom = index + 1
                appendEscape(byte)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainFrom...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(_ byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: bytes.append(UInt8(ascii: "\""))
        case 0x5C: bytes.append(UInt8(ascii: "\\"))
        case 0x2F: bytes.append(UInt8(ascii: "/"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(contentsOf: Array("u00".utf8))
            bytes.append(Self.hexDigits[Int(byte >> 4)])
            bytes.append(Self.hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Puts the fields of the object that is closing (from `mark` in `fields`) in key order.
    private mutating func putInOrder(from mark: Int) {
        let range = mark..<fields.count
        func keyPrecedes(_ a: (start: Int, keyEnd: Int), _ b: (start: Int, keyEnd: Int), in text: UnsafeBufferPointer<UInt8>) -> Bool {
            UnsafeBufferPointer(rebasing: text[(a.start + 1)..<a.keyEnd])
                .lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: text[(b.start + 1)..<b.keyEnd]))
        }
        let ordered = bytes.withUnsafeBufferPointer { text in
            range.dropFirst().allSatisfy { keyPrecedes(fields[$0 - 1], fields[$0], in: text) }
        }
        if ordered { return }
        let end = bytes.count
        // Each field runs from its key to the comma before the next one (or the object's end).
        let spans = range.map { index in (field: fields[index], end: index + 1 < fields.count ? fields[index + 1].start - 1 : end) }
        let sorted = bytes.withUnsafeBufferPointer { text in spans.sorted { keyPrecedes($0.field, $1.field, in: text) } }
        let base = fields[mark].start
        var rewritten: [UInt8] = []
        rewritten.reserveCapacity(end - base)
        for (position, span) in sorted.enumerated() {
            if position > 0 { rewritten.append(UInt8(ascii: ",")) }
            rewritten.append(contentsOf: bytes[span.field.start..<span.end])
        }
        bytes.replaceSubrange(base..<end, with: rewritten)
    }
}

/// A value with a JSON form on the wire.
public protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    /// The value's JSON text, encoded once.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.bytes
    }
}

/// A JSON object whose fields can be written into another object (an event's body into the
/// envelope that adds `seq`, `ts`, `host`, ...).
public protocol JSONObjectWritable: JSONWritable {
    func writeFields(to writer: inout JSONWriter)
}

extension JSONObjectWritable {
    public func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writeFields(to: &writer)
        writer.endObject()
    }
}
