/// Double-quoted YAML scalars (the JSON string syntax, which YAML 1.2 reads the same way), so
/// no value is ever taken for a number, a boolean or a comment.
enum ExportYAML {
    /// `text` in double quotes with `\`, `"` and control characters escaped.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// `[a, b]` as a flow sequence of quoted scalars.
    static func flow(_ items: [String], map: (String) -> String = { $0 }) -> String {
        "[" + items.map { quoted(map($0)) }.joined(separator: ", ") + "]"
    }
}
