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

    @OptionGroup var waiting: WaitOptions

    @Flag(help: "Print the replies (and with --wait each agent's outcome) as JSON (docs/cli.md).")
    var json = false

    /// Sends the command `make` builds for each host's part of the selection, and prints what
    /// happened to each agent; with --wait, waits for `goal` and prints where each agent ended.
    func send(goal: WaitGoal, _ make: ([String]) -> ControlCommand) throws {
        let context = try ClientContext(files: files, keys: keys)
        var exitCode: ExitCode?
        var outcomes: [AgentWaiter.Outcome] = []
        for (host, items) in try context.selectionByHost(selection, host: host) {
            switch try context.client(for: host).request(make(items), as: CommandResults.self) {
            case .success(let results):
                for outcome in results.agents {
                    outcomes.append(AgentWaiter.Outcome(host: host.name, agent: outcome.agent, result: outcome.result))
                    if !waiting.enabled && !json { print("\(host.name)/\(outcome.agent): \(outcome.result)") }
                }
            case .failure(let error):
                exitCode = fail(error, host: host)
            }
        }
        if waiting.enabled && exitCode == nil {
            let waiter = AgentWaiter(context: context, goal: goal, timeout: waiting.seconds)
            try waiter.report(try waiter.wait(for: outcomes), json: json)
        } else if json {
            try printJSON(outcomes)
        }
        if let exitCode { throw exitCode }
    }
}

/// `--wait` and `--timeout` of start, stop, restart and reload.
struct WaitOptions: ParsableArguments {
    @Flag(help: "Return once every agent named is ready (stop: stopped); exit 1 naming those that are not, with their cause.")
    var wait = false

    @Option(help: ArgumentHelp("Seconds --wait waits at most (implies --wait; default 60).", valueName: "seconds"))
    var timeout: Double?

    var enabled: Bool { wait || timeout != nil }
    var seconds: Double { timeout ?? 60 }

    func validate() throws {
        if let timeout, !(timeout > 0 && timeout <= 86_400) {
            throw ValidationError("--timeout must be a number of seconds above 0 and at most 86400")
        }
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

        func run() throws { try options.send(goal: .ready) { .start(selection: $0, withDependencies: withDeps) } }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop",
            abstract: "Stop agents (their stop signal, then SIGKILL after the stop timeout). They stay stopped.")

        @OptionGroup var options: SelectionOptions

        func run() throws { try options.send(goal: .stopped) { .stop(selection: $0) } }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restart",
            abstract: "Restart agents now; also clears `failed` and its restart history.")

        @OptionGroup var options: SelectionOptions

        func run() throws { try options.send(goal: .ready) { .restart(selection: $0) } }
    }
}
