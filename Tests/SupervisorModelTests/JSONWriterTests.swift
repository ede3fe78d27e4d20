import Foundation
import Testing
@testable import SupervisorModel

/// The one wire encoder: its bytes are what `JSONEncoder` with sorted keys writes, so clients
/// and docs/protocol.md's captured examples see the same text as before.
@Suite("JSONWriter")
struct JSONWriterTests {
    static func encoderBytes<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    struct Strings: Encodable, JSONObjectWritable {
        var plain = "abc"
        var escaped = "a/b\"c\\d\u{1}\u{1f}\u{7f}\n\t\u{8}\u{c}\r"
        var unicode = "é 日本 🎉"
        var empty = ""

        func writeFields(to writer: inout JSONWriter) {
            writer.field("unicode", unicode)
            writer.field("plain", plain)
            writer.field("escaped", escaped)
            writer.field("empty", empty)
        }
    }

    @Test("strings are escaped as JSONEncoder escapes them (slashes too), and keys come out in order")
    func strings() throws {
        let value = Strings()
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == (try Self.encoderBytes(value)))
    }

    struct Numbers: Encodable, JSONObjectWritable {
        var values: [Double]
        var integers: [Int64]
        var unsigned: UInt64

        func writeFields(to writer: inout JSONWriter) {
            writer.key("values")
            writer.beginArray()
            for value in values { writer.number(value) }
            writer.endArray()
            writer.key("integers")
            writer.beginArray()
            for value in integers { writer.number(value) }
            writer.endArray()
            writer.field("unsigned", unsigned)
        }
    }

    @Test("numbers: whole doubles without a fraction, the shortest form otherwise, integers of every size")
    func numbers() throws {
        let value = Numbers(
            values: [0, -0.0, 1, -1, 0.1 + 0.2, 0.4338881929998024, 1e-5, 123456.5, 1e14, 1e15, 999_999_999_999_999, 1e16, 1.7976931348623157e308, -2.5e-300],
            integers: [0, 7, -7, 10, Int64.max, Int64.min], unsigned: UInt64.max)
        #expect(String(decoding: value.jsonBytes, as: UTF8.self) == (try Self.encoderBytes(value)))
    }

    @Test("fields written out of order are put in order, nested objects too; nil optionals are left out")
    func order() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("zeta", 1)
        writer.key("alpha")
        writer.beginObject()
        writer.field("b", [String]())
        writer.field("a_b", true)
        writer.field("ab", "x")
        writer.field("missing", String?.none)
        writer.endObject()
        writer.field("mid", 2.5)
        writer.endObject()
        #expect(writer.text == #"{"alpha":{"a_b":true,"ab":"x","b":[]},"mid":2.5,"zeta":1}"#)
    }

    @Test("JSONValue: registry answers and error-bus details keep their values; the text parses back")
    func jsonValue() throws {
        let value: JSONValue = .object([
            "status": "success", "port": .number(8200), "ratio": .number(0.5), "tags": .array(["a", .null, true]),
            "nested": .object(["Z": "upper", "a": "lower"]),
        ])
        #expect(value.jsonText == #"{"nested":{"Z":"upper","a":"lower"},"port":8200,"ratio":0.5,"status":"success","tags":["a",null,true]}"#)
        #expect(JSONValue.parse(value.jsonBytes) == value)
        #expect(JSONValue.parse(Array(value.prettyText().utf8)) == value)
    }
}
