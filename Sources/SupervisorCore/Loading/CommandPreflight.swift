import Foundation
import SupervisorModel

/// Checks, before anything starts, that each agent's program can be run: resolved exactly as
/// `up` will resolve it (the agent's working directory, the PATH of the environment it will
/// get), and executable. Only agents of hosts that run on this machine are checked: another
/// machine's programs are not here to look at.
public struct CommandPreflight {
    public let configuration: Configuration
    public let localAddresses: Set<String>

    public init(configuration: Configuration, localAddresses: Set<String> = LocalAddresses.current()) {
        self.configuration = configuration
        self.localAddresses = localAddresses
    }

    /// One issue per agent whose program cannot be run: a warning, or an error when `strict`.
    public func issues(strict: Bool) -> [ManifestIssue] {
        guard let manifest = configuration.manifest else { return [] }
        let launcher = AgentLauncher(baseDirectory: configuration.baseDirectory, inheritedEnvironment: configuration.environment)
        var issues: [ManifestIssue] = []
        for spec in manifest.agents where runsHere(spec.host) && !spec.command.isEmpty {
            let environment = AgentEnvironment.build(for: spec, inherited: configuration.environment)
            let directory = launcher.workingDirectory(for: spec)
            let searchPath = environment["PATH"] ?? AgentLauncher.defaultSearchPath
            guard case .failure(let failure) = ExecutableResolver.resolve(spec.command[0], directory: directory, searchPath: searchPath) else {
                continue
            }
            let line = manifest.line(of: spec.name, key: "command")
            issues.append(ManifestIssue(
                strict ? .error : .warning, .commandNotFound, file: manifest.file, line: line, agent: spec.name,
                key: "command", message: "cannot run \(failure.message); `up` would fail this agent"))
        }
        return issues
    }

    private func runsHere(_ host: String) -> Bool {
        guard let entry = configuration.hosts[host] else { return false }
        return entry.isLoopback || localAddresses.contains(entry.address)
    }
}
