import Yams

/// Writes one string as a YAML scalar that reads back as the same string: plain when that is
/// safe, otherwise quoted.
///
/// Plain is used only for a conservative set of characters, and only when YAML would not read
/// the text as a number, boolean or null (`'false'` stays quoted, so an env value stays a string).
/// Inside a flow collection (`[...]`, `{...}`) the flow indicators and `:` also force quotes: that
/// is where `${PORT_OFFSET}+7200` must be written `"${PORT_OFFSET}+7200"`.
enum YAMLScalar {
    /// Where the scalar goes.
    enum Context {
        /// A block mapping value or key (`key: value`).
        case block
        /// An element of a flow sequence or mapping.
        case flow
    }

    /// The scalar as YAML text.
    static func render(_ text: String, in context: Context = .block) -> String {
        isPlainSafe(text, in: context) ? text : quoted(text)
    }

    /// A quoted form: single quotes unless the text needs escapes (control characters), then
    /// double quotes. Single quotes keep JSON (full of `"`) readable.
    static func quoted(_ text: String) -> String {
        let needsEscapes = text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        if !needsEscapes {
            if !text.contains("\"") { return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\") + "\"" }
            return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
        return doubleQuoted(text)
    }

    /// Always double quotes, with `\`, `"` and control characters escaped: never read as a
    /// number, boolean or comment. Export and import share it.
    static func doubleQuoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    static func isPlainSafe(_ text: String, in context: Context) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        if first == " " || last == " " || last == ":" { return false }
        // Characters that start something else when they open a scalar.
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) { return false }
        let allowed: (Character) -> Bool = { character in
            if character.isASCII && (character.isLetter || character.isNumber) { return true }
            switch context {
            case .block: return "_-./${}+:=~@%, ()".contains(character)
            case .flow: return "_-./$+=~@% ()".contains(character)
            }
        }
        guard text.allSatisfy(allowed) else { return false }
        if text.contains(": ") || text.contains(" #") { return false }
        return Resolver.default.resolveTag(of: Node(text)) == .str
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
