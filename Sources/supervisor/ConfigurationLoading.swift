import Foundation
import SupervisorCore
import SupervisorModel

/// How a verb that is not `check` tells of the configuration's warnings.
enum WarningReport {
    /// Each warning in full (`up`, once per run).
    case all
    /// One line: `agents.yaml: 1 warning; `supervisor check` shows it` (`plan`, `export`, `up --quiet`).
    case count
    /// Errors only: the warnings were told already (`up --all`, after its first host).
    case alreadySaid
}

/// Loads the configuration and stops with every error printed when it has errors (exit 2) or
/// when the host is unknown (exit 4). Warnings are tolerated and told as `warnings` says.
func loadValidConfiguration(
    files: FileOptions, host: String, allowEmpty: Bool = false, warnings: WarningReport = .count
) throws -> Configuration {
    let configuration = Configuration.load(manifestPath: files.manifest, hostsPath: files.hosts)
    let errors = configuration.issues.errors
    reportIssues(configuration.issues, warnings: warnings, manifestPath: files.manifest)
    guard errors.isEmpty, let manifest = configuration.manifest else {
        printError("\(files.manifest): \(errors.count) error(s); nothing was started. Run `supervisor check` for details.")
        throw CLIExit.usage
    }
    guard configuration.hosts[host] != nil else {
        let names = configuration.hosts.hosts.map(\.name)
        let hint = Spelling.closest(to: host, among: names).map { " Did you mean '\($0)'?" } ?? ""
        printError("unknown host '\(host)': \(files.hosts) lists \(names.joined(separator: ", ")).\(hint)")
        throw CLIExit.notFound
    }
    guard allowEmpty || !manifest.agents(on: host).isEmpty else {
        printError("host '\(host)' has no agents in \(files.manifest)")
        throw CLIExit.usage
    }
    return configuration
}

/// Every error on stderr, in full; the warnings in full or counted on one line.
func reportIssues(_ issues: [ManifestIssue], warnings: WarningReport, manifestPath: String) {
    switch warnings {
    case .all:
        for issue in issues { printError(issue.description) }
    case .count:
        for issue in issues.errors { printError(issue.description) }
        if let line = warningCountLine(issues.warnings.count, manifestPath: manifestPath) { printError(line) }
    case .alreadySaid:
        for issue in issues.errors { printError(issue.description) }
    }
}

/// `agents.yaml: 2 warnings; `supervisor check` shows them`; nil for none.
func warningCountLine(_ count: Int, manifestPath: String) -> String? {
    switch count {
    case 0: nil
    case 1: "\(manifestPath): 1 warning; `supervisor check` shows it"
    default: "\(manifestPath): \(count) warnings; `supervisor check` shows them"
    }
}
