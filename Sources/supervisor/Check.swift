import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor check [--deep] [--strict]`: validate the manifest and hosts file, and what
    /// this machine holds for its agents, reporting every problem at once.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate agents.yaml and hosts; report every problem at once.",
            discussion: """
                Also checks, for the hosts that run on this machine, that each agent's working \
                directory exists, that its program resolves as `up` resolves it (its cwd, its PATH) \
                and is executable, and that a Python command's script exists: warnings, errors with \
                --strict.

                --deep also compiles each Python script with the agent's own interpreter (compile \
                only: nothing is run or imported), reporting a SyntaxError with the script's file \
                and line, and checks that no other process already listens on an agent's port or \
                health port; with --deep every such finding is an error. Ports of a host whose \
                supervisor is running are not checked (its agents hold them).

                Exit status: 0 when there are no errors (warnings allowed), 1 otherwise (an unreadable \
                file is an error too); 2 for bad arguments. --json prints one JSON object instead \
                (docs/cli.md), with the same exit status.
                """)

        @OptionGroup var files: FileOptions

        @Flag(help: "Treat warnings (dependency cycles, missing programs, cwds or scripts) as errors.")
        var strict = false

        @Flag(help: "Also compile the Python scripts and check that the agents' ports are free.")
        var deep = false

        @Flag(help: "Print one JSON object: the issues (severity, file, line, agent, key, message, code) and counts.")
        var json = false

        func run() throws {
            let configuration = Configuration.load(manifestPath: files.manifest, hostsPath: files.hosts, strict: strict)
            let preflight = Preflight(configuration: configuration)
            let report = deep ? preflight.deep() : preflight.paths(severity: strict ? .error : .warning)
            let issues = configuration.issues + report.issues
            if json {
                try printJSON(CheckReport(
                    manifest: files.manifest, hosts: files.hosts,
                    agents: configuration.manifest.map { manifest in
                        Dictionary(uniqueKeysWithValues: manifest.hostNames.map { ($0, manifest.agents(on: $0).count) })
                    } ?? [:],
                    errors: issues.errors.count, warnings: issues.warnings.count,
                    checkedDeeply: deep ? report.checked : nil,
                    issues: issues.map(IssueReport.init), notes: report.skipped))
                if !issues.errors.isEmpty { throw CLIExit.failure }
                return
            }
            for issue in issues { print(issue) }
            for note in report.skipped { print("\(files.manifest): note: \(note)") }
            let errors = issues.errors.count
            let warnings = issues.warnings.count
            if let manifest = configuration.manifest {
                let perHost = manifest.hostNames.map { "\($0): \(manifest.agents(on: $0).count)" }.joined(separator: ", ")
                let scope = deep ? "; \(report.checked) checked deeply" : ""
                print("\(files.manifest): \(manifest.agents.count) agents (\(perHost))\(scope); \(errors) error(s), \(warnings) warning(s)")
            } else {
                print("\(files.manifest): \(errors) error(s), \(warnings) warning(s)")
            }
            if errors > 0 { throw CLIExit.failure }
        }
    }
}
