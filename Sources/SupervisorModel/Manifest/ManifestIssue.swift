import Foundation

/// One problem found while loading a manifest or hosts file: what, where and how bad.
///
/// Loading never stops at the first problem; it collects every issue so that `supervisor check`
/// can report them all at once.
public struct ManifestIssue: Error, Equatable, Sendable, CustomStringConvertible {
    /// Errors stop `up`; warnings are reported and tolerated (unless `--strict`).
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    /// A stable, machine-readable kind of problem (also used on the wire).
    public enum Code: String, Sendable, Codable {
        case fileUnreadable = "manifest.file_unreadable"
        case yamlSyntax = "manifest.yaml_syntax"
        case unknownKey = "manifest.unknown_key"
        case wrongType = "manifest.wrong_type"
        case missingKey = "manifest.missing_key"
        case badDuration = "manifest.bad_duration"
        case badSize = "manifest.bad_size"
        case badValue = "manifest.bad_value"
        case undefinedVariable = "manifest.undefined_variable"
        case badName = "manifest.bad_name"
        case unknownDependency = "manifest.unknown_dependency"
        case dependencyHostMismatch = "manifest.dependency_host_mismatch"
        case crossHostCycle = "manifest.cross_host_cycle"
        case unknownHost = "manifest.unknown_host"
        case portConflict = "manifest.port_conflict"
        case dependencyCycle = "manifest.dependency_cycle"
        case commandNotFound = "manifest.command_not_found"
        /// The agent's working directory is missing (or not a directory).
        case cwdNotFound = "manifest.cwd_not_found"
        /// A Python command's script is missing (or not a readable file).
        case scriptNotFound = "manifest.script_not_found"
        /// A Python script does not compile (`check --deep`).
        case scriptSyntax = "manifest.script_syntax"
        /// Another process already listens on an agent's port or health port (`check --deep`).
        case portInUse = "manifest.port_in_use"
        case hostsSyntax = "hosts.syntax"
        case duplicateHost = "hosts.duplicate"
    }

    public var severity: Severity
    public var code: Code
    /// The file the problem is in.
    public var file: String
    /// 1-based line, where known.
    public var line: Int?
    /// The agent concerned, where there is one.
    public var agent: String?
    /// Dotted key path inside the agent or file, e.g. `health.interval`.
    public var key: String?
    /// One human sentence.
    public var message: String

    /// An error.
    public init(
        _ code: Code, file: String, line: Int? = nil, agent: String? = nil, key: String? = nil, message: String
    ) {
        self.init(.error, code, file: file, line: line, agent: agent, key: key, message: message)
    }

    public init(
        _ severity: Severity, _ code: Code, file: String, line: Int? = nil,
        agent: String? = nil, key: String? = nil, message: String
    ) {
        self.severity = severity
        self.code = code
        self.file = file
        self.line = line
        self.agent = agent
        self.key = key
        self.message = message
    }

    /// `agents.yaml:42: error: agent 'X', key 'health.interval': bad duration "5x" ...`
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": \(severity.rawValue):"
        var place: [String] = []
        if let agent { place.append("agent '\(agent)'") }
        if let key { place.append("key '\(key)'") }
        if !place.isEmpty { text += " " + place.joined(separator: ", ") + ":" }
        return text + " " + message
    }
}

extension Array where Element == ManifestIssue {
    /// True when any issue is an error (warnings alone do not block).
    public var hasErrors: Bool { contains { $0.severity == .error } }
    /// Only the errors.
    public var errors: [ManifestIssue] { filter { $0.severity == .error } }
    /// Only the warnings.
    public var warnings: [ManifestIssue] { filter { $0.severity == .warning } }
}
