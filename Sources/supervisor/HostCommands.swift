import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor down [HOST]`
    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "down",
            abstract: "Stop every agent (dependents first) and the supervisor itself.",
            discussion: "With no host, every running supervisor in the hosts file. Waits until each has exited.")

        @Argument(help: "The host.")
        var host: String?

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        @Option(help: "Seconds to wait for the supervisor to exit.")
        var timeout: Double = 120

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            try context.askEach(try context.targets(host), .down, as: DownReply.self, named: host != nil) { target, reply in
                print("\(target.name): stopping \(reply.stopping) agents")
                let client = try context.client(for: target)
                let deadline = Date().addingTimeInterval(timeout)
                var stopped = false
                while !stopped && Date() < deadline {
                    if case .failure(let error) = client.request(.ping, timeout: 2), error.code == .unreachable {
                        stopped = true
                    } else {
                        usleep(100_000)
                    }
                }
                guard stopped else {
                    printError("\(target.name): the supervisor is still running after \(Int(timeout)) s")
                    throw CLIExit.failure
                }
                print("\(target.name): supervisor stopped")
            }
        }
    }

    /// `supervisor reload [HOST]`
    struct Reload: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reload",
            abstract: "Re-read agents.yaml and hosts: start added agents, stop removed ones, restart changed ones.",
            discussion: """
                A manifest with errors changes nothing; the errors are printed. With --wait, returns once \
                the added and changed agents are ready (or stopped on purpose) and the removed ones are gone.
                """)

        @Argument(help: "The host (default: every running supervisor).")
        var host: String?

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        @OptionGroup var waiting: WaitOptions

        @Flag(help: "Print each host's reply (and with --wait each agent's outcome) as JSON (docs/cli.md).")
        var json = false

        /// One host's reply, for --json.
        struct HostReload: Codable {
            var host: String
            var added: [String]
            var removed: [String]
            var changed: [String]
            var unchanged: Int
        }

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            var replies: [HostReload] = []
            var outcomes: [AgentWaiter.Outcome] = []
            var removed: Set<String> = []
            try context.askEach(try context.targets(host), .reload, as: ReloadOutcome.self, named: host != nil) { target, reply in
                func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
                if !json {
                    print("\(target.name): added \(list(reply.added)); removed \(list(reply.removed)); changed \(list(reply.changed)); \(reply.unchanged) unchanged")
                }
                replies.append(HostReload(host: target.name, added: reply.added, removed: reply.removed, changed: reply.changed, unchanged: reply.unchanged))
                for (names, result) in [(reply.added, "added"), (reply.changed, "changed"), (reply.removed, "removed")] {
                    outcomes += names.map { AgentWaiter.Outcome(host: target.name, agent: $0, result: result) }
                }
                removed.formUnion(reply.removed)
            }
            guard waiting.enabled else {
                if json { try printJSON(replies) }
                return
            }
            let waiter = AgentWaiter(context: context, goal: .reloaded, timeout: waiting.seconds)
            try waiter.report(try waiter.wait(for: outcomes, gone: removed), json: json)
        }
    }
}
