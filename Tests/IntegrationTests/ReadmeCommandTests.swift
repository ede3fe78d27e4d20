import Foundation
import Testing

/// README.md against the built binary: every `supervisor ...` line of its code blocks names a
/// verb the binary has and only options that verb's `--help` lists, and the read-only ones
/// (check, plan, export, --help) run for real, from a copy of the repository's agents.yaml and
/// hosts, and exit 0.
@Suite("README commands")
struct ReadmeCommandTests {
    static let readme = SupervisorHarness.packageRoot.appendingPathComponent("README.md")

    static func commands() throws -> [ReadmeCommand] {
        ReadmeCommands.parse(try String(contentsOf: readme, encoding: .utf8))
    }

    /// A folder holding copies of the repository's agents.yaml and hosts.
    static func project() throws -> SupervisorHarness {
        let root = SupervisorHarness.packageRoot
        return try SupervisorHarness(
            manifest: try String(contentsOf: root.appendingPathComponent("agents.yaml"), encoding: .utf8),
            hostsText: try String(contentsOf: root.appendingPathComponent("hosts"), encoding: .utf8))
    }

    @Test("the extraction reads words as a shell does")
    func extraction() throws {
        #expect(ReadmeCommands.words("supervisor logs A -n 100 -f   # follow it # twice") == ["supervisor", "logs", "A", "-n", "100", "-f"])
        #expect(ReadmeCommands.words("a 'b # c' \"d e\"#f") == ["a", "b # c", "d e#f"])
        let parsed = ReadmeCommands.parse("""
            text supervisor up outside a block
            ```sh
            $ supervisor status
            mkdir x && cd x && LEGACY_ROOT=/srv X=1 .build/release/supervisor check --deep   # a comment
            Sources/supervisor       the CLI
            ```
            """)
        #expect(parsed.map(\.arguments) == [["status"], ["check", "--deep"]])
        #expect(parsed.last?.environment == ["LEGACY_ROOT": "/srv", "X": "1"])
        #expect(parsed.last?.number == 4)
    }

    @Test("every README command names a verb of the binary and options its --help lists", .timeLimit(.minutes(5)))
    func verbsAndOptionsExist() throws {
        let commands = try Self.commands()
        // The README's examples cover the verbs a newcomer meets first.
        let verbsUsed = Set(commands.compactMap(\.arguments.first))
        #expect(commands.count >= 25, "only \(commands.count) commands found in README.md")
        for verb in ["check", "plan", "up", "status", "stop", "restart", "logs", "import", "export"] {
            #expect(verbsUsed.contains(verb), "README.md has no `supervisor \(verb)` example")
        }
        let harness = try Self.project()
        defer { harness.cleanUp() }
        var helps = HelpTexts(harness: harness)
        for command in commands {
            guard let path = try helps.verbPath(of: command) else {
                Issue.record("\(command): `supervisor --help` lists no verb '\(command.arguments.first ?? "")'")
                continue
            }
            let help = try helps.text(path)
            for flag in command.flags where !HelpTexts.lists(flag, help) {
                Issue.record("\(command): `supervisor \((path + ["--help"]).joined(separator: " "))` lists no \(flag)")
            }
        }
    }

    @Test("the README's check, plan, export and --help commands run and exit 0", .timeLimit(.minutes(5)))
    func readOnlyCommandsRun() throws {
        let harness = try Self.project()
        defer { harness.cleanUp() }
        var ran: [String] = []
        for (index, command) in try Self.commands().enumerated() where Self.runsForReal(command) {
            var arguments = command.arguments
            // Exports go to a folder of the test's own, whatever folder the README names.
            if let output = arguments.firstIndex(where: { $0 == "-o" || $0 == "--output" }), output + 1 < arguments.count {
                arguments[output + 1] = harness.directory.appendingPathComponent("export-\(index)").path
            }
            let result = try harness.run(arguments, environment: command.environment)
            #expect(result.status == 0, "\(command)\nexit \(result.status):\n\(result.output.suffix(2000))")
            ran.append(arguments.prefix(2).joined(separator: " "))
        }
        #expect(ran.contains("check") && ran.contains("plan mainpc") && ran.contains { $0.hasPrefix("export ") }, "ran only: \(ran)")
    }

    /// Read-only and runnable here: check, plan and export (their files go to a temporary
    /// folder), and --help; not with a placeholder (HOST, NAME) for an argument. Not
    /// `check --deep`: it fails when any other process on the machine holds an agent's port.
    static func runsForReal(_ command: ReadmeCommand) -> Bool {
        if command.flags.contains("--help") || command.flags.contains("-h") { return true }
        guard let verb = command.arguments.first, ["check", "plan", "export"].contains(verb) else { return false }
        let placeholder = command.arguments.contains { word in word.count > 1 && word.allSatisfy { $0.isUppercase || $0 == "_" } }
        return !placeholder && !command.flags.contains("--deep")
    }
}

/// `supervisor ... --help` of the built binary, each asked once.
struct HelpTexts {
    let harness: SupervisorHarness
    private var texts: [[String]: String] = [:]

    init(harness: SupervisorHarness) {
        self.harness = harness
    }

    /// The help of `supervisor PATH... --help`; it must exit 0.
    mutating func text(_ path: [String]) throws -> String {
        if let text = texts[path] { return text }
        let result = try harness.run(path + ["--help"])
        #expect(result.status == 0, "supervisor \(path.joined(separator: " ")) --help: exit \(result.status)\n\(result.output)")
        texts[path] = result.output
        return result.output
    }

    /// The verb (and sub-verb, as `keys init`) a command runs; [] for options of `supervisor`
    /// itself; nil for a verb the binary does not have.
    mutating func verbPath(of command: ReadmeCommand) throws -> [String]? {
        guard let verb = command.arguments.first, !verb.hasPrefix("-") else { return [] }
        guard Self.subcommands(in: try text([])).contains(verb) else { return nil }
        if command.arguments.count > 1, Self.subcommands(in: try text([verb])).contains(command.arguments[1]) {
            return [verb, command.arguments[1]]
        }
        return [verb]
    }

    /// The names under SUBCOMMANDS in a help text.
    static func subcommands(in help: String) -> [String] {
        var names: [String] = []
        var inList = false
        for line in help.components(separatedBy: "\n") {
            if line.hasPrefix("SUBCOMMANDS:") { inList = true; continue }
            if inList, let first = line.first, first != " " { inList = false }
            guard inList, line.hasPrefix("  "), let word = line.split(separator: " ").first,
                  word.first?.isLowercase == true else { continue }
            names.append(String(word))
        }
        return names
    }

    /// True when the help text has `flag` as a word of its own (`-n`, `--follow`).
    static func lists(_ flag: String, _ help: String) -> Bool {
        let separators = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ",[]<>=()"))
        return help.components(separatedBy: separators).contains(flag)
    }
}
