/// Strings and numbers. The input is known to be UTF-8 here, so only JSON's own rules are
/// checked: escapes, control characters, surrogate pairs, the number grammar.
extension JSONParser {
    /// A string; the position is on its opening quote.
    mutating func string() throws(JSONParseError) -> String {
        let opening = position
        let start = position + 1
        var index = start
        // Most strings have no escape: scan to the closing quote and take the bytes as they are.
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacter(byte, at: index) }
            index += 1
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(index - start + 16)
        buffer.append(contentsOf: input[start..<index])
        while index < input.count {
            let byte = input[index]
            switch byte {
            case UInt8(ascii: "\""):
                position = index + 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index = try escape(at: index, into: &buffer)
            case 0..<0x20:
                throw controlCharacter(byte, at: index)
            default:
                buffer.append(byte)
                index += 1
            }
        }
        throw JSONParseError(.syntax, "a string that is never closed", offset: opening)
    }

    /// Appends what the escape at `index` (its backslash) stands for; returns the index after it.
    private func escape(at index: Int, into buffer: inout [UInt8]) throws(JSONParseError) -> Int {
        guard index + 1 < input.count else { throw JSONParseError(.syntax, "a string that is never closed", offset: index) }
        let simple: UInt8
        switch input[index + 1] {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): return try unicodeEscape(at: index, into: &buffer)
        default:
            throw JSONParseError(.syntax, "unknown escape \\\(Self.describeEscaped(input[index + 1]))", offset: index)
        }
        buffer.append(simple)
        return index + 2
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`, as UTF-8.
    private func unicodeEscape(at index: Int, into buffer: inout [UInt8]) throws(JSONParseError) -> Int {
        let unit = try hexUnit(at: index)
        var scalarValue = UInt32(unit)
        var next = index + 6
        switch unit {
        case 0xD800...0xDBFF:
            // A high surrogate must be followed at once by an escaped low surrogate.
            guard next + 1 < input.count, input[next] == UInt8(ascii: "\\"), input[next + 1] == UInt8(ascii: "u"),
                  case let low = try hexUnit(at: next), (0xDC00...0xDFFF).contains(low) else {
                throw JSONParseError(.notUTF8, "a lone surrogate \\u\(Self.hex(unit)) (not followed by a low surrogate)", offset: index)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            next += 6
        case 0xDC00...0xDFFF:
            throw JSONParseError(.notUTF8, "a lone surrogate \\u\(Self.hex(unit)) (a low surrogate without a high one)", offset: index)
        default:
            break
        }
        // Every value left is a scalar: surrogates were handled above, and four hex digits (or
        // a pair) never exceed U+10FFFF.
        Self.appendUTF8(scalarValue, to: &buffer)
        return next
    }

    /// The UTF-8 bytes of a Unicode scalar value (not a surrogate, at most U+10FFFF).
    static func appendUTF8(_ value: UInt32, to buffer: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            buffer.append(UInt8(truncatingIfNeeded: value))
        case 0x80..<0x800:
            buffer.append(0xC0 | UInt8(truncatingIfNeeded: value >> 6))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: value & 0x3F))
        case 0x800..<0x10000:
            buffer.append(0xE0 | UInt8(truncatingIfNeeded: value >> 12))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: (value >> 6) & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: value & 0x3F))
        default:
            buffer.append(0xF0 | UInt8(truncatingIfNeeded: (value >> 18) & 0x07))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: (value >> 12) & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: (value >> 6) & 0x3F))
            buffer.append(0x80 | UInt8(truncatingIfNeeded: value & 0x3F))
        }
    }

    /// The four hex digits after `\u` at `index` (its backslash).
    private func hexUnit(at index: Int) throws(JSONParseError) -> UInt16 {
        guard input.count - index >= 6 else {
            throw JSONParseError(.syntax, "\\u needs four hex digits", offset: index)
        }
        var unit: UInt16 = 0
        for offset in 2..<6 {
            let byte = input[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw JSONParseError(.syntax, "\\u needs four hex digits, found \(Self.describe(byte))", offset: index)
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    private func controlCharacter(_ byte: UInt8, at index: Int) -> JSONParseError {
        JSONParseError(.syntax, "control character 0x\(Self.hex(UInt16(byte))) in a string (escape it)", offset: index)
    }

    /// A number; the position is on its first character (`-` or a digit).
    mutating func number() throws(JSONParseError) -> Double {
        let start = position
        var index = position
        let negative = input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let digitsStart = index
        guard index < input.count, isDigit(input[index]) else { throw numberError("a digit after \"-\"", at: index) }
        if input[index] == UInt8(ascii: "0") {
            index += 1
            if index < input.count, isDigit(input[index]) { throw numberError("no leading zeros", at: start) }
        } else {
            while index < input.count, isDigit(input[index]) { index += 1 }
        }
        let integerEnd = index
        if index < input.count, input[index] == UInt8(ascii: ".") {
            index += 1
            guard index < input.count, isDigit(input[index]) else { throw numberError("a digit after \".\"", at: index) }
            while index < input.count, isDigit(input[index]) { index += 1 }
        }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") { index += 1 }
            guard index < input.count, isDigit(input[index]) else { throw numberError("a digit in the exponent", at: index) }
            while index < input.count, isDigit(input[index]) { index += 1 }
        }
        position = index
        // Whole numbers of up to 15 digits are exact in a Double: add them up directly.
        if integerEnd == index, integerEnd - digitsStart <= 15 {
            var value: Int64 = 0
            for byte in input[digitsStart..<integerEnd] { value = value * 10 + Int64(byte - UInt8(ascii: "0")) }
            return negative ? (value == 0 ? -0.0 : -Double(value)) : Double(value)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONParseError(.syntax, "the number \(text.prefix(40)) is out of range", offset: start)
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private func numberError(_ what: String, at index: Int) -> JSONParseError {
        JSONParseError(.syntax, "a bad number: expected \(what)", offset: index)
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The character after a backslash, for messages.
    static func describeEscaped(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(Character(Unicode.Scalar(byte))) : "(byte 0x\(String(byte, radix: 16, uppercase: true)))"
    }
}
