/// One problem found while importing legacy startup configurations: a defect of the input (a
/// cycle, a duplicated agent, an unknown dependency, ...) or a reason the import failed.
///
/// `supervisor import` prints each one on stderr as `FILE:LINE: warning: ...` and writes the
/// warnings as comments at the place they concern in the generated manifest.
public struct ImportFinding: Error, Equatable, Sendable, CustomStringConvertible {
    /// Errors stop the import (nothing usable can be written) or mean the generated manifest
    /// does not pass `supervisor check`; warnings are defects the import worked around.
    public enum Severity: String, Sendable {
        case error
        case warning
    }

    /// A stable, machine-readable kind of finding.
    public enum Code: String, Sendable, CaseIterable {
        /// The file could not be read.
        case unreadable = "import.unreadable"
        /// The file is not valid YAML.
        case yamlSyntax = "import.yaml_syntax"
        /// Neither `agent_groups` nor `pc2_services`: not a legacy startup configuration.
        case unknownSchema = "import.unknown_schema"
        /// A value of the wrong type (e.g. `required: maybe`); it is left out.
        case badValue = "import.bad_value"
        /// An entry where an agent was expected that declares none (no `script_path`).
        case notAnAgent = "import.not_an_agent"
        /// A second declaration of an agent already declared on the same host.
        case duplicateAgent = "import.duplicate_agent"
        /// An agent name already used on another host; the later one gets a new name.
        case renamedAgent = "import.renamed_agent"
        /// A dependency on a name that no imported file defines.
        case unknownDependency = "import.unknown_dependency"
        /// A dependency on an agent of another host, kept as `host/Name`.
        case crossHostDependency = "import.cross_host_dependency"
        /// A dependency cycle (kept; its members start together).
        case dependencyCycle = "import.dependency_cycle"
        /// `error_bus_port` equals an agent's port.
        case errorBusPort = "import.error_bus_port"
        /// A `${NAME}` without a default in a value the manifest expands.
        case undefinedVariable = "import.undefined_variable"
        /// `--pass-ports` could not pass a port as an argument (it is a sum).
        case portArgument = "import.port_argument"
        /// The generated manifest itself has a problem `supervisor check` reports.
        case generatedManifest = "import.generated_manifest"
    }

    /// How bad it is.
    public var severity: Severity
    /// What kind of finding it is.
    public var code: Code
    /// The file the finding is about (a legacy file, or the generated manifest).
    public var file: String
    /// 1-based line in `file`, where known.
    public var line: Int?
    /// The agent concerned, by its legacy name, where there is one.
    public var agent: String?
    /// One human sentence.
    public var message: String

    /// A finding about `file` (at `line`, concerning `agent`, where known).
    public init(
        _ severity: Severity, _ code: Code, file: String, line: Int? = nil, agent: String? = nil, message: String
    ) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = line
        self.agent = agent
        self.message = message
    }

    /// `pc2-2025-07-19.yaml:273: warning: agent 'X': message`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": \(severity.rawValue):"
        if let agent { text += " agent '\(agent)':" }
        return text + " " + message
    }

    /// The text written as a comment in the generated manifest (no file prefix: the comment
    /// sits at the place concerned; the legacy line is given for reference).
    var commentText: String {
        var text = "\(severity.rawValue): \(message)"
        if let line { text += " [\(baseName(file)):\(line)]" }
        return text
    }
}

/// The last path component, for short references in comments.
func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}
