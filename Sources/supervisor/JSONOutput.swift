import Foundation
import SupervisorModel

/// The `--json` output of the verbs that have one (docs/cli.md): typed values, encoded with
/// sorted keys and indented, snake_case names.
func printJSON<Value: Encodable>(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// One problem of a file, as `check --json` and `import --json` write it.
struct IssueReport: Codable, Equatable {
    var severity: String
    var file: String
    var line: Int?
    var agent: String?
    var key: String?
    var message: String
    var code: String

    init(_ issue: ManifestIssue) {
        self.init(severity: issue.severity.rawValue, file: issue.file, line: issue.line, agent: issue.agent,
                  key: issue.key, message: issue.message, code: issue.code.rawValue)
    }

    init(_ finding: ImportFinding) {
        self.init(severity: finding.severity.rawValue, file: finding.file, line: finding.line, agent: finding.agent,
                  key: nil, message: finding.message, code: finding.code.rawValue)
    }

    init(severity: String, file: String, line: Int?, agent: String?, key: String?, message: String, code: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.agent = agent
        self.key = key
        self.message = message
        self.code = code
    }
}

/// `supervisor check --json`.
struct CheckReport: Codable, Equatable {
    var manifest: String
    var hosts: String
    /// Agents per host; empty when the manifest could not be read.
    var agents: [String: Int]
    var errors: Int
    var warnings: Int
    /// With --deep: how many agents were checked deeply.
    var checkedDeeply: Int?
    var issues: [IssueReport]
    var notes: [String]

    enum CodingKeys: String, CodingKey {
        case manifest, hosts, agents, errors, warnings, issues, notes
        case checkedDeeply = "checked_deeply"
    }
}

/// One host of `supervisor ping --json`.
struct PingReport: Codable, Equatable {
    var host: String
    var reachable: Bool
    var instance: String?
    var version: String?
    var `protocol`: Int?
    var zmq: String?
    /// Round trip of the version request, in milliseconds.
    var latencyMs: Double?
    /// Why the host is not reachable.
    var message: String?

    enum CodingKeys: String, CodingKey {
        case host, reachable, instance, version, `protocol`, zmq, message
        case latencyMs = "latency_ms"
    }
}

/// `supervisor import --json` (on stdout, so it needs `-o FILE`).
struct ImportReport: Codable, Equatable {
    struct HostCount: Codable, Equatable {
        var host: String
        var agents: Int
    }

    var inputs: [String]
    /// The manifest written; nil when nothing was.
    var output: String?
    var agents: [HostCount]
    var succeeded: Bool
    var errors: Int
    var warnings: Int
    var findings: [IssueReport]
}

/// `supervisor export FORMAT --json`.
struct ExportReport: Codable, Equatable {
    var format: String
    var folder: String
    /// Paths written, relative to `folder`, sorted.
    var files: [String]
    /// What the format cannot express (also written as comments in the files).
    var warnings: [String]
}
