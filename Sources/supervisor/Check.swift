import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor check`: validate the manifest and hosts file, reporting every problem.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate agents.yaml and hosts; report every problem at once.",
            discussion: """
                Also checks that each agent's program exists and is executable, resolved as `up` \
                resolves it (its cwd, its PATH), for the hosts that run on this machine: a warning, \
                an error with --strict.

                Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.
                """)

        @OptionGroup var files: FileOptions

        @Flag(help: "Treat warnings (dependency cycles, programs that cannot be run) as errors.")
        var strict = false

        func run() throws {
            let configuration = Configuration.load(manifestPath: files.manifest, hostsPath: files.hosts, strict: strict)
            let issues = configuration.issues + CommandPreflight(configuration: configuration).issues(strict: strict)
            for issue in issues { print(issue) }
            let errors = issues.errors.count
            let warnings = issues.warnings.count
            if let manifest = configuration.manifest {
                let perHost = manifest.hostNames.map { "\($0): \(manifest.agents(on: $0).count)" }.joined(separator: ", ")
                print("\(files.manifest): \(manifest.agents.count) agents (\(perHost)); \(errors) error(s), \(warnings) warning(s)")
            } else {
                print("\(files.manifest): \(errors) error(s), \(warnings) warning(s)")
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }
}
