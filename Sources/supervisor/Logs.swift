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

        @Flag(help: "One JSON object per line: host, agent, time, stream, line (docs/cli.md).")
        var json = false

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
            let style = several && !json ? TerminalStyle.forStandardOutput(color) : nil
            let output = LogOutput(prefixes: LogPrefixes(agents: tails.map(\.reply.agent), style: style), json: json,
                                   hosts: Dictionary(tails.map { ($0.reply.agent, $0.host.name) }, uniquingKeysWith: { first, _ in first }))
            for line in LogMerge.merge(tails.map { ($0.reply.agent, $0.reply.lines) }, since: sinceStamp) {
                output.write(agent: line.agent, text: line.text)
            }
            guard follow else { return }
            flushStandardOutput()
            if tails.count == 1 && !several && !json {
                LogFollower(path: tails[0].reply.path, offset: tails[0].reply.offset).follow()
            }
            for tail in tails where !FileManager.default.fileExists(atPath: tail.reply.path) {
                printError("\(tail.host.name)/\(tail.reply.agent): -f reads \(tail.reply.path), which is not on this machine")
                throw CLIExit.failure
            }
            ManyLogFollower(files: tails.map { ($0.reply.agent, $0.reply.path, $0.reply.offset) }, output: output).follow()
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
