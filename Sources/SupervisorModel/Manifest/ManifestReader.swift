import Foundation
import Yams

/// Reads typed values out of YAML nodes, expanding variables, and collects every problem it meets
/// as a `ManifestIssue` instead of throwing. One reader is used for one file.
struct ManifestReader {
    let file: String
    let expander: VariableExpander
    private(set) var issues: [ManifestIssue] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.expander = VariableExpander(environment: environment)
    }

    /// Where a value is being read: the agent (nil for top level / defaults) and key path.
    struct Place {
        var agent: String?
        var key: String

        func child(_ name: String) -> Place {
            Place(agent: agent, key: key.isEmpty ? name : key + "." + name)
        }
    }

    mutating func report(
        _ code: ManifestIssue.Code, _ message: String, at node: Node?, _ place: Place,
        severity: ManifestIssue.Severity = .error
    ) {
        issues.append(ManifestIssue(
            severity, code, file: file, line: node?.mark?.line, agent: place.agent,
            key: place.key.isEmpty ? nil : place.key, message: message))
    }

    mutating func append(_ issue: ManifestIssue) {
        issues.append(issue)
    }

    /// The key/value pairs of a mapping, with unknown keys reported (with a did-you-mean) and
    /// dropped. (Duplicate keys never get here: Yams rejects them as a syntax error.)
    mutating func mapping(
        _ node: Node, _ place: Place, allowed: [String]? = nil, misplaced: [String: String] = [:]
    ) -> [(key: String, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType, "expected a mapping of keys to values, found \(describe(node))", at: node, place)
            return nil
        }
        var pairs: [(key: String, value: Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(.wrongType, "keys must be plain strings", at: keyNode, place)
                continue
            }
            if let explanation = misplaced[key] {
                report(.unknownKey, "'\(key)' is not allowed here: \(explanation)", at: keyNode, place.child(key))
                continue
            }
            if let allowed, !allowed.contains(key) {
                var message = "unknown key '\(key)'"
                if let suggestion = Spelling.closest(to: key, among: allowed) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                report(.unknownKey, message, at: keyNode, place.child(key))
                continue
            }
            pairs.append((key, value))
        }
        return pairs
    }

    /// A scalar as text, with variables expanded.
    mutating func string(_ node: Node, _ place: Place) -> String? {
        guard case .scalar(let scalar) = node else {
            report(.wrongType, "expected a single value, found \(describe(node))", at: node, place)
            return nil
        }
        switch expander.expand(scalar.string) {
        case .success(let text):
            return text
        case .failure(.undefined(let name)):
            report(.undefinedVariable, "variable \(name) is not set (write ${\(name):-default} to give a default)", at: node, place)
        case .failure(.unterminated):
            report(.badValue, "unterminated ${ in \"\(Self.excerpt(scalar.string))\"", at: node, place)
        case .failure(.badName(let name)):
            report(.badValue, "'\(Self.excerpt(name))' is not a variable name in \"\(Self.excerpt(scalar.string))\"", at: node, place)
        case .failure(.tooDeep):
            report(.badValue,
                   "references nest more than \(VariableExpander.maximumNesting) deep in \"\(Self.excerpt(scalar.string))\"",
                   at: node, place)
        }
        return nil
    }

    /// A list of strings; a single scalar is accepted as a one-element list only if `allowScalar`.
    mutating func strings(_ node: Node, _ place: Place, allowScalar: Bool = false) -> [String]? {
        if case .scalar = node, allowScalar {
            return string(node, place).map { [$0] }
        }
        guard case .sequence(let sequence) = node else {
            report(.wrongType, "expected a list, found \(describe(node))", at: node, place)
            return nil
        }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            guard let value = string(item, place.child("\(index)")) else { return nil }
            values.append(value)
        }
        return values
    }

    /// An integer; `A+B` (the legacy `${PORT_OFFSET}+7200` after expansion) is summed, with
    /// every step checked: a value outside `range` (or outside 64 bits) is an issue naming it.
    mutating func integer(_ node: Node, _ place: Place, range: ClosedRange<Int>? = nil) -> Int? {
        guard let text = string(node, place) else { return nil }
        let allowed = range.map { "\($0.lowerBound)...\($0.upperBound)" }
        switch WholeNumberSum.parse(text) {
        case .failure(.notANumber):
            report(.badValue, "expected a whole number, found \"\(text)\"", at: node, place)
            return nil
        case .failure(.tooLarge):
            let limit = allowed ?? "\(Int.min)...\(Int.max)"
            report(.badValue, "\"\(text)\" is out of range \(limit)", at: node, place)
            return nil
        case .success(let value):
            if let range, let allowed, !range.contains(value) {
                report(.badValue, "\(value) is out of range \(allowed)", at: node, place)
                return nil
            }
            return value
        }
    }

    mutating func port(_ node: Node, _ place: Place) -> Int? {
        integer(node, place, range: 1...65535)
    }

    mutating func number(_ node: Node, _ place: Place) -> Double? {
        guard let text = string(node, place) else { return nil }
        guard let value = Double(text), value.isFinite else {
            report(.badValue, "expected a number, found \"\(text)\"", at: node, place)
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ place: Place) -> Bool? {
        guard let text = string(node, place) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(.badValue, "expected true or false, found \"\(text)\"", at: node, place)
            return nil
        }
    }

    /// A duration such as `500ms`, `2s`, `1m`; `allowZero` for values where 0 means "none".
    mutating func duration(_ node: Node, _ place: Place, allowZero: Bool = false) -> TimeInterval? {
        guard let text = string(node, place) else { return nil }
        guard let seconds = Quantity.seconds(text) else {
            report(.badDuration, "bad duration \"\(text)\" (write e.g. 500ms, 2s, 1m, 1m30s)", at: node, place)
            return nil
        }
        if seconds > Quantity.maximumSeconds {
            report(.badDuration, "duration \"\(text)\" is out of range: at most 8760h (one year)", at: node, place)
            return nil
        }
        if seconds == 0 && !allowZero {
            report(.badDuration, "duration must be greater than zero", at: node, place)
            return nil
        }
        return seconds
    }

    /// A byte size such as `512M`, `2G`; must be positive.
    mutating func size(_ node: Node, _ place: Place) -> UInt64? {
        guard let text = string(node, place) else { return nil }
        guard let bytes = Quantity.bytes(text) else {
            report(.badSize, "bad size \"\(text)\" (write e.g. 512M, 2G, 64K)", at: node, place)
            return nil
        }
        if bytes == 0 {
            report(.badSize, "size must be greater than zero", at: node, place)
            return nil
        }
        return bytes
    }

    /// One value out of a fixed set, with a did-you-mean.
    mutating func choice<T>(_ node: Node, _ place: Place, _ options: [String: T]) -> T? {
        guard let text = string(node, place) else { return nil }
        if let value = options[text] { return value }
        let names = options.keys.sorted()
        var message = "\"\(text)\" is not one of: \(names.joined(separator: ", "))"
        if let suggestion = Spelling.closest(to: text, among: names) { message += "; did you mean '\(suggestion)'?" }
        report(.badValue, message, at: node, place)
        return nil
    }

    /// A value as quoted in a message: at most 80 characters, so a huge value cannot flood the output.
    static func excerpt(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(77)) + "..."
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "the value \"\(scalar.string)\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
