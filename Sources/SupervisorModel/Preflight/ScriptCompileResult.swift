import Foundation

/// What compiling one Python script said: nothing (it compiles), or the error with the file and
/// line Python gives. The preflight's helper prints one JSON object per script; this reads them.
public struct ScriptCompileResult: Equatable, Sendable, Decodable {
    /// The path the helper was given (the key the preflight looks results up by).
    public var path: String
    /// True when the script compiles.
    public var ok: Bool
    /// The exception's class: `SyntaxError`, `IndentationError`, `TabError`, `ValueError`
    /// (a null byte), `OSError` (unreadable), `UnicodeDecodeError`.
    public var type: String?
    /// Python's message, such as `unmatched ')'`.
    public var message: String?
    /// The file Python names (the script itself for a syntax error).
    public var file: String?
    /// 1-based line of the error, where Python gives one.
    public var line: Int?
    /// 1-based column, where Python gives one.
    public var offset: Int?
    /// The offending source line, where Python gives one.
    public var text: String?

    /// A passing result, or one with an error, for tests and callers.
    public init(path: String, ok: Bool, type: String? = nil, message: String? = nil, file: String? = nil,
                line: Int? = nil, offset: Int? = nil, text: String? = nil) {
        self.path = path
        self.ok = ok
        self.type = type
        self.message = message
        self.file = file
        self.line = line
        self.offset = offset
        self.text = text
    }

    /// Every result in the helper's output, by path. Lines that are not a result (the
    /// interpreter's own warnings) are skipped.
    public static func parse(_ output: String) -> [String: ScriptCompileResult] {
        var results: [String: ScriptCompileResult] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            if let result = try? JSONDecoder().decode(ScriptCompileResult.self, from: Data(line.utf8)) {
                results[result.path] = result
            }
        }
        return results
    }

    /// `main_pc_code/agents/x.py:123: SyntaxError: unmatched ')'`, with the script shown as
    /// `shownAs` (as the command gives it) when Python names the script itself.
    public func describe(shownAs shown: String) -> String {
        var place = file.map { $0 == path ? shown : $0 } ?? shown
        if let line { place += ":\(line)" }
        var text = "\(place): \(type ?? "error")"
        if let message, !message.isEmpty { text += ": \(message)" }
        if let source = self.text?.trimmingCharacters(in: .whitespacesAndNewlines), !source.isEmpty {
            text += " in `\(source.count > 80 ? String(source.prefix(77)) + "..." : source)`"
        }
        return text
    }
}
