import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor logs NAME... [-n N] [--since WHEN] [-f]`
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logs",
            abstract: "Print the last lines of agents' logs; -f follows them.",
            discussion: """
                One agent: its lines as they are in the file. Several agents, group:<group> or all: \
                their lines merged in time order, each after the agent's name (in one colour per \
                agent on a terminal; --color as for status). -n counts each agent's lines; with \
                --since and no -n, every line since then. -f follows the files, which must be on \
                this machine (a host of the hosts file that runs here).
                """)

        @Argument(help: "Agent names, group:<group>, or all.")
        var selection: [String]

        @Option(name: [.customShort("n"), .long], help: "How many lines of each agent (default 50; with --since: all since then).")
        var lines: Int?

        @Option(help: ArgumentHelp("Only lines since then: a duration back from now (90s, 10m, 2h) or a UTC time (2026-12-02T10:00:00Z).", valueName: "when"))
        var since: String?

        @Flag(name: .shortAndLong, help: "Keep printing new lines as the agents write them (the files are followed across rotations).")
        var follow = false

        @Option(name: .long, help: "Ask this host's supervisor (default: the agent's host in the manifest).")
        var host: String?

        @Option(name: .customLong("color"), help: ArgumentHelp("Colour the agent names: auto (a terminal, unless NO_COLOR or TERM=dumb), always, never.", valueName: "when"))
        var color: ColorChoice = .auto

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        /// The most lines of one agent the supervisor hands out.
        static let mostLines = 100_000

        func validate() throws {
            if let lines, !(0...Self.mostLines).contains(lines) { throw ValidationError("-n must be a whole number from 0 to \(Self.mostLines)") }
            if let since, LogSince.timestamp(since) == nil {
                throw ValidationError("--since '\(since)': give a duration (90s, 10m, 2h) or a UTC time like 2026-12-02T10:00:00Z")
            }
        }

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            let sinceStamp = since.flatMap { LogSince.timestamp($0) }
            // The supervisor hands out 1 to 100000 lines; -n 0 asks for one and shows none
            // (for -f: only what comes).
            let count = lines ?? (since == nil ? 50 : Self.mostLines)
            var tails: [(host: HostTable.Host, reply: LogsReply)] = []
            for (target, items) in try context.selectionByHost(selection, host: host) {
                let client = try context.client(for: target)
                for agent in try Self.agents(items, on: target, client: client) {
                    switch try client.request(.logs(agent: agent, lines: max(1, count)), as: LogsReply.self) {
                    case .success(var reply):
                        reply.lines = Array(reply.lines.suffix(count))
                        tails.append((target, reply))
                    case .failure(let error): throw fail(error, host: target)
                    }
                }
            }
            let several = tails.count > 1 || selection.contains { $0 == "all" || $0.hasPrefix("group:") }
            let prefixes = LogPrefixes(agents: tails.map(\.reply.agent), style: several ? TerminalStyle.forStandardOutput(color) : nil)
            for line in LogMerge.merge(tails.map { ($0.reply.agent, $0.reply.lines) }, since: sinceStamp) {
                print(prefixes.prefix(line.agent) + line.text)
            }
            guard follow else { return }
            flushStandardOutput()
            if tails.count == 1 && !several {
                LogFollower(path: tails[0].reply.path, offset: tails[0].reply.offset).follow()
            }
            for tail in tails where !FileManager.default.fileExists(atPath: tail.reply.path) {
                printError("\(tail.host.name)/\(tail.reply.agent): -f reads \(tail.reply.path), which is not on this machine")
                throw CLIExit.failure
            }
            ManyLogFollower(files: tails.map { ($0.reply.agent, $0.reply.path, $0.reply.offset) }, prefixes: prefixes).follow()
        }

        /// The agents `items` name on `host`: names as they are; `group:<g>` and `all` from the
        /// host's own status (the supervisor's view, also for a host the manifest does not list).
        static func agents(_ items: [String], on host: HostTable.Host, client: ControlClient) throws -> [String] {
            guard items.contains(where: { $0 == "all" || $0.hasPrefix("group:") }) else { return items }
            let status: HostStatus
            switch client.request(.status(agents: []), as: HostStatus.self) {
            case .success(let reply): status = reply
            case .failure(let error): throw fail(error, host: host)
            }
            var chosen: [String] = []
            for item in items {
                let members: [String]
                if item == "all" {
                    members = status.agents.map(\.name)
                } else if item.hasPrefix("group:") {
                    let group = String(item.dropFirst("group:".count))
                    members = status.agents.filter { $0.group == group }.map(\.name)
                    if members.isEmpty {
                        printError("\(host.name): no agent is in group '\(group)'")
                        throw CLIExit.notFound
                    }
                } else {
                    members = [item]
                }
                for name in members where !chosen.contains(name) { chosen.append(name) }
            }
            return chosen
        }
    }
}

/// The `name | ` before each line when several agents are shown, padded to one width and in
/// one colour per agent on a terminal; nothing for one agent.
struct LogPrefixes {
    private var text: [String: String] = [:]

    init(agents: [String], style: TerminalStyle?) {
        guard let style else { return }
        let width = agents.map(\.count).max() ?? 0
        let colours = ["36", "33", "32", "35", "34", "31", "96", "93", "92", "95", "94", "91"]
        for (index, agent) in agents.enumerated() {
            let padded = agent.padding(toLength: width, withPad: " ", startingAt: 0)
            text[agent] = style.paint(padded + " |", sgr: colours[index % colours.count]) + " "
        }
    }

    func prefix(_ agent: String) -> String { text[agent] ?? "" }
}

/// `--since`: a duration back from now or a UTC time, as the 24-character timestamp that agent
/// log lines start with.
enum LogSince {
    static func timestamp(_ text: String, now: Date = Date()) -> String? {
        let date: Date
        if let seconds = Quantity.seconds(text), seconds <= Quantity.maximumSeconds {
            date = now.addingTimeInterval(-seconds)
        } else if let parsed = parse(text) {
            date = parsed
        } else {
            return nil
        }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard milliseconds >= 0, milliseconds < 253_402_300_800_000 else { return nil }
        let whole = Int(milliseconds)
        return Timestamp.format(seconds: whole / 1000, milliseconds: whole % 1000)
    }

    private static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// `tail -F` for one log file: prints what is appended, and starts over when it is rotated.
struct LogFollower {
    let path: String
    /// Where the printed tail ended; nil: the end of the file now.
    var offset: UInt64?

    func follow() -> Never {
        var handle = FileHandle(forReadingAtPath: path)
        if let offset { try? handle?.seek(toOffset: offset) } else { _ = try? handle?.seekToEnd() }
        var inode = Self.inode(path)
        while true {
            if let data = try? handle?.readToEnd(), !data.isEmpty {
                FileHandle.standardOutput.write(data)
            } else if Self.inode(path) != inode {
                // Rotated: the old file moved to .1; read the new one from its start.
                try? handle?.close()
                handle = FileHandle(forReadingAtPath: path)
                inode = Self.inode(path)
            } else {
                usleep(200_000)
            }
        }
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}

/// `-f` for several agents: polls each file, prints its new whole lines after the agent's
/// prefix, and starts a file over when it has been rotated.
struct ManyLogFollower {
    let files: [(agent: String, path: String, offset: UInt64)]
    let prefixes: LogPrefixes

    func follow() -> Never {
        var handles = files.map { file -> (handle: FileHandle?, inode: UInt64?, partial: [UInt8]) in
            let handle = FileHandle(forReadingAtPath: file.path)
            try? handle?.seek(toOffset: file.offset)
            return (handle, LogFollower.inode(file.path), [])
        }
        while true {
            var wrote = false
            for index in files.indices {
                if let data = try? handles[index].handle?.readToEnd(), !data.isEmpty {
                    var bytes = handles[index].partial + Array(data)
                    if let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                        let whole = bytes[...lastNewline]
                        handles[index].partial = Array(bytes[(lastNewline + 1)...])
                        bytes = Array(whole)
                        let prefix = prefixes.prefix(files[index].agent)
                        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
                            print(prefix + String(decoding: line, as: UTF8.self))
                        }
                        wrote = true
                    } else {
                        handles[index].partial = bytes
                    }
                } else if LogFollower.inode(files[index].path) != handles[index].inode {
                    try? handles[index].handle?.close()
                    handles[index] = (FileHandle(forReadingAtPath: files[index].path), LogFollower.inode(files[index].path), [])
                }
            }
            if wrote { flushStandardOutput() } else { usleep(200_000) }
        }
    }
}
