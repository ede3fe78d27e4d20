import Foundation
import Testing
@testable import SupervisorModel

/// Shared helpers for the manifest tests: load YAML text, find issues, find lines.
enum ManifestTestSupport {
    static let file = "agents.yaml"

    /// Loads `yaml` as a manifest named `agents.yaml`.
    static func load(
        _ yaml: String, environment: [String: String] = [:], hosts: HostTable? = nil, strict: Bool = false
    ) -> ManifestLoader.Result {
        ManifestLoader.load(text: yaml, file: file, environment: environment, hosts: hosts, strict: strict)
    }

    /// Loads `yaml` and requires that it has no errors (warnings are allowed).
    static func loadValid(
        _ yaml: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Manifest {
        let result = load(yaml, environment: environment)
        #expect(result.issues.errors.isEmpty, "unexpected errors: \(result.issues.errors)", sourceLocation: sourceLocation)
        return try #require(result.manifest, sourceLocation: sourceLocation)
    }

    /// The 1-based number of the first line of `text` that contains `needle`.
    static func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.contains(needle) }
            .map { $0 + 1 }
    }
}

extension Array where Element == ManifestIssue {
    /// The only issue with this code; fails the test when there is not exactly one.
    func single(
        _ code: ManifestIssue.Code, agent: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ManifestIssue {
        let matches = filter { $0.code == code && (agent == nil || $0.agent == agent) }
        try #require(matches.count == 1, "expected one \(code) issue, found: \(self)", sourceLocation: sourceLocation)
        return matches[0]
    }
}
