import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor status [HOST] [AGENT...]`
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show agents: state, pid, uptime, restarts, health, last exit.",
            discussion: """
                With no host, every host in the hosts file is asked. The first name is a host when the \
                hosts file lists it and the manifest has no agent of that name (an agent and a host of \
                one name: the agent wins); agent names without a host are asked of the host the \
                manifest gives them. The HOST column is shown when the agents shown are on more than \
                one host. Under the table, per host: how many agents are shown and their states, RSS and \
                CPU of the agents shown (and the host's own ready count when not all are shown); log \
                lines lost, and health ports found by discovery (health.discover).

                --watch on a terminal redraws the screen; otherwise (a pipe, --color never, NO_COLOR, \
                TERM=dumb) it prints one snapshot after another, a blank line between them.

                Exit status: 0; 2 for a bad hosts file or bad arguments; 3 when no supervisor runs; \
                4 for an unknown agent or host (see `supervisor --help`).
                """)

        @Argument(help: "A host name, then agent names; both optional.")
        var names: [String] = []

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        @Flag(help: "Print the raw JSON reply.")
        var json = false

        @Flag(help: "Redraw every second until interrupted.")
        var watch = false

        @Option(name: .customLong("color"), help: ArgumentHelp(
            "Colour the states and redraw --watch in place: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always or never.",
            valueName: "when"))
        var color: ColorChoice = .auto

        func run() throws {
            let request = StatusRequest(
                names: names, manifestPath: files.manifest, hostsPath: files.hosts, key: keys.key,
                keysDirectory: keys.keysDirectory, json: json, watch: watch, color: color)
            try request.run()
        }
    }
}

/// What `supervisor status` was asked, as plain values: from ArgumentParser (`Status`) or, for
/// the plain forms, read directly from the command line (`StatusRequest.init?(quick:)`).
struct StatusRequest: Equatable {
    var names: [String] = []
    /// nil: as `ManifestDiscovery` finds them (the `FileOptions` defaults).
    var manifestPath: String?
    var hostsPath: String?
    var key: String?
    var keysDirectory: String?
    var json = false
    var watch = false
    var color: ColorChoice = .auto

    func run() throws {
        let files = try ManifestDiscovery.locateOrExit(manifest: manifestPath, hosts: hostsPath)
        let context = try ClientContext(manifestPath: files.manifest, hostsPath: files.hosts, key: key, keysDirectory: keysDirectory)
        var hostName: String?
        var agents = names
        if let first = names.first, context.hosts[first] != nil, !mayBeAgent(first, in: files.manifest) || context.manifest?[first] == nil {
            hostName = first
            agents.removeFirst()
        } else if let first = names.first, context.manifest?[first] == nil {
            throw Self.unknown(first, context)
        }
        let groups = hostName == nil && !agents.isEmpty
            ? try context.selectionByHost(agents, host: nil, directly: Self.directly)
            : try context.targets(hostName).map { ($0, agents) }
        let style = json ? TerminalStyle.plain : TerminalStyle.forStandardOutput(color)
        // On a terminal --watch redraws the screen; elsewhere the snapshots follow each other,
        // a blank line between them.
        let redraw = watch && !json && style.isTerminal
        var lead = redraw ? TerminalStyle.clearScreen : ""
        repeat {
            let code = try showOnce(groups, context, style: style, lead: lead)
            lead = redraw ? TerminalStyle.clearScreen : "\n"
            guard watch else {
                if let code { throw code }
                return
            }
            flushStandardOutput()
            sleep(1)
        } while true
    }

    /// False when the manifest's text cannot name an agent `name` (no `name:` key in any
    /// spelling outside comments): `status HOST`, the benchmarked form, then never pays for parsing the manifest.
    private func mayBeAgent(_ name: String, in manifestPath: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: manifestPath) else { return false }
        let keys = [name + ":", "\"\(name)\"", "'\(name)'"]
        return String(decoding: data, as: UTF8.self).split(separator: "\n").contains { line in
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return keys.contains { code.contains($0) }
        }
    }

    /// How to ask for an agent the manifest does not list (status has no --host).
    static let directly = "name its host first, as in `supervisor status HOST NAME`"

    /// The first name is neither a host of the hosts file nor an agent of the manifest.
    private static func unknown(_ name: String, _ context: ClientContext) -> ExitCode {
        let agentNames = context.manifest?.agents.map(\.name) ?? []
        let close = Spelling.closeMatches(to: name, among: agentNames + context.hosts.hosts.map(\.name))
        let hint = close.isEmpty ? "" : " Did you mean \(close.joined(separator: ", "))?"
        printError("no agent or host named '\(name)': the manifest has no such agent and the hosts file lists "
                   + "\(context.hosts.hosts.map(\.name).joined(separator: ", ")).\(hint) "
                   + "(An agent the manifest does not list: \(directly).)")
        return CLIExit.notFound
    }

    private func showOnce(_ groups: [(HostTable.Host, [String])], _ context: ClientContext, style: TerminalStyle, lead: String) throws -> ExitCode? {
        var reached = 0
        var failure: ExitCode?
        var replies: [JSONValue] = []
        var table = StatusTable(style: style)
        for (host, mine) in groups {
            switch try context.client(for: host).request(.status(agents: mine)) {
            case .success(let reply) where json:
                // --json prints the data as it came, keys this CLI does not know included.
                reached += 1
                replies.append(reply.value)
            case .success(let reply):
                reached += 1
                switch reply.decode(HostStatus.self) {
                case .success(let status): table.add(status)
                case .failure(let error): failure = fail(error, host: host)
                }
            case .failure(let error):
                if error.code == .unreachable {
                    table.addUnreachable(host, message: error.message)
                    if json { printError("\(host.name): \(error.message)") }
                } else {
                    failure = fail(error, host: host)
                }
            }
        }
        print(lead, terminator: "")
        if json {
            print(jsonText(groups.count == 1 ? (replies.first ?? .object([:])) : .array(replies)))
        } else {
            let text = table.rendered()
            if !text.isEmpty { print(text) }
        }
        if let failure { return failure }
        return reached == 0 ? CLIExit.notRunning : nil
    }
}
