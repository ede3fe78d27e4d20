/// Expands `${NAME}`, `${NAME:-default}` and `$$` in manifest values, from a given environment.
///
/// The legacy form `${PORT_OFFSET}+7200` expands to `0+7200`; integer fields then add the two
/// (see `ManifestReader.integer`). Expansion is pure: the environment is passed in.
///
/// One pass over the text: every character is read once, whatever the nesting, and values from
/// the environment are copied, never expanded again. Defaults may nest (`${A:-${B:-x}}`) up to
/// `maximumNesting` levels; deeper is a failure, not a hang.
public struct VariableExpander: Sendable {
    /// Why an expansion failed.
    public enum Failure: Error, Equatable, Sendable {
        case undefined(String)
        case unterminated
        case badName(String)
        /// References nested deeper than `maximumNesting`.
        case tooDeep
    }

    /// How many `${` may be open at once.
    public static let maximumNesting = 16

    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The text with every reference replaced.
    public func expand(_ text: String) -> Result<String, Failure> {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return .success(text) }
        var pass = Pass(text: Array(text.utf8), environment: environment)
        do {
            try pass.text(depth: 0, insideReference: false, emit: true)
        } catch {
            return .failure(error)
        }
        return .success(String(decoding: pass.output, as: UTF8.self))
    }
}

extension VariableExpander {
    /// One expansion: a cursor over the text's UTF-8 bytes and the output so far. `emit` false
    /// walks an unused default without resolving it (a default that is not needed may name
    /// variables that are not set).
    private struct Pass {
        let text: [UInt8]
        let environment: [String: String]
        var index = 0
        var output: [UInt8] = []

        init(text: [UInt8], environment: [String: String]) {
            self.text = text
            self.environment = environment
            output.reserveCapacity(text.count)
        }

        private static let dollar = UInt8(ascii: "$")
        private static let open = UInt8(ascii: "{")
        private static let close = UInt8(ascii: "}")
        private static let colon = UInt8(ascii: ":")
        private static let dash = UInt8(ascii: "-")

        /// Plain text up to the end, or (inside a default) up to and including the `}` that
        /// closes the reference. Bare braces inside a default pair up and stay text.
        mutating func text(depth: Int, insideReference: Bool, emit: Bool) throws(Failure) {
            var braces = 0
            while index < text.count {
                let byte = text[index]
                if byte == Self.dollar, index + 1 < text.count {
                    let next = text[index + 1]
                    if next == Self.dollar {
                        if emit { output.append(Self.dollar) }
                        index += 2
                        continue
                    }
                    if next == Self.open {
                        index += 2
                        try reference(depth: depth + 1, emit: emit)
                        continue
                    }
                }
                if insideReference {
                    if byte == Self.open {
                        braces += 1
                    } else if byte == Self.close {
                        if braces == 0 {
                            index += 1
                            return
                        }
                        braces -= 1
                    }
                }
                if emit { output.append(byte) }
                index += 1
            }
            if insideReference { throw .unterminated }
        }

        /// The part of `${...}` after `${`: a name, then `}` or `:-default}`.
        private mutating func reference(depth: Int, emit: Bool) throws(Failure) {
            guard depth <= VariableExpander.maximumNesting else { throw .tooDeep }
            let start = index
            while index < text.count, text[index] != Self.close, !startsDefault(at: index) { index += 1 }
            guard index < text.count else { throw .unterminated }
            let name = String(decoding: text[start..<index], as: UTF8.self)
            guard Self.isVariableName(name) else { throw .badName(name) }
            let value = environment[name]
            let hasValue = !(value ?? "").isEmpty
            if text[index] == Self.close {
                index += 1
                guard emit else { return }
                if let value, hasValue {
                    output.append(contentsOf: value.utf8)
                } else if name == "PORT_OFFSET" {
                    // The legacy files use ${PORT_OFFSET}+N and mean 0 when it is unset or empty.
                    output.append(UInt8(ascii: "0"))
                } else if value == nil {
                    throw .undefined(name)
                }
                return
            }
            index += 2
            if emit, let value, hasValue { output.append(contentsOf: value.utf8) }
            try text(depth: depth, insideReference: true, emit: emit && !hasValue)
        }

        private func startsDefault(at position: Int) -> Bool {
            text[position] == Self.colon && position + 1 < text.count && text[position + 1] == Self.dash
        }

        private static func isVariableName(_ name: String) -> Bool {
            guard let first = name.first, !first.isNumber else { return false }
            return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        }
    }
}
