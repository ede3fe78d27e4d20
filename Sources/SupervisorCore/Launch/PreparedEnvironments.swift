import Foundation
import SupervisorModel

/// Each agent's environment as exec takes it (`NAME=value` C strings, sorted by name), built
/// once per spec and launcher configuration instead of at every start: merging the
/// supervisor's environment with the legacy variables and the manifest's, sorting and copying
/// it cost more than the clone itself, and a restart (kill -9 to new pid) now skips it.
///
/// An entry is used only while the agent's spec is the one it was built for (a reload that
/// changes the spec builds it again); the launcher drops them all when its own inputs change
/// (inherited environment, legacy variables, run marker).
final class PreparedEnvironments {
    /// One agent's prepared environment.
    struct Entry {
        var spec: AgentSpec
        var envp: CStringArray
        /// Where a bare command name is looked for (the environment's PATH).
        var searchPath: String
    }

    private var entries: [String: Entry] = [:]

    /// The entry for `spec`, built with `environment` when there is none for this spec.
    func entry(for spec: AgentSpec, environment: () -> [String: String]) -> Entry {
        if let entry = entries[spec.name], entry.spec == spec { return entry }
        let variables = environment()
        let entry = Entry(
            spec: spec, envp: CStringArray(Self.strings(variables)),
            searchPath: variables["PATH"] ?? AgentLauncher.defaultSearchPath)
        entries[spec.name] = entry
        return entry
    }

    /// `NAME=value` for each variable, sorted by name (a stable order for exec and tests).
    static func strings(_ environment: [String: String]) -> [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
