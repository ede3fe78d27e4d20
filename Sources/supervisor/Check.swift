import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor check`: validate the manifest and hosts file, reporting every problem.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate agents.yaml and hosts; report every problem at once.",
            discussion: "Exit status: 0 when there are no errors (warnings allowed), 1 otherwise.")

        @OptionGroup var files: FileOptions

        @Flag(help: "Treat warnings (dependency cycles) as errors.")
        var strict = false

        func run() throws {
            let configuration = Configuration.load(manifestPath: files.manifest, hostsPath: files.hosts, strict: strict)
            for issue in configuration.issues { print(issue) }
            let errors = configuration.issues.errors.count
            let warnings = configuration.issues.warnings.count
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
