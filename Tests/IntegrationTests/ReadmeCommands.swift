import Foundation

/// One `supervisor ...` command line of a README code block, split into words as a shell would
/// (quotes kept together, a `#` comment dropped), with the `NAME=value` assignments before it.
struct ReadmeCommand: CustomStringConvertible {
    /// The line as written in the README (for messages).
    let line: String
    /// Its line number in README.md.
    let number: Int
    /// `NAME=value` words before the program.
    let environment: [String: String]
    /// The words after the program (`supervisor` or `.build/release/supervisor`).
    let arguments: [String]

    var description: String { "README.md:\(number): \(line)" }

    /// The words that are options (`--manifest`, `-n`), without an `=value`.
    var flags: [String] {
        arguments.filter { $0.hasPrefix("-") && $0 != "-" }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
    }

    /// The value after option `name` (or one of its spellings), if any.
    func value(of names: String...) -> String? {
        guard let index = arguments.firstIndex(where: { names.contains($0) }), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }
}

/// Reads the commands out of README.md.
enum ReadmeCommands {
    /// The program names a README command may start with.
    static let programs: Set<String> = ["supervisor", ".build/release/supervisor", ".build/debug/supervisor"]

    /// Every `supervisor` command of every fenced code block: one per line, or per part of a
    /// line joined with `&&`, `||`, `;` or `|`. A line's `$ ` prompt is ignored.
    static func parse(_ text: String) -> [ReadmeCommand] {
        var commands: [ReadmeCommand] = []
        var inBlock = false
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            var body = line.trimmingCharacters(in: .whitespaces)
            if body.hasPrefix("$ ") { body.removeFirst(2) }
            for segment in segments(of: words(body)) {
                if let command = command(from: segment, line: line, number: index + 1) { commands.append(command) }
            }
        }
        return commands
    }

    /// A command when the words (after `NAME=value` assignments) start with a program name.
    private static func command(from words: [String], line: String, number: Int) -> ReadmeCommand? {
        var environment: [String: String] = [:]
        var rest = words[...]
        while let first = rest.first, let equals = first.firstIndex(of: "="), isVariableName(first[..<equals]) {
            environment[String(first[..<equals])] = String(first[first.index(after: equals)...])
            rest = rest.dropFirst()
        }
        guard let program = rest.first, programs.contains(program) else { return nil }
        return ReadmeCommand(
            line: line.trimmingCharacters(in: .whitespaces), number: number,
            environment: environment, arguments: Array(rest.dropFirst()))
    }

    private static func isVariableName(_ text: Substring) -> Bool {
        guard let first = text.first, first == "_" || first.isLetter else { return false }
        return text.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }

    /// Splits at the shell's command separators (`&` too; each a word of its own after `words`).
    private static func segments(of words: [String]) -> [[String]] {
        var result: [[String]] = [[]]
        for word in words {
            if ["&&", "||", ";", "|", "&"].contains(word) {
                result.append([])
            } else {
                result[result.count - 1].append(word)
            }
        }
        return result.filter { !$0.isEmpty }
    }

    /// The words of a shell line: blanks separate words, '...' and "..." keep theirs together
    /// (without the quotes), a word that starts with `#` starts a comment, and `;`, `&&`, `||`
    /// and `|` are words of their own.
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var started = false
        var quote: Character?
        var characters = line[...]
        func finish() {
            if started { words.append(current) }
            current = ""
            started = false
        }
        while let character = characters.popFirst() {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                started = true
            case " ", "\t":
                finish()
            case "#" where !started:
                return words
            case ";":
                finish()
                words.append(";")
            case "&", "|":
                finish()
                let doubled = characters.first == character
                if doubled { characters.removeFirst() }
                words.append(doubled ? "\(character)\(character)" : String(character))
            default:
                current.append(character)
                started = true
            }
        }
        finish()
        return words
    }
}
