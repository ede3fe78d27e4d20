import ArgumentParser
import Foundation
import SupervisorModel

extension LegacyImportOptions.Registry: ExpressibleByArgument {}

extension SupervisorCommand {
    /// `supervisor import FILE... [-o agents.yaml] [--host HOST] [--force] [--pass-ports] [--registry WHO]`: legacy startup
    /// configurations to one manifest. The work is `LegacyImport.run`; this reads and writes files.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Write an agents.yaml from legacy startup configurations (agent_groups or pc2_services files).",
            discussion: """
                Every defect found in the files (dependency cycles, duplicated agents, an error bus on an \
                agent's port, unknown dependencies, ...) is printed on stderr as FILE:LINE: warning: ... \
                and written as a comment where it belongs in the output. See docs/import.md.

                Every agent runs `${LEGACY_PYTHON:-python3} <script_path>` in ${LEGACY_ROOT:-.}, with \
                PYTHONPATH holding that root and the host's code folder (e.g. main_pc_code), and \
                PYTHONUNBUFFERED=1. The service registry is the legacy registry agent (ServiceRegistry): \
                every agent's SERVICE_REGISTRY_HOST/_PORT point at it, unless --registry supervisor.

                Exit status: 0 when the manifest was written and passes `supervisor check` (warnings \
                allowed); 1 otherwise; 2 for bad arguments or an input file that cannot be read. \
                --json (with -o FILE) prints what was written and the findings as one JSON object on \
                stdout instead of the lines on stderr (docs/cli.md).
                """)

        @Argument(help: "Legacy startup configuration files, imported in this order.")
        var files: [String]

        @Option(name: [.customShort("o"), .long], help: "Where to write the manifest; - for stdout.")
        var output = "-"

        @Option(help: "The host of every file (default: mainpc for agent_groups, pc2 for pc2_services).")
        var host: String?

        @Flag(help: "Overwrite the output file if it exists.")
        var force = false

        @Flag(help: """
            Append --port N and --health-check-port M to each agent's command, as the newer legacy \
            launcher did (agents without them bind their code's default ports).
            """)
        var passPorts = false

        @Option(help: """
            Who serves the service registry: agent (the legacy registry agent, on its own port; the \
            supervisor serves none) or supervisor (the supervisor, on that agent's port; the agent is \
            not imported).
            """)
        var registry: LegacyImportOptions.Registry = .agent

        @Flag(help: "Print what was written and the findings as one JSON object (needs -o FILE).")
        var json = false

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one legacy file") }
            if json && output == "-" { throw ValidationError("--json writes to stdout: give the manifest a file with -o FILE") }
        }

        func run() throws {
            let toStdout = output == "-"
            if !toStdout && !force && FileManager.default.fileExists(atPath: output) {
                printError("\(output) exists; not overwritten (use --force to replace it)")
                throw CLIExit.failure
            }
            let options = LegacyImportOptions(host: host, passPorts: passPorts, registry: registry)
            let result = LegacyImport.run(try readFiles(), options: options, output: toStdout ? "agents.yaml" : output)
            let warnings = result.findings.filter { $0.severity == .warning }.count
            let errors = result.findings.count - warnings
            if json {
                if let text = result.text { try write(text, toStdout: false) }
                try printJSON(ImportReport(
                    inputs: files, output: result.text == nil ? nil : output,
                    agents: result.agentCounts.map { ImportReport.HostCount(host: $0.host, agents: $0.count) },
                    succeeded: result.succeeded, errors: errors, warnings: warnings,
                    findings: result.findings.map(IssueReport.init)))
                if !result.succeeded { throw CLIExit.failure }
                return
            }
            for finding in result.findings { printError(finding.description) }
            guard let text = result.text else {
                printError("nothing written: the files above could not be imported")
                throw CLIExit.failure
            }
            try write(text, toStdout: toStdout)
            let perHost = result.agentCounts.map { "\($0.host): \($0.count)" }.joined(separator: ", ")
            let total = result.agentCounts.reduce(0) { $0 + $1.count }
            printError("imported \(total) agents (\(perHost)) from \(files.count) file(s) to \(toStdout ? "stdout" : output); \(warnings) warning(s), \(errors) error(s)")
            if !result.succeeded { throw CLIExit.failure }
        }

        /// The input files; one that is missing, unreadable or not UTF-8 is a bad file (exit 2).
        private func readFiles() throws -> [LegacyImport.Source] {
            try files.map { file in
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) else {
                    printError("\(file): error: no such file")
                    throw CLIExit.usage
                }
                guard !isFolder.boolValue, let data = FileManager.default.contents(atPath: file) else {
                    printError("\(file): error: cannot read the file\(isFolder.boolValue ? " (it is a folder)" : "")")
                    throw CLIExit.usage
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    printError("\(file): error: cannot read the file (not UTF-8 text)")
                    throw CLIExit.usage
                }
                return LegacyImport.Source(file: file, text: text)
            }
        }

        private func write(_ text: String, toStdout: Bool) throws {
            if toStdout {
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                printError("\(output): error: cannot write: \(error.localizedDescription)")
                throw CLIExit.failure
            }
        }
    }
}
