import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension ExportFormat: ExpressibleByArgument {}

extension SupervisorCommand {
    /// `supervisor export compose|swarm|kubernetes|systemd [HOST] [-o DIR] [--image IMAGE]`: the manifest as deployment
    /// definitions. The work is `ManifestExport.render`; this loads the files and writes the result.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write Docker Compose, Swarm, Kubernetes or systemd definitions from agents.yaml.",
            discussion: """
                Dependencies, health checks, restart policies, resource limits and the environment \
                are carried over; what a format cannot express is written as a comment and printed \
                on stderr. Compose, Swarm and Kubernetes run every agent in one image: by default \
                supervisor-agents:latest, which `make image` builds with agent-sim; a program the \
                manifest runs from ${SUPERVISOR_BIN_DIR} is run from /usr/local/bin in it. \
                See docs/export.md.
                Exit status: 0 when the files were written; 1 when they could not be (files that \
                exist, two agents with one service name, a write error); 2 for errors in the \
                manifest or hosts, a bad --image or --image with systemd; 4 for a HOST no agent runs on. \
                --json prints the files written, the format and the warnings as one JSON object on \
                stdout instead of the lines on stderr (docs/cli.md).
                """)

        @Argument(help: "compose, swarm, kubernetes or systemd.")
        var format: ExportFormat

        @Argument(help: "Export only this host's agents (default: every host).")
        var host: String?

        @Option(name: [.customShort("o"), .long], help: "Folder to write to (default: export/<format>).")
        var output: String?

        @Option(help: ArgumentHelp(
            "The agents' image for compose, swarm and kubernetes (default: \(ContainerImage.defaultName), built by `make image`).",
            valueName: "image"))
        var image: String?

        @Flag(help: "Overwrite files that already exist.")
        var force = false

        @Flag(help: "Print the files written, the format and the warnings as one JSON object.")
        var json = false

        @OptionGroup var files: FileOptions

        func run() throws {
            let configuration = Configuration.load(manifestPath: files.manifest, hostsPath: files.hosts)
            reportIssues(configuration.issues, warnings: .count, manifestPath: files.manifest)
            guard let manifest = configuration.manifest, configuration.issues.errors.isEmpty else {
                printError("nothing exported: fix the errors above (supervisor check)")
                throw CLIExit.usage
            }
            if image != nil && format == .systemd {
                printError("error: --image applies to compose, swarm and kubernetes; systemd units run on this machine")
                throw CLIExit.usage
            }
            let result: ExportResult
            do {
                let containerImage = try ContainerImage(
                    name: image ?? ContainerImage.defaultName,
                    hostBinaryDirectory: configuration.environment["SUPERVISOR_BIN_DIR"])
                result = try ManifestExport.render(
                    manifest, hosts: configuration.hosts, format: format, host: host,
                    baseDirectory: configuration.baseDirectory,
                    portOffset: configuration.environment["PORT_OFFSET"] ?? "0", image: containerImage)
            } catch {
                printError("error: \(error.message)")
                switch error.code {
                case .badImage: throw CLIExit.usage
                case .unknownHost: throw CLIExit.notFound
                case .nameClash: throw CLIExit.failure
                }
            }
            let folder = output ?? "export/\(format.rawValue)"
            try write(result.files, to: folder)
            if json {
                try printJSON(ExportReport(
                    format: format.rawValue, folder: folder, files: result.files.keys.sorted(), warnings: result.notes))
                return
            }
            for note in result.notes { printError("note: \(note)") }
            printError("wrote \(result.files.count) file(s) for \(format.rawValue) to \(folder)")
        }

        private func write(_ files: [String: String], to folder: String) throws {
            let existing = files.keys.sorted().map { folder + "/" + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
            if !force && !existing.isEmpty {
                printError("\(existing[0]) exists\(existing.count > 1 ? " (and \(existing.count - 1) more)" : ""); nothing written (use --force to replace)")
                throw CLIExit.failure
            }
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                for (path, text) in files.sorted(by: { $0.key < $1.key }) {
                    try text.write(toFile: folder + "/" + path, atomically: true, encoding: .utf8)
                }
            } catch {
                printError("\(folder): error: cannot write: \(error.localizedDescription)")
                throw CLIExit.failure
            }
        }
    }
}
