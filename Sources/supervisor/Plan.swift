import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor plan HOST`: the start plan of one host.
    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Show a host's start plan: dependency levels, critical path and predicted start-up time.",
            discussion: """
                With --json, one JSON object instead: the levels, cycles and critical path, and per agent \
                its level, dependencies, command and working directory, the environment the supervisor \
                adds for it (legacy variables, env, AGENT_NAME, AGENT_PORT, HEALTH_CHECK_PORT), its port \
                and its health check, all after ${VAR} expansion (PORT_OFFSET included), as `up` would \
                start it. Variables every agent gets with the same value are written once, in \
                common_environment.
                """)

        @Argument(help: "The host, as named in the hosts file.")
        var host: String

        @Flag(help: "Print the plan as one JSON object (per agent: level, command, environment, ports, health).")
        var json = false

        @OptionGroup var files: FileOptions

        func run() throws {
            let configuration = try loadValidConfiguration(files: files, host: host)
            let manifest = configuration.manifest!
            if json {
                print(try PlanReport(configuration: configuration, manifest: manifest, host: host).encoded())
            } else {
                print(StartPlan(manifest: manifest, host: host).rendered())
            }
        }
    }
}

/// Loads the configuration and stops with every error printed when it has errors (exit 2) or
/// when the host is unknown (exit 4). Warnings are printed and tolerated.
func loadValidManifest(files: FileOptions, host: String) throws -> Manifest {
    try loadValidConfiguration(files: files, host: host).manifest!
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
