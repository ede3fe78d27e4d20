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

    /// Sends the command `make` builds for each host's part of the selection, and prints what
    /// happened to each agent.
    func send(_ make: ([String]) -> ControlCommand) throws {
        let context = try ClientContext(files: files, keys: keys)
        var exitCode: ExitCode?
        for (host, items) in try context.selectionByHost(selection, host: host) {
            switch try context.client(for: host).request(make(items), as: CommandResults.self) {
            case .success(let results):
                for outcome in results.agents { print("\(host.name)/\(outcome.agent): \(outcome.result)") }
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
            commandName: "start",
            abstract: "Start stopped, exited or failed agents.",
            discussion: "An agent whose dependencies are down is refused unless --with-deps starts them too.")

        @OptionGroup var options: SelectionOptions

        @Flag(name: .customLong("with-deps"), help: "Also start the dependencies that are not running.")
        var withDeps = false

        func run() throws { try options.send { .start(selection: $0, withDependencies: withDeps) } }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop",
            abstract: "Stop agents (their stop signal, then SIGKILL after the stop timeout). They stay stopped.")

        @OptionGroup var options: SelectionOptions

        func run() throws { try options.send { .stop(selection: $0) } }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restart",
            abstract: "Restart agents now; also clears `failed` and its restart history.")

        @OptionGroup var options: SelectionOptions

        func run() throws { try options.send { .restart(selection: $0) } }
    }
}
