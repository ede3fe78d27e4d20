/// Double-quoted YAML scalars (the JSON string syntax, which YAML 1.2 reads the same way), so
/// no value is ever taken for a number, a boolean or a comment.
enum ExportYAML {
    /// `text` in double quotes with `\`, `"` and control characters escaped.
    static func quoted(_ text: String) -> String {
        YAMLScalar.doubleQuoted(text)
    }

    /// `[a, b]` as a flow sequence of quoted scalars.
    static func flow(_ items: [String], map: (String) -> String = { $0 }) -> String {
        "[" + items.map { quoted(map($0)) }.joined(separator: ", ") + "]"
    }
}
