/// Expands `${NAME}`, `${NAME:-default}` and `$$` in manifest values, from a given environment.
///
/// The legacy form `${PORT_OFFSET}+7200` expands to `0+7200`; integer fields then add the two
/// (see `ManifestReader.integer`). Expansion is pure: the environment is passed in.
public struct VariableExpander: Sendable {
    /// Why an expansion failed.
    public enum Failure: Error, Equatable, Sendable {
        case undefined(String)
        case unterminated
        case badName(String)
    }

    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The text with every reference replaced.
    public func expand(_ text: String) -> Result<String, Failure> {
        guard text.contains("$") else { return .success(text) }
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            guard text[next] == "{" else {
                output.append(character)
                index = next
                continue
            }
            guard let close = Self.matchingBrace(in: text, after: next) else { return .failure(.unterminated) }
            let body = String(text[text.index(after: next)..<close])
            switch resolve(body) {
            case .success(let value): output += value
            case .failure(let failure): return .failure(failure)
            }
            index = text.index(after: close)
        }
        return .success(output)
    }

    /// The `}` closing the `{` at `open`, skipping nested `${...}` (as in `${A:-${B}}`).
    private static func matchingBrace(in text: String, after open: String.Index) -> String.Index? {
        var depth = 0
        var index = open
        while index < text.endIndex {
            switch text[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }

    private func resolve(_ body: String) -> Result<String, Failure> {
        var name = body
        var fallback: String?
        if let range = body.range(of: ":-") {
            name = String(body[..<range.lowerBound])
            fallback = String(body[range.upperBound...])
        }
        let valid = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            && !(name.first?.isNumber ?? true)
        guard valid else { return .failure(.badName(name)) }
        let value = environment[name]
        if let value, !value.isEmpty { return .success(value) }
        if let fallback { return expand(fallback) }
        // The legacy files use ${PORT_OFFSET}+N and mean 0 when it is unset or empty.
        if name == "PORT_OFFSET" { return .success("0") }
        if let value { return .success(value) }
        return .failure(.undefined(name))
    }
}
