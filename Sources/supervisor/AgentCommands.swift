import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

/// The arguments `start`, `stop` and `restart` share.
struct SelectionOptions: ParsableArguments {
    @Argument(help: "Agent names, group:<group>, or all.")
    var selection: [String]

    @Option(name: .long, help: "Ask this host's supervisor (default: the host of each agent in the manifest).")
    var host: String?

    @OptionGroup var files: FileOptions

    @OptionGroup var keys: KeyOptions

    /// Sends `command` to each host concerned and prints what happened to each agent.
    func send(_ command: String, extra: [String: Any] = [:]) throws {
        let context = try ClientContext(files: files, keys: keys)
        var exitCode: ExitCode?
        for (host, items) in try context.selectionByHost(selection, host: host) {
            switch try context.client(for: host).request(command, args: extra.merging(["agents": items]) { $1 }) {
            case .success(let data):
                for outcome in (data as? [String: Any])?["agents"] as? [[String: Any]] ?? [] {
                    print("\(host.name)/\(outcome["agent"] as? String ?? "?"): \(outcome["result"] as? String ?? "?")")
                }
            case .failure(let error):
                exitCode = fail(error, host: host)
            }
        }
        if let exitCode { throw exitCode }
    }
}

extension SupervisorCommand {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start stopped, exited or failed agents.",
            discussion: "An agent whose dependencies are down is refused unless --with-deps starts them too.")

        @OptionGroup var options: SelectionOptions

        @Flag(name: .customLong("with-deps"), help: "Also start the dependencies that are not running.")
        var withDeps = false

        func run() throws { try options.send("start", extra: ["with_deps": withDeps]) }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop agents (their stop signal, then SIGKILL after the stop timeout). They stay stopped.")

        @OptionGroup var options: SelectionOptions

        func run() throws { try options.send("stop") }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart agents now; also clears `failed` and its restart history.")

        @OptionGroup var options: SelectionOptions

        func run() throws { try options.send("restart") }
    }
}
