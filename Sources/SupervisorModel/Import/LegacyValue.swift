import Foundation
import Yams

/// Turns legacy values into text the manifest can expand: `${NAME}` references get a default,
/// and free-form `config` maps become JSON.
enum LegacyValue {
    /// The text with every `${NAME}` that has no default rewritten as `${NAME:-fallback}`, and
    /// the names rewritten. `${NAME:-default}` and `${PORT_OFFSET}` (which the manifest reads as
    /// 0 when unset) are kept as they are; defaults are rewritten too (`${A:-${B}}`).
    ///
    /// Without this, `supervisor check` would report each such name as an undefined variable
    /// whenever it is not set in the supervisor's environment.
    /// A literal `$$` (which the manifest would read as one `$`) is doubled.
    /// Past `VariableExpander.maximumNesting` levels the text is kept as written: loading the
    /// manifest then reports it, and the work stays linear in the text.
    static func withDefaults(_ text: String, fallback: String = "", depth: Int = 0) -> (text: String, undefined: [String]) {
        guard text.contains("$"), depth < VariableExpander.maximumNesting else { return (text, []) }
        var output = ""
        var undefined: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == "$", next < text.endIndex, text[next] == "$" {
                output += "$$$$"
                index = text.index(after: next)
                continue
            }
            guard text[index] == "$", next < text.endIndex, text[next] == "{",
                  let close = matchingBrace(in: text, open: next) else {
                output.append(text[index])
                index = next
                continue
            }
            let body = String(text[text.index(after: next)..<close])
            if let separator = body.range(of: ":-") {
                let inner = withDefaults(String(body[separator.upperBound...]), fallback: fallback, depth: depth + 1)
                output += "${" + body[..<separator.lowerBound] + ":-" + inner.text + "}"
                undefined += inner.undefined
            } else if body == "PORT_OFFSET" {
                output += "${PORT_OFFSET}"
            } else {
                output += "${\(body):-\(fallback)}"
                undefined.append(body)
            }
            index = text.index(after: close)
        }
        return (output, undefined)
    }

    private static func matchingBrace(in text: String, open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            if text[index] == "{" { depth += 1 }
            if text[index] == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// A YAML node as compact JSON, keys in file order. Numbers, booleans and null keep their
    /// YAML type; strings get defaults for bare `${NAME}` (each one reported in `undefined`).
    static func json(_ node: Node, undefined: inout [LegacyReference]) -> String {
        switch node {
        case .mapping(let mapping):
            let members = mapping.map { key, value in
                jsonString(key.scalar?.string ?? "") + ":" + json(value, undefined: &undefined)
            }
            return "{" + members.joined(separator: ",") + "}"
        case .sequence(let sequence):
            return "[" + sequence.map { json($0, undefined: &undefined) }.joined(separator: ",") + "]"
        case .scalar(let scalar):
            switch Resolver.default.resolveTag(of: node) {
            case .int: if let value = node.int { return String(value) }
            case .float: if let value = node.float, value.isFinite { return jsonNumber(scalar.string, value) }
            case .bool: if let value = node.bool { return value ? "true" : "false" }
            case .null: return "null"
            default: break
            }
            let rewritten = withDefaults(scalar.string)
            undefined += rewritten.undefined.map { LegacyReference(name: $0, line: scalar.mark?.line) }
            return jsonString(rewritten.text)
        case .alias:
            return "null"
        }
    }

    /// The YAML text when it is already a JSON number (`0.85`, `1.0`), else Swift's rendering.
    private static func jsonNumber(_ text: String, _ value: Double) -> String {
        let pattern = #"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$"#
        if text.range(of: pattern, options: .regularExpression) != nil { return text }
        return String(value)
    }

    static func jsonString(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
