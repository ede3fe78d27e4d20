import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor up HOST`: run a host's agents in the foreground.
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a host's agents in dependency order and supervise them until SIGINT/SIGTERM.",
            discussion: """
                Each agent starts the moment its dependencies are ready. Crashed agents restart \
                with backoff; agents that keep crashing are marked failed. On SIGINT/SIGTERM the \
                agents stop in reverse dependency order and the supervisor exits 0.
                """)

        @Argument(help: "The host whose agents to run, as named in the hosts file.")
        var host: String

        @OptionGroup var files: FileOptions

        @Option(name: .long, help: "Log folder; agent logs go to <logs>/<host>/<agent>.log. Default: logs beside the manifest.")
        var logs: String?

        func run() throws {
            let configuration = try loadValidConfiguration(files: files, host: host)
            let logRoot = logs ?? configuration.baseDirectory + "/logs"
            let options = SupervisorOptions(
                manifest: configuration.manifest!, host: host, baseDirectory: configuration.baseDirectory,
                logRoot: logRoot, environment: configuration.environment)
            let reactor = try Reactor(options: options)
            let code = reactor.run()
            if code != 0 { throw ExitCode(code) }
        }
    }
}
