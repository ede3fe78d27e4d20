import Foundation
import Testing
@testable import SupervisorModel

/// The strict JSON parser: every kind of value, every escape, the number grammar, and every
/// refusal with its code, offset and path (duplicate keys, not UTF-8, too deep, syntax).
@Suite("JSONParser")
struct JSONParserTests {
    static func parse(_ text: String) -> Result<JSONValue, JSONParseError> {
        JSONParser.parse(Array(text.utf8))
    }

    static func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONParseError {
        let result = JSONParser.parse(bytes)
        let error: JSONParseError? = if case .failure(let error) = result { error } else { nil }
        return try #require(error, "expected a refusal, got \(result)", sourceLocation: sourceLocation)
    }

    static func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONParseError {
        try failure(Array(text.utf8), sourceLocation: sourceLocation)
    }

    static let values: [(String, JSONValue)] = [
        ("null", .null), ("true", .bool(true)), ("false", .bool(false)),
        ("0", .number(0)), ("-0", .number(-0.0)), ("42", .number(42)), ("-17", .number(-17)),
        ("1.5", .number(1.5)), ("-0.25", .number(-0.25)), ("1e3", .number(1000)), ("2E-2", .number(0.02)),
        ("1.5e+2", .number(150)), ("123456789012345678", .number(123_456_789_012_345_678)),
        ("999999999999999", .number(999_999_999_999_999)), ("1e-400", .number(0)),
        (#""""#, .string("")), (#""plain""#, .string("plain")),
        (#""a\"b\\c\/d\be\ff\ng\rh\ti""#, .string("a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti")),
        (#""\u0041\u00e9\u20AC""#, .string("Aé€")), (#""\ud83d\ude00 and \uD834\uDD1E""#, .string("😀 and 𝄞")),
        (#""\u0000""#, .string("\u{0}")), (#""é € 😀 raw""#, .string("é € 😀 raw")),
        ("[]", .array([])), ("{}", .object([:])), ("[1, \"two\", [true], {\"n\": null}]",
            .array([.number(1), .string("two"), .array([.bool(true)]), .object(["n": .null])])),
        (" \t\r\n{ \"v\" : 1 ,\n \"cmd\":\"ping\" } \n", .object(["v": .number(1), "cmd": .string("ping")])),
    ]

    @Test("every kind of value, escape and number form", arguments: values)
    func parsesValue(text: String, expected: JSONValue) throws {
        let value = try Self.parse(text).get()
        #expect(value == expected)
        if text == "-0", case .number(let number) = value {
            #expect(number.sign == .minus, "-0 keeps its sign")
        }
    }

    static let syntaxErrors: [(String, Int, String)] = [
        ("", 0, "ends where a value should be"), ("   ", 3, "ends where a value should be"),
        ("{", 1, "expected a key"), ("[1,]", 3, "where a value should be"), (#"{"a":1,}"#, 7, "expected a key"),
        (#"{"a" 1}"#, 5, #"expected ":""#), (#"{"a":1 "b":2}"#, 7, #"expected "," or "}""#), ("[1 2]", 3, #"expected "," or "]""#),
        ("01", 0, "no leading zeros"), ("1.", 2, #"a digit after ".""#), (".5", 0, "where a value should be"),
        ("+1", 0, "where a value should be"), ("1e", 2, "a digit in the exponent"), ("-", 1, #"a digit after "-""#),
        ("tru", 0, "(true?)"), ("nul", 0, "(null?)"), ("NaN", 0, "where a value should be"),
        ("Infinity", 0, "where a value should be"), ("'a'", 0, "where a value should be"),
        ("\"a\tb\"", 2, "control character 0x0009"), (#""\x""#, 1, #"unknown escape \x"#), (#""\u12""#, 1, "four hex digits"),
        (#""\u12G4""#, 1, "four hex digits"), (#""open"#, 0, "never closed"), (#""open\"#, 5, "never closed"),
        ("[1] 2", 4, "after the end of the JSON value"), ("{} x", 3, "after the end"), ("1e400", 0, "out of range"),
        ("-1e999", 0, "out of range"), ("{\"a\":1}\u{0}", 7, "after the end"),
    ]

    @Test("syntax errors say what and where", arguments: syntaxErrors)
    func syntaxError(text: String, offset: Int, message: String) throws {
        let error = try Self.failure(text)
        #expect(error.code == .syntax, "\(error)")
        #expect(error.offset == offset, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("a duplicate key is refused at any depth, with its path and the offset of the second key")
    func duplicateKeys() throws {
        let top = try Self.failure(#"{"v":1,"cmd":"down","cmd":"ping"}"#)
        #expect(top.code == .duplicateKey)
        #expect(top.pathText == "cmd")
        #expect(top.offset == 20)
        #expect(top.description == #"duplicate key "cmd" at byte 20"#)

        let nested = try Self.failure(#"{"v":1,"args":{"agents":["a"],"agents":[]}}"#)
        #expect(nested.code == .duplicateKey && nested.pathText == "args.agents", "\(nested)")
        #expect(nested.description.hasSuffix("(in args)"), "\(nested)")

        let inArray = try Self.failure(#"{"a":[1,{"b":1,"b":1}]}"#)
        #expect(inArray.pathText == "a[1].b", "\(inArray)")
        #expect(inArray.path == [.key("a"), .index(1), .key("b")])

        // Keys are compared as strings: an escaped spelling of the same key is the same key.
        #expect(try Self.failure(#"{"cmd":1,"c\u006dd":2}"#).code == .duplicateKey)
        // The same key in different objects is fine.
        #expect(throws: Never.self) { try Self.parse(#"{"a":{"k":1},"b":{"k":1},"k":[{"k":1},{"k":2}]}"#).get() }
    }

    static let notUTF8Inputs: [([UInt8], Int, String)] = [
        ([0xFF, 0xFE] + Array(#"{"v":1}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), 0, "UTF-16 byte order mark"),
        ([0xFE, 0xFF, 0x00, 0x7B, 0x00, 0x7D], 0, "UTF-16 byte order mark"),
        (Array(#"{"v":1}"#.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), 1, "UTF-16 or UTF-32"),
        (Array(#"{"v":1}"#.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }), 0, "UTF-16 or UTF-32"),
        (Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), 6, "surrogate"),
        ([0x22, 0xC0, 0xAF, 0x22], 1, "overlong"),
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1, "overlong"), ([0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], 1, "overlong"),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, "above U+10FFFF"), ([0x22, 0xE2, 0x82, 0x22], 1, "incomplete"),
        ([0x22, 0x80, 0x22], 1, "continuation byte 0x80 without a lead byte"), ([0x22, 0xE9, 0x22], 1, "incomplete"),
        (Array("[\"caf".utf8) + [0xE9] + Array("\"]".utf8), 5, "incomplete"), ([0x22, 0xFF, 0x22], 1, "0xFF"),
        (Array(#""\ud800""#.utf8), 1, "lone surrogate \\uD800"), (Array(#""\udc00x""#.utf8), 1, "lone surrogate \\uDC00"),
        (Array(#""\ud800\u0041""#.utf8), 1, "lone surrogate"), (Array(#""\ud800\n""#.utf8), 1, "lone surrogate"),
    ]

    @Test("bytes that are not UTF-8, and lone surrogate escapes, are refused as not UTF-8", arguments: notUTF8Inputs)
    func refusesNotUTF8(bytes: [UInt8], offset: Int, message: String) throws {
        let error = try Self.failure(bytes)
        #expect(error.code == .notUTF8, "\(error)")
        #expect(error.offset == offset, "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("the UTF-8 check accepts every scalar's encoding and nothing else of the edge cases")
    func utf8Validation() {
        for scalar in [0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF] {
            let text = String(Character(Unicode.Scalar(UInt32(scalar))!))
            #expect(UTF8Validation.isValid(Array(text.utf8)), "U+\(String(scalar, radix: 16))")
        }
        let long = Array(String(repeating: "plain ascii then é", count: 100).utf8)
        #expect(UTF8Validation.isValid(long))
        #expect(!UTF8Validation.isValid(long + [0xC3]))
        #expect(!UTF8Validation.isValid([0xF8, 0x88, 0x80, 0x80, 0x80]))
        #expect(UTF8Validation.isValid([]))
    }

    @Test("a UTF-8 byte order mark is refused as a syntax error")
    func utf8ByteOrderMark() throws {
        let error = try Self.failure([0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        #expect(error.code == .syntax && error.message.contains("byte order mark"), "\(error)")
    }

    @Test("nesting deeper than the limit is refused at once, also when very deep")
    func depthLimit() throws {
        let limit = JSONParser.defaultMaxDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(throws: Never.self) { try Self.parse(deepest).get() }
        let tooDeep = try Self.failure("[" + deepest + "]")
        #expect(tooDeep.code == .tooDeep && tooDeep.offset == limit, "\(tooDeep)")
        #expect(tooDeep.path.count == limit, "the path leads down to it")
        let objects = String(repeating: #"{"a":"#, count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(try Self.failure(objects).code == .tooDeep)
        let huge = [UInt8](repeating: UInt8(ascii: "["), count: 200_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 200_000)
        #expect(try Self.failure(huge).code == .tooDeep)
        #expect(throws: JSONParseError(.tooDeep, "arrays and objects nested more than 1 deep", offset: 1, path: [.index(0)])) {
            try JSONParser.parse(Array("[[1]]".utf8), maxDepth: 1).get()
        }
    }

    @Test("a megabyte of input parses in linear time")
    func largeInput() throws {
        let numbers = "[" + Array(repeating: "12345", count: 150_000).joined(separator: ",") + "]"
        let keys = "{" + (0..<50_000).map { "\"key\($0)\":\"value \\u00e9 \($0)\"" }.joined(separator: ",") + "}"
        let started = Date()
        #expect(try Self.parse(numbers).get().arrayCount == 150_000)
        let object = try Self.parse(keys).get().object
        #expect(object?.count == 50_000)
        #expect(object?["key49999"] == .string("value é 49999"))
        #expect(Date().timeIntervalSince(started) < 30, "quadratic behaviour would take minutes")
    }

    @Test("mutated requests never trap, and what parses is JSON to Foundation too")
    func mutations() throws {
        let seeds = [
            #"{"v": 1, "cmd": "start", "args": {"agents": ["Api", "group:web"], "with_deps": true}, "id": 42}"#,
            #"{"v":1,"cmd":"logs","args":{"agent":"\u00e5lpha\ud83d\ude00","lines":1.5e2}}"#,
            #"[null, false, -0.0, 1e-5, "\"\\\/\b\f\n\r\t", {"": []}]"#,
        ]
        var generator = SeededGenerator(seed: 20261201)
        for seed in seeds {
            let original = Array(seed.utf8)
            for _ in 0..<2000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                    }
                    if bytes.isEmpty { bytes = [0x20] }
                }
                if case .success = JSONParser.parse(bytes) {
                    let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
                    #expect(foundation != nil, "accepted what Foundation refuses: \(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
    }
}

extension JSONValue {
    /// The number of items, for an array.
    var arrayCount: Int? {
        if case .array(let items) = self { return items.count }
        return nil
    }
}

/// A small deterministic generator (SplitMix64), so a failing mutation can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
