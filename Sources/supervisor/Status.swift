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
                With no host, every host in the hosts file is asked. Under the table: log lines lost, and health \
                ports found by discovery (health.discover). Exit status 3 when no supervisor runs.
                """)

        @Argument(help: "A host name, then agent names; both optional.")
        var names: [String] = []

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        @Flag(help: "Print the raw JSON reply.")
        var json = false

        @Flag(help: "Redraw every second until interrupted.")
        var watch = false

        func run() throws {
            let request = StatusRequest(
                names: names, manifestPath: files.manifest, hostsPath: files.hosts, key: keys.key,
                keysDirectory: keys.keysDirectory, json: json, watch: watch)
            try request.run()
        }
    }
}

/// What `supervisor status` was asked, as plain values: from ArgumentParser (`Status`) or, for
/// the plain forms, read directly from the command line (`StatusRequest.init?(quick:)`).
struct StatusRequest: Equatable {
    var names: [String] = []
    var manifestPath = "agents.yaml"
    var hostsPath = "hosts"
    var key: String?
    var keysDirectory = "keys"
    var json = false
    var watch = false

    func run() throws {
        let context = try ClientContext(manifestPath: manifestPath, hostsPath: hostsPath, key: key, keysDirectory: keysDirectory)
        var hostName: String?
        var agents = names
        if let first = names.first, context.hosts[first] != nil {
            hostName = first
            agents.removeFirst()
        }
        let groups = hostName == nil && !agents.isEmpty
            ? try context.selectionByHost(agents, host: nil)
            : try context.targets(hostName).map { ($0, agents) }
        repeat {
            let code = try showOnce(groups, context)
            guard watch else {
                if let code { throw code }
                return
            }
            flushStandardOutput()
            sleep(1)
        } while true
    }

    private func showOnce(_ groups: [(HostTable.Host, [String])], _ context: ClientContext) throws -> ExitCode? {
        var reached = 0
        var failure: ExitCode?
        var replies: [JSONValue] = []
        var table = StatusTable(colour: isatty(STDOUT_FILENO) == 1 && !json, showHost: groups.count > 1)
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
        if watch && !json { print("\u{1B}[H\u{1B}[2J", terminator: "") }
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
