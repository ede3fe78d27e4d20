import ArgumentParser
import Foundation

/// A command line agent-sim cannot run with; the message names the flag or variable at fault.
struct UsageError: Error, Equatable {
    var message: String
}

extension AgentSimOptions {
    /// What the command line asks for.
    enum Request: Equatable {
        case run(AgentSimOptions)
        case help
    }

    /// The flags as ArgumentParser reads them (`--flag value`, `--flag=value`; a value may
    /// start with `-`; a later repetition wins). Only the text: `resolve` reads the values
    /// and falls back on the legacy environment variables.
    struct Arguments: ParsableArguments {
        @Option(parsing: .unconditional) var name: String?
        @Option(parsing: .unconditional) var port: String?
        @Option(parsing: .unconditional) var healthPort: String?
        @Option(parsing: .unconditional) var bind: String?
        @Option(parsing: .unconditional) var readyAfter: String?
        @Option(parsing: .unconditional) var unhealthyAfter: String?
        @Option(parsing: .unconditional) var hangAfter: String?
        @Option(parsing: .unconditional) var crashAfter: String?
        @Option(parsing: .unconditional) var exitCode: String?
        @Option(parsing: .unconditional) var crashSignal: String?
        @Option(parsing: .unconditional) var memory: String?
        @Option(parsing: .unconditional) var growMemory: String?
        @Option(parsing: .unconditional) var cpu: String?
        @Option(parsing: .unconditional) var children: String?
        @Option(parsing: .unconditional) var printEvery: String?
        @Option(parsing: .unconditional) var lineText: String?
        @Option(parsing: .unconditional) var spamLines: String?
        @Flag var ignoreSigterm = false

        /// The values given, by flag.
        var given: [String: String] {
            let pairs: [(String, String?)] = [
                ("--name", name), ("--port", port), ("--health-port", healthPort), ("--bind", bind),
                ("--ready-after", readyAfter), ("--unhealthy-after", unhealthyAfter), ("--hang-after", hangAfter),
                ("--crash-after", crashAfter), ("--exit-code", exitCode), ("--crash-signal", crashSignal),
                ("--memory", memory), ("--grow-memory", growMemory), ("--cpu", cpu), ("--children", children),
                ("--print-every", printEvery), ("--line-text", lineText), ("--spam-lines", spamLines),
            ]
            return Dictionary(uniqueKeysWithValues: pairs.compactMap { flag, value in value.map { (flag, $0) } })
        }
    }

    /// The legacy environment variable standing in for a flag that was not given.
    private static let environmentNames: [String: String] = [
        "--name": "AGENT_NAME", "--port": "AGENT_PORT", "--health-port": "HEALTH_CHECK_PORT",
        "--bind": "BIND_ADDRESS",
    ]

    /// Parses `arguments` (without the program name) over `environment`.
    static func parse(_ arguments: [String], environment: [String: String]) throws(UsageError) -> Request {
        let parsed: Arguments
        do {
            parsed = try Arguments.parse(arguments)
        } catch {
            if Arguments.exitCode(for: error) == .success { return .help }
            let message = Arguments.message(for: error)
            throw UsageError(message: "\(message.hasSuffix(".") ? String(message.dropLast()) : message) (see --help)")
        }
        let switches: Set<String> = parsed.ignoreSigterm ? ["--ignore-sigterm"] : []
        return .run(try resolve(parsed.given, switches: switches, environment: environment))
    }

    private static func resolve(
        _ given: [String: String], switches: Set<String>, environment: [String: String]
    ) throws(UsageError) -> AgentSimOptions {
        // The flag's value, else its environment variable's; an empty variable counts as unset
        // because launch scripts often export `AGENT_PORT=` for agents without a port.
        func text(_ flag: String) -> (value: String, source: String)? {
            if let value = given[flag] { return (value, flag) }
            if let variable = environmentNames[flag], let value = environment[variable], !value.isEmpty {
                return (value, variable)
            }
            return nil
        }
        func read<T>(_ flag: String, _ what: String, _ parse: (String) -> T?) throws(UsageError) -> T? {
            guard let (value, source) = text(flag) else { return nil }
            guard let parsed = parse(value) else {
                throw UsageError(message: "\(source) '\(value)' is not \(what)")
            }
            return parsed
        }
        let duration = "a duration (500ms, 2s, 1m or seconds)"
        let size = "a size (100M, 1G, 512K or bytes)"
        let port = { (text: String) in QuantityText.integer(text, in: 1...65535) }

        var options = AgentSimOptions()
        if let name = text("--name")?.value {
            guard !name.isEmpty else { throw UsageError(message: "--name must not be empty") }
            options.name = name
        }
        options.port = try read("--port", "a port (1-65535)", port)
        options.healthPort = try read("--health-port", "a port (1-65535)", port)
        if let address = text("--bind")?.value, !address.isEmpty { options.bindAddress = address }

        options.readyAfter = try read("--ready-after", duration, QuantityText.seconds) ?? 0
        options.unhealthyAfter = try read("--unhealthy-after", duration, QuantityText.seconds)
        options.hangAfter = try read("--hang-after", duration, QuantityText.seconds)
        options.crashAfter = try read("--crash-after", duration, QuantityText.seconds)
        let exitCode = try read("--exit-code", "an exit code (0-255)") { QuantityText.integer($0, in: 0...255) }
        let signal = try read("--crash-signal", "a signal name (KILL, SEGV, ABRT, ...)", CrashSignal.init(name:))
        if exitCode != nil, signal != nil {
            throw UsageError(message: "--exit-code and --crash-signal cannot be combined")
        }
        if let signal {
            options.crash = .signal(signal)
        } else if let exitCode {
            options.crash = .exit(code: Int32(exitCode))
        }
        // A crash without a time means "crash at start", which is what a crash-loop test wants.
        if exitCode != nil || signal != nil, options.crashAfter == nil { options.crashAfter = 0 }

        options.memoryBytes = try read("--memory", size, QuantityText.bytes) ?? 0
        options.growMemoryBytes = try read("--grow-memory", size, QuantityText.bytes) ?? 0
        options.cpuShare = try read("--cpu", "a fraction of a core (0.5, 1, 2)") { text in
            Double(text).flatMap { $0 >= 0 && $0 <= 64 ? $0 : nil }
        } ?? 0
        options.children = try read("--children", "a count (0-1000)") { QuantityText.integer($0, in: 0...1000) } ?? 0

        options.printEvery = try read("--print-every", duration) { text in
            QuantityText.seconds(text).flatMap { $0 > 0 ? $0 : nil }
        }
        options.lineText = text("--line-text")?.value
        options.spamLines = try read("--spam-lines", "a count") { QuantityText.integer($0, in: 0...100_000_000) } ?? 0
        options.ignoreSigterm = switches.contains("--ignore-sigterm")
        return options
    }
}
