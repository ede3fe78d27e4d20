/// Why bytes are not one strict JSON text (RFC 8259): where, what, and in which key or index.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kinds of refusal a caller may treat differently.
    public enum Code: String, Sendable {
        /// The bytes are not well-formed UTF-8 (or look like UTF-16/UTF-32), or a `\u` escape
        /// names a lone surrogate, which no UTF-8 text can hold.
        case notUTF8 = "not_utf8"
        /// An object has the same key twice.
        case duplicateKey = "duplicate_key"
        /// Arrays and objects nested deeper than the parser's limit.
        case tooDeep = "too_deep"
        /// Anything else: not JSON, trailing bytes, a bad number, escape or literal.
        case syntax
    }

    /// One step from the top of the document to where the problem is.
    public enum PathComponent: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    public var code: Code
    /// What is wrong, without the position: `unexpected "x"`, `duplicate key "cmd"`.
    public var message: String
    /// Byte offset into the input where the problem starts.
    public var offset: Int
    /// The keys and indices leading to the problem; for `duplicateKey`, the last one is the key.
    public var path: [PathComponent]

    public init(_ code: Code, _ message: String, offset: Int, path: [PathComponent] = []) {
        self.code = code
        self.message = message
        self.offset = offset
        self.path = path
    }

    /// The path as text: `args.agents[2]`, or `""` at the top.
    public var pathText: String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// `duplicate key "cmd" at byte 22`, with `(in args.agents)` when below the top (not for
    /// `tooDeep`, whose path is only the nesting itself).
    public var description: String {
        guard code != .tooDeep else { return "\(message) at byte \(offset)" }
        let container = code == .duplicateKey ? Array(path.dropLast()) : path
        let place = JSONParseError(code, message, offset: offset, path: container).pathText
        return "\(message) at byte \(offset)" + (place.isEmpty ? "" : " (in \(place))")
    }

    /// The same error one level further down: `component` is prepended to the path.
    func inside(_ component: PathComponent) -> JSONParseError {
        var copy = self
        copy.path.insert(component, at: 0)
        return copy
    }
}
