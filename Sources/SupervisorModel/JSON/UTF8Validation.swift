/// Checks that bytes are well-formed UTF-8 (Unicode 15, table 3-7): no stray continuation
/// bytes, no overlong forms, no encoded surrogates, nothing above U+10FFFF, no cut-off sequence.
/// One pass, no allocation; ASCII is checked eight bytes at a time.
public enum UTF8Validation {
    /// What is wrong with the first bad sequence.
    public enum Problem: Equatable, Sendable {
        /// A byte that never occurs in UTF-8 (0xC0, 0xC1, 0xF5-0xFF), or a continuation byte
        /// (0x80-0xBF) with no lead byte before it.
        case invalidByte(UInt8)
        /// A character written with more bytes than it needs.
        case overlong
        /// An encoded UTF-16 surrogate (U+D800-U+DFFF), which is not a character.
        case surrogate
        /// A value above U+10FFFF.
        case beyondUnicode
        /// A lead byte without enough continuation bytes after it.
        case truncated
    }

    /// The first problem and the offset of the sequence it starts at, or nil when all is well.
    public static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> (offset: Int, problem: Problem)? {
        let count = bytes.count
        var index = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while index < count {
            // ASCII runs are most of every request: skip them a word at a time.
            while index + 8 <= count, raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The allowed range of the second byte depends on the lead (table 3-7); the others
            // are always 0x80-0xBF.
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            var secondProblem = Problem.truncated
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; second = 0xA0...0xBF; secondProblem = .overlong
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; second = 0x80...0x9F; secondProblem = .surrogate
            case 0xF0: length = 4; second = 0x90...0xBF; secondProblem = .overlong
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; second = 0x80...0x8F; secondProblem = .beyondUnicode
            case 0xC0, 0xC1: return (index, .overlong)
            case 0xF5...0xFF: return (index, lead <= 0xF7 ? .beyondUnicode : .invalidByte(lead))
            default: return (index, .invalidByte(lead))
            }
            guard index + 1 < count else { return (index, .truncated) }
            let next = bytes[index + 1]
            guard second.contains(next) else {
                // A continuation byte outside the narrowed range names the real problem.
                return (index, (0x80...0xBF).contains(next) ? secondProblem : .truncated)
            }
            var offset = 2
            while offset < length {
                guard index + offset < count, (0x80...0xBF).contains(bytes[index + offset]) else { return (index, .truncated) }
                offset += 1
            }
            index += length
        }
        return nil
    }

    /// True when the bytes are well-formed UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { firstProblem(in: $0) == nil }
    }
}

extension UTF8Validation.Problem: CustomStringConvertible {
    /// `an overlong encoding`, `byte 0xFF, which UTF-8 never uses`.
    public var description: String {
        switch self {
        case .invalidByte(let byte) where (0x80...0xBF).contains(byte):
            "a continuation byte 0x\(String(byte, radix: 16, uppercase: true)) without a lead byte"
        case .invalidByte(let byte): "byte 0x\(String(byte, radix: 16, uppercase: true)), which UTF-8 never uses"
        case .overlong: "an overlong encoding"
        case .surrogate: "an encoded UTF-16 surrogate (U+D800-U+DFFF)"
        case .beyondUnicode: "a value above U+10FFFF"
        case .truncated: "an incomplete multi-byte sequence"
        }
    }
}
